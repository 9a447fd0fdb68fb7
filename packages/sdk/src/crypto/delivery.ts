import { nodeCrypto } from '../internal/node-crypto.js';

/**
 * Immediate delivery (即时配送) `delivery_sign`: lowercase hex SHA1 of `shopid + shop_order_id +
 * secret`, or `shopid + secret` for requests without an order id. `shopid` is the carrier
 * account's appkey and `secret` the carrier account's AppSecret — not the mini program's.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
 * @example deliverySign({ shopid: 'test_shop_id', shop_order_id: 'test_shop_order_id', secret: 'test_app_secrect' })
 * // 'a93d8d6bae9a9483c1b1d4e8670e7f6226ec94cb'
 */
export function deliverySign(input: { shopid: string; shop_order_id?: string; secret: string }): string {
  return nodeCrypto()
    .createHash('sha1')
    .update(`${input.shopid}${input.shop_order_id ?? ''}${input.secret}`, 'utf8')
    .digest('hex');
}

/** The sandbox carrier account (`delivery_id: 'TEST'`); its secret is spelled that way officially. */
export const SANDBOX_SHOP = Object.freeze({
  delivery_id: 'TEST',
  shopid: 'test_shop_id',
  secret: 'test_app_secrect',
});

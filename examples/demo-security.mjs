// The demo's content-security and shipping steps (same shape as demo-steps.mjs): check a comment
// and an image, then ship a paid order and walk it to settlement, printing the pushes received.
import { isRisky, isSettlementPush } from '@miniapp-server/sdk';

/** Pushes the demo's receiver got since `from`, matching `pred`, after the emulator sent what was due. */
async function pushesSince(ctx, from, pred) {
  await ctx.emu.security.flush();
  await ctx.emu.orderShipping.flush();
  return (ctx.state.receiver?.received ?? []).slice(from).filter(pred);
}

const iso = (unixSeconds) => new Date(unixSeconds * 1000).toISOString();

/** @type {Array<[string, (ctx: any) => Promise<unknown>]>} */
export const securitySteps = [
  [
    'security.msgSecCheck: two comments (a risky text also answers errcode 0 — read result.suggest)',
    async ({ app, emu, state }) => {
      // The user opens the mini program again: checks need a visit within the last 2 hours (61010),
      // and the steps before this one moved the virtual clock on.
      await app.auth.code2Session({ js_code: emu.createLoginCode({ openid: state.user.openid }).code });
      const check = (content) => app.security.msgSecCheck({ content, scene: 2, openid: state.user.openid });
      const clean = await check('这家店的拿铁很好喝');
      const risky = await check('周末一起去赌博吧');
      return {
        clean: { errcode: clean.errcode, suggest: clean.result.suggest, isRisky: isRisky(clean) },
        risky: { errcode: risky.errcode, ...risky.result, isRisky: isRisky(risky) },
      };
    },
  ],
  [
    'security.mediaCheckAsync: an image URL; the verdict arrives as a wxa_media_check push',
    async (ctx) => {
      const { app, emu, state } = ctx;
      const media_url = 'https://cdn.example.com/uploads/avatar.png';
      emu.security.addMedia({ url: media_url });
      emu.security.addImageRule({ url: media_url, suggest: 'risky', label: 20002 });
      const from = state.receiver?.received.length ?? 0;
      const { trace_id } = await app.security.mediaCheckAsync({
        media_url,
        media_type: 2,
        scene: 1,
        openid: state.user.openid,
      });
      emu.clock.advance(5); // the push comes 5 s later on the emulator's virtual clock
      const [push] = await pushesSince(ctx, from, (m) => m.trace_id === trace_id);
      return { trace_id, push: push && { version: push.version, result: push.result, isRisky: isRisky(push) } };
    },
  ],
  [
    'orderShipping: a paid order shipped, its receipt confirmed by the user, settled (trade_manage_* pushes)',
    async (ctx) => {
      const { app, emu, state } = ctx;
      const from = state.receiver?.received.length ?? 0;
      const transaction_id = '4200000000202611240042';
      emu.recordPayment({
        openid: state.user.openid,
        transaction_id,
        mch_id: '1900000109',
        out_trade_no: 'demo-42',
        amount: 2500,
      });
      await app.orderShipping.uploadShippingInfo(
        {
          order_key: { order_number_type: 2, transaction_id },
          logistics_type: 1,
          delivery_mode: 1,
          shipping_list: [
            {
              tracking_no: 'SF1234567890',
              express_company: 'SF',
              item_desc: '拿铁咖啡豆 500g',
              contact: { receiver_contact: '138****8000' },
            },
          ],
          upload_time: new Date(emu.clock.nowMs()),
          payer: { openid: state.user.openid },
        },
        { retryOrderNotFound: true },
      );
      const shipped = (await app.orderShipping.getOrder({ transaction_id })).order.order_state;
      emu.orderShipping.confirmReceipt({ transaction_id }); // the buyer taps 确认收货
      await emu.orderShipping.flush(); // let the pushes due now arrive before the clock jumps
      emu.clock.advance(86400); // settlement follows a day later
      const pushes = await pushesSince(ctx, from, (m) => String(m.Event ?? '').startsWith('trade_manage_'));
      const settled = (await app.orderShipping.getOrder({ transaction_id })).order.order_state;
      return {
        order_state: { after_upload: shipped, after_settlement: settled },
        pushes: pushes.map((p) =>
          p.Event === 'trade_manage_order_settlement'
            ? `${p.Event} (${isSettlementPush(p) ? `settled at ${iso(p.settlement_time)}` : `shipped, settles by ${iso(p.estimated_settlement_time)}`})`
            : p.Event,
        ),
      };
    },
  ],
];

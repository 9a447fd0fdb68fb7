/**
 * The immediate-delivery order object (preAddOrder / addOrder / reOrder, PROTOCOL §8.3): its
 * types, the cargo class enums, and its validation declared as data.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
 */
import { type NumberRule, type Schema, arr, flag, num, obj, opt, str, yuan } from '../internal/schema.js';

/** `cargo_first_class` → its allowed `cargo_second_class` values. */
export const CARGO_CLASSES = Object.freeze({
  美食夜宵: ['零食小吃', '香锅/烤鱼', '西餐', '日韩料理', '海鲜/烧烤', '快餐/地方菜', '小龙虾', '披萨'],
  甜品饮料: ['甜品', '奶茶果汁', '咖啡', '面包/糕点', '冰淇淋'],
  蛋糕: ['蛋糕'],
  日用百货: [
    '便利店',
    '水站/奶站',
    '零食/干果',
    '五金日用',
    '粮油调味',
    '文具店',
    '酒水行',
    '地方特产',
    '进口食品',
    '宠物用品',
    '超市',
    '书店',
    '宠物食品用品',
    '办公家居用品',
  ],
  果蔬生鲜: ['果蔬', '海鲜水产', '冷冻速食'],
  鲜花: ['鲜花'],
  医药健康: ['送药', '器材器具'],
  美妆护肤: ['日化美妆'],
  母婴: ['孕婴用品'],
  文件或票务: ['保单', '票务文件', '政府文件', '证件'],
  服饰鞋帽: ['服饰鞋帽综合'],
  洗涤: ['脏衣服收', '干净衣服派'],
  珠宝奢侈品: ['珠宝饰品', '奢侈品'],
  家居家装: ['家具', '装修建材', '厨房卫浴'],
  数码产品: ['数码产品'],
  配件器材: ['配件器材'],
  电商: ['电视购物', '线上商城'],
  现场勘查: ['现场勘查'],
  快递业务: ['快递配送'],
  其他: ['其他'],
} as const);

export type CargoFirstClass = keyof typeof CARGO_CLASSES;
export type CargoSecondClass = (typeof CARGO_CLASSES)[CargoFirstClass][number];

/** Carrier ids (`delivery_id`); others may appear, so any string is accepted. */
export type DeliveryId = 'SFTC' | 'SS' | 'MTPS' | 'DADA' | 'UU' | 'TEST' | (string & {});

/** Sender or receiver. */
export interface DeliveryAddress {
  /** ≤ 256 characters. */
  name: string;
  /** e.g. 广州市. */
  city: string;
  address: string;
  address_detail: string;
  /** ≤ 64 characters. */
  phone: string;
  /** Longitude (6 decimal places). */
  lng: number;
  /** Latitude (6 decimal places). */
  lat: number;
  /** 0 = GCJ-02 (火星: 高德/腾讯, default), 1 = 百度 (BD-09). */
  coordinate_type?: 0 | 1;
}

export interface DeliveryGood {
  good_count: number;
  good_name: string;
  /** Yuan, 2 decimal places. */
  good_price?: number;
  /** ≤ 20 characters. */
  good_unit?: string;
}

export interface DeliveryCargo {
  /** Yuan, 2 decimal places, (0, 5000]. */
  goods_value: number;
  /** cm, (0, 45]. */
  goods_height?: number;
  /** cm, (0, 65]. */
  goods_length?: number;
  /** cm, (0, 50]. */
  goods_width?: number;
  /** kg, (0, 50]. */
  goods_weight: number;
  /** ≤ 10240 characters as JSON. */
  goods_detail?: { goods: DeliveryGood[] };
  /** ≤ 100 characters. */
  goods_pickup_info?: string;
  /** ≤ 100 characters. */
  goods_delivery_info?: string;
  cargo_first_class: CargoFirstClass | (string & {});
  /** Must belong to `cargo_first_class` (see CARGO_CLASSES). */
  cargo_second_class: CargoSecondClass | (string & {});
}

/** All optional. Times are Unix seconds, money yuan. */
export interface DeliveryOrderInfo {
  /** Carrier-defined service code (顺丰 and 达达: leave empty). */
  delivery_service_code?: string;
  /** 0 即时单, 1 预约单 (then set one of the expected_* times). */
  order_type?: 0 | 1;
  /** 期望派单时间 (达达). */
  expected_delivery_time?: number;
  /** 期望送达时间 (美团, 顺丰同城). */
  expected_finish_time?: number;
  /** 期望取件时间 (闪送 ≥ 2 h ahead; 顺丰同城). */
  expected_pick_time?: number;
  /** ≤ 32 characters. */
  poi_seq?: string;
  /** ≤ 200 characters. */
  note?: string;
  /** User payment time (顺丰 requires it). */
  order_time?: number;
  is_insured?: 0 | 1;
  /** Declared value for insurance, yuan. */
  declared_value?: number;
  /** Tip at creation, yuan ("下单一般不加小费"). */
  tips?: number;
  /** 闪送: must be 1. */
  is_direct_delivery?: 0 | 1;
  cash_on_delivery?: number;
  cash_on_pickup?: number;
  /** 1 门店→用户, 2 用户→门店. */
  rider_pick_method?: 1 | 2;
  /** 收货码. */
  is_finish_code_needed?: 0 | 1;
  /** 取货码. */
  is_pickup_code_needed?: 0 | 1;
}

/** Shown in the user's service notifications. */
export interface DeliveryShop {
  /** The merchant page the notification opens. */
  wxa_path?: string;
  /** Required unless `detail_list` is given. */
  img_url?: string;
  /** ≤ 128 bytes; required unless `detail_list` is given. */
  goods_name?: string;
  /** Required unless `detail_list` is given. */
  goods_count?: number;
  /** Only effective in addOrder (third-party unified settlement). */
  wxa_appid?: string;
  /** Defined for logistics only; accepted and ignored here. */
  detail_list?: unknown[];
}

/** The order object of preAddOrder / addOrder / reOrder. */
export interface DeliveryOrder {
  /** The carrier account's appkey (`test_shop_id` in the sandbox). */
  shopid: string;
  /** Your order id, ≤ 128 bytes, unique per merchant. */
  shop_order_id: string;
  /** Carrier store number (美团, 闪送 require it). */
  shop_no?: string;
  /** Computed by the SDK from `delivery.secrets` when absent; an explicit value is sent as is. */
  delivery_sign?: string;
  delivery_id: DeliveryId;
  /** The ordering user. */
  openid: string;
  /** Required by 顺丰同城 and 闪送; others may omit it when `shop_no` is set. */
  sender?: DeliveryAddress;
  receiver: DeliveryAddress;
  cargo: DeliveryCargo;
  order_info: DeliveryOrderInfo;
  shop: DeliveryShop;
  sub_biz_id?: string;
}

/** A number that may have decimals. */
const real = (opts: Omit<NumberRule, 'type' | 'integer'> = {}) => num({ integer: false, ...opts });
const time = opt(num({ min: 0 }));
const text = (maxChars: number) => str({ maxChars });

const ADDRESS = obj({
  name: text(256),
  city: str(),
  address: str(),
  address_detail: str(),
  phone: text(64),
  lng: real({ min: -180, max: 180 }),
  lat: real({ min: -90, max: 90 }),
  coordinate_type: opt(flag()),
});

const CARGO = obj(
  {
    goods_value: yuan({ gt: 0, max: 5000 }),
    goods_height: opt(real({ gt: 0, max: 45 })),
    goods_length: opt(real({ gt: 0, max: 65 })),
    goods_width: opt(real({ gt: 0, max: 50 })),
    goods_weight: real({ gt: 0, max: 50 }),
    goods_detail: opt(
      obj(
        {
          goods: arr(
            obj({
              good_count: real({ gt: 0 }),
              good_name: str(),
              good_price: opt(yuan()),
              good_unit: opt(text(20)),
            }),
          ),
        },
        { maxJson: 10240 },
      ),
    ),
    goods_pickup_info: opt(text(100)),
    goods_delivery_info: opt(text(100)),
    cargo_first_class: str(),
    cargo_second_class: str(),
  },
  {
    rules: [
      (c) => {
        const seconds = (CARGO_CLASSES as Record<string, readonly string[]>)[c.cargo_first_class];
        if (!seconds) return ['cargo_first_class', `is not a cargo class (${Object.keys(CARGO_CLASSES).join(' ')})`];
        if (!seconds.includes(c.cargo_second_class)) {
          return [
            'cargo_second_class',
            `must be one of ${seconds.join(', ')} for ${c.cargo_first_class} (got ${JSON.stringify(c.cargo_second_class)})`,
          ];
        }
        return undefined;
      },
    ],
  },
);

const ORDER_INFO = obj(
  {
    delivery_service_code: opt(str()),
    order_type: opt(flag()),
    expected_delivery_time: time,
    expected_finish_time: time,
    expected_pick_time: time,
    poi_seq: opt(text(32)),
    note: opt(text(200)),
    order_time: time,
    is_insured: opt(flag()),
    declared_value: opt(yuan()),
    tips: opt(yuan()),
    is_direct_delivery: opt(flag()),
    cash_on_delivery: opt(yuan()),
    cash_on_pickup: opt(yuan()),
    rider_pick_method: opt(num({ values: [1, 2] })),
    is_finish_code_needed: opt(flag()),
    is_pickup_code_needed: opt(flag()),
  },
  {
    rules: [
      (o) =>
        o.order_type === 1 && !o.expected_delivery_time && !o.expected_finish_time && !o.expected_pick_time
          ? ['order_type', 'is 1 (预约单): set expected_delivery_time, expected_finish_time or expected_pick_time']
          : undefined,
    ],
  },
);

const SHOP = obj(
  {
    wxa_path: opt(str()),
    img_url: opt(str()),
    goods_name: opt(str({ maxBytes: 128 })),
    goods_count: opt(num({ gt: 0 })),
    wxa_appid: opt(str()),
    detail_list: opt(arr(obj({}))),
  },
  {
    rules: [
      // WeChat answers 9300535 for a shop without thumbnail, name or count.
      (s) => {
        if (Array.isArray(s.detail_list) && s.detail_list.length > 0) return undefined;
        for (const f of ['img_url', 'goods_name', 'goods_count']) {
          if (s[f] === undefined || s[f] === '') return [f, 'is required (shop.img_url, goods_name and goods_count)'];
        }
        return undefined;
      },
    ],
  },
);

/** The order object's rules. */
export const ORDER_SCHEMA: Schema = {
  shopid: str(),
  shop_order_id: str({ maxBytes: 128 }),
  shop_no: opt(str({ nonEmpty: false })),
  delivery_sign: opt(str()),
  delivery_id: str(),
  openid: str(),
  sender: opt(ADDRESS),
  receiver: ADDRESS,
  cargo: CARGO,
  order_info: ORDER_INFO,
  shop: SHOP,
  sub_biz_id: opt(str()),
  delivery_token: opt(str()),
};

/**
 * The immediate-delivery order object (preAddOrder / addOrder / reOrder, PROTOCOL §8.3): its
 * types, the cargo class enums, and its validation declared as data.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
 */
import type { ObjectRule, Schema } from '../internal/field-rules.js';

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

const flag = { type: 'number', oneOf: [0, 1] } as const;
const yuan = { type: 'number', min: 0, decimals: 2 } as const;
const time = { type: 'number', integer: true, min: 0 } as const;
const text = (max: number, required = false) => ({ type: 'string', max, required }) as const;

const ADDRESS: ObjectRule = {
  type: 'object',
  fields: {
    name: text(256, true),
    city: { type: 'string', required: true },
    address: { type: 'string', required: true },
    address_detail: { type: 'string', required: true },
    phone: text(64, true),
    lng: { type: 'number', required: true, min: -180, max: 180 },
    lat: { type: 'number', required: true, min: -90, max: 90 },
    coordinate_type: flag,
  },
};

const CARGO: ObjectRule = {
  type: 'object',
  required: true,
  fields: {
    goods_value: { type: 'number', required: true, gt: 0, max: 5000, decimals: 2 },
    goods_height: { type: 'number', gt: 0, max: 45 },
    goods_length: { type: 'number', gt: 0, max: 65 },
    goods_width: { type: 'number', gt: 0, max: 50 },
    goods_weight: { type: 'number', required: true, gt: 0, max: 50 },
    goods_detail: {
      type: 'object',
      maxJson: 10240,
      fields: {
        goods: {
          type: 'array',
          required: true,
          items: {
            type: 'object',
            fields: {
              good_count: { type: 'number', required: true, gt: 0 },
              good_name: { type: 'string', required: true },
              good_price: yuan,
              good_unit: text(20),
            },
          },
        },
      },
    },
    goods_pickup_info: text(100),
    goods_delivery_info: text(100),
    cargo_first_class: { type: 'string', required: true },
    cargo_second_class: { type: 'string', required: true },
  },
  refine: (c) => {
    const seconds = (CARGO_CLASSES as Record<string, readonly string[]>)[c.cargo_first_class];
    if (!seconds) {
      return { field: 'cargo_first_class', message: `is not a cargo class (${Object.keys(CARGO_CLASSES).join(' ')})` };
    }
    if (!seconds.includes(c.cargo_second_class)) {
      return {
        field: 'cargo_second_class',
        message: `must be one of ${seconds.join(', ')} for ${c.cargo_first_class} (got ${JSON.stringify(c.cargo_second_class)})`,
      };
    }
    return undefined;
  },
};

const ORDER_INFO: ObjectRule = {
  type: 'object',
  required: true,
  fields: {
    delivery_service_code: { type: 'string' },
    order_type: flag,
    expected_delivery_time: time,
    expected_finish_time: time,
    expected_pick_time: time,
    poi_seq: text(32),
    note: text(200),
    order_time: time,
    is_insured: flag,
    declared_value: yuan,
    tips: yuan,
    is_direct_delivery: flag,
    cash_on_delivery: yuan,
    cash_on_pickup: yuan,
    rider_pick_method: { type: 'number', oneOf: [1, 2] },
    is_finish_code_needed: flag,
    is_pickup_code_needed: flag,
  },
  refine: (o) =>
    o.order_type === 1 && !o.expected_delivery_time && !o.expected_finish_time && !o.expected_pick_time
      ? {
          field: 'order_type',
          message: 'is 1 (预约单): set expected_delivery_time, expected_finish_time or expected_pick_time',
        }
      : undefined,
};

const SHOP: ObjectRule = {
  type: 'object',
  required: true,
  fields: {
    wxa_path: { type: 'string' },
    img_url: { type: 'string' },
    goods_name: { type: 'string', maxBytes: 128 },
    goods_count: { type: 'number', integer: true, gt: 0 },
    wxa_appid: { type: 'string' },
    detail_list: { type: 'array', items: { type: 'object', fields: {} } },
  },
  // WeChat answers 9300535 for a shop without thumbnail, name or count.
  refine: (s) => {
    if (Array.isArray(s.detail_list) && s.detail_list.length > 0) return undefined;
    for (const f of ['img_url', 'goods_name', 'goods_count']) {
      if (s[f] === undefined || s[f] === '')
        return { field: f, message: 'is required (shop.img_url, goods_name and goods_count)' };
    }
    return undefined;
  },
};

/** The order object's rules. */
export const ORDER_SCHEMA: Schema = {
  shopid: { type: 'string', required: true },
  shop_order_id: { type: 'string', required: true, maxBytes: 128 },
  shop_no: { type: 'string', allowEmpty: true },
  delivery_sign: { type: 'string' },
  delivery_id: { type: 'string', required: true },
  openid: { type: 'string', required: true },
  sender: ADDRESS,
  receiver: { ...ADDRESS, required: true },
  cargo: CARGO,
  order_info: ORDER_INFO,
  shop: SHOP,
  sub_biz_id: { type: 'string' },
  delivery_token: { type: 'string' },
};

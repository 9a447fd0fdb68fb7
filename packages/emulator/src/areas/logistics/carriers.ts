/**
 * The carriers of getAllDelivery with their service types (PROTOCOL §9.3, from the official
 * expressinfo page), the sandbox carrier, and the waybill-number prefixes the emulator issues.
 */

export interface ServiceType {
  service_type: number;
  service_name: string;
}

export interface Carrier {
  delivery_id: string;
  delivery_name: string;
  /** 1 = 散单 without a bound account. */
  can_use_cash: 0 | 1;
  /** 1 = getQuota answers for its accounts. */
  can_get_quota: 0 | 1;
  service_type: ServiceType[];
  /** `biz_id` of 散单, when `can_use_cash`. */
  cash_biz_id: string;
  /** Service types 散单 may use (SF 0–3, DB 1–2). */
  cash_service_types?: number[];
  /** Prefix of the waybill numbers the emulator issues. */
  prefix: string;
}

const s = (service_type: number, service_name: string): ServiceType => ({ service_type, service_name });

/** The sandbox: only these values work (PROTOCOL §9.8). */
export const SANDBOX = {
  delivery_id: 'TEST',
  biz_id: 'test_biz_id',
  service_type: 1,
  service_name: 'test_service_name',
} as const;

export const CARRIERS: readonly Carrier[] = [
  {
    delivery_id: 'SF',
    delivery_name: '顺丰速运',
    can_use_cash: 1,
    can_get_quota: 0,
    service_type: [s(0, '标准快递'), s(1, '顺丰即日'), s(2, '顺丰特快'), s(3, '顺丰标快'), s(4, '顺丰标快(协议)')],
    cash_biz_id: 'SF_CASH',
    cash_service_types: [0, 1, 2, 3],
    prefix: 'SF',
  },
  {
    delivery_id: 'YTO',
    delivery_name: '圆通速递',
    can_use_cash: 0,
    can_get_quota: 1,
    service_type: [s(0, '普通快递'), s(1, '圆准达')],
    cash_biz_id: '',
    prefix: 'YT',
  },
  {
    delivery_id: 'ZTO',
    delivery_name: '中通快递',
    can_use_cash: 0,
    can_get_quota: 1,
    service_type: [s(0, '标准快件')],
    cash_biz_id: '',
    prefix: '7',
  },
  {
    delivery_id: 'YUNDA',
    delivery_name: '韵达快递',
    can_use_cash: 0,
    can_get_quota: 1,
    service_type: [s(0, '标准快件')],
    cash_biz_id: '',
    prefix: '43',
  },
  {
    delivery_id: 'STO',
    delivery_name: '申通快递',
    can_use_cash: 0,
    can_get_quota: 1,
    service_type: [s(1, '标准快递')],
    cash_biz_id: '',
    prefix: '77',
  },
  {
    delivery_id: 'BEST',
    delivery_name: '百世快递',
    can_use_cash: 0,
    can_get_quota: 1,
    service_type: [s(1, '普通快递')],
    cash_biz_id: '',
    prefix: '55',
  },
  {
    delivery_id: 'EMS',
    delivery_name: '中国邮政速递物流',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(6, '标准快递'), s(9, '快递包裹')],
    cash_biz_id: '',
    prefix: 'EM',
  },
  {
    delivery_id: 'JDL',
    delivery_name: '京东物流',
    can_use_cash: 0,
    can_get_quota: 0,
    // JDL documents types 0–17; their names were not captured, so only the two best-known ones are offered.
    service_type: [s(0, '特惠送'), s(1, '特快送')],
    cash_biz_id: '',
    prefix: 'JD',
  },
  {
    delivery_id: 'DB',
    delivery_name: '德邦快递',
    can_use_cash: 1,
    can_get_quota: 0,
    service_type: [s(1, '大件快递3.60'), s(2, '特准快件')],
    cash_biz_id: 'DB_CASH',
    cash_service_types: [1, 2],
    prefix: 'DPK',
  },
  {
    delivery_id: 'PJ',
    delivery_name: '品骏快递',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(1, '普通快递')],
    cash_biz_id: '',
    prefix: 'PJ',
  },
  {
    delivery_id: 'ANE',
    delivery_name: '安能物流',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(95, 'MINI小包'), s(22, '特准快运')],
    cash_biz_id: '',
    prefix: 'AN',
  },
  {
    delivery_id: 'UCE',
    delivery_name: '优速快递',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(0, '大包裹')],
    cash_biz_id: '',
    prefix: 'UC',
  },
  {
    delivery_id: 'HHTT',
    delivery_name: '天天快递',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(0, '标准快递')],
    cash_biz_id: '',
    prefix: '66',
  },
  {
    delivery_id: 'JTSD',
    delivery_name: '极兔速递',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(0, '标准快递')],
    cash_biz_id: '',
    prefix: 'JT',
  },
  {
    delivery_id: SANDBOX.delivery_id,
    delivery_name: '测试快递公司',
    can_use_cash: 0,
    can_get_quota: 0,
    service_type: [s(SANDBOX.service_type, SANDBOX.service_name)],
    cash_biz_id: '',
    prefix: 'TEST',
  },
];

const BY_ID = new Map(CARRIERS.map((c) => [c.delivery_id, c]));

export function carrier(deliveryId: unknown): Carrier | undefined {
  return typeof deliveryId === 'string' ? BY_ID.get(deliveryId) : undefined;
}

/** getAllDelivery's view of a carrier (without the emulator's own fields). */
export function deliveryView(c: Carrier): Record<string, unknown> {
  return {
    delivery_id: c.delivery_id,
    delivery_name: c.delivery_name,
    can_use_cash: c.can_use_cash,
    can_get_quota: c.can_get_quota,
    service_type: c.service_type.map((t) => ({ ...t })),
    cash_biz_id: c.cash_biz_id,
  };
}

/**
 * The subscribe-message template library the emulator starts with (categories, public templates
 * and their keywords), and the value rules WeChat applies to each keyword kind (47003).
 * Used by areas/messages.ts only.
 */

export interface LibraryKeyword {
  kid: number;
  name: string;
  example: string;
  /** Value kind: thing, number, letter, symbol, character_string, time, date, amount, phone_number, car_number, name, phrase. */
  rule: string;
}

export interface PublicTemplate {
  tid: number;
  title: string;
  /** 2 = one-time (一次性), 3 = long-term (长期). */
  type: 2 | 3;
  categoryId: number;
  keywords: LibraryKeyword[];
}

export interface Category {
  id: number;
  name: string;
}

export interface Library {
  categories: Category[];
  templates: PublicTemplate[];
}

const kw = (kid: number, rule: string, name: string, example: string): LibraryKeyword => ({ kid, rule, name, example });

/** A fresh copy of the seeded library (realistic titles, keywords and examples). */
export function seedLibrary(): Library {
  return {
    categories: [
      { id: 616, name: '餐饮服务' },
      { id: 307, name: '电商平台' },
      { id: 2, name: '快递、物流' },
    ],
    templates: [
      {
        tid: 99,
        title: '付款成功通知',
        type: 2,
        categoryId: 616,
        keywords: [
          kw(1, 'thing', '商品名称', '拿铁咖啡'),
          kw(2, 'amount', '支付金额', '¥25.00'),
          kw(3, 'time', '支付时间', '2024年5月1日 12:30'),
          kw(4, 'character_string', '订单号', 'T202405011230001'),
          kw(5, 'thing', '温馨提示', '请凭取餐码到柜台取餐'),
        ],
      },
      {
        tid: 401,
        title: '预约成功通知',
        type: 2,
        categoryId: 616,
        keywords: [
          kw(1, 'name', '预约人', '张三'),
          kw(2, 'time', '预约时间', '2024-05-01 18:00'),
          kw(3, 'thing', '预约门店', '人民广场店'),
          kw(4, 'phone_number', '联系电话', '021-12345678'),
          kw(5, 'number', '用餐人数', '4'),
        ],
      },
      {
        tid: 1536,
        title: '订单发货提醒',
        type: 2,
        categoryId: 307,
        keywords: [
          kw(1, 'thing', '商品名称', '无线蓝牙耳机'),
          kw(2, 'character_string', '快递单号', 'SF1234567890123'),
          kw(3, 'thing', '快递公司', '顺丰速运'),
          kw(4, 'date', '发货时间', '2024年5月1日'),
          kw(5, 'thing', '备注', '请保持电话畅通'),
        ],
      },
      {
        tid: 2233,
        title: '物流状态更新提醒',
        type: 3,
        categoryId: 2,
        keywords: [
          kw(1, 'character_string', '运单号', 'YT9876543210'),
          kw(2, 'phrase', '物流状态', '派送中'),
          kw(3, 'time', '更新时间', '2024-05-01 09:15'),
          kw(4, 'car_number', '配送车辆', '沪A12345'),
          kw(5, 'letter', '网点代码', 'SHPD'),
        ],
      },
      {
        // A "new one-time" template (tid in [10000001, 20000000)): addTemplate takes kidList [] and
        // every keyword is included (PROTOCOL §4.7).
        tid: 10000015,
        title: '服务进度提醒',
        type: 2,
        categoryId: 616,
        keywords: [kw(1, 'thing', '服务内容', '空调清洗'), kw(2, 'phrase', '当前进度', '已完成')],
      },
    ],
  };
}

/** New one-time templates (PROTOCOL §4.7): addTemplate takes `kidList: []` and keeps every keyword. */
export function isNewOneTime(tid: number): boolean {
  return tid >= 10_000_001 && tid < 20_000_000;
}

const chars = (s: string) => [...s].length;

/**
 * Why a keyword value breaks its rule (→ 47003), or undefined when it is fine. Limits follow the
 * official keyword table; the exact patterns WeChat uses are not published, so these are lenient
 * approximations [inferred].
 */
export function keywordProblem(rule: string, value: string): string | undefined {
  if (value.trim() === '') return 'is empty';
  switch (rule) {
    case 'thing':
      return chars(value) > 20 ? 'exceeds 20 characters' : undefined;
    case 'number':
      return /^[0-9.]{1,32}$/.test(value) ? undefined : 'must be a number (≤32 digits)';
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value) ? undefined : 'must be letters (≤32)';
    case 'symbol':
      return chars(value) <= 5 && !/[\p{L}\p{N}]/u.test(value) ? undefined : 'must be ≤5 symbols';
    case 'character_string':
      return /^[\x21-\x7e]{1,32}$/.test(value) ? undefined : 'must be ≤32 letters, digits or symbols';
    case 'time':
    case 'date':
      return /\d/.test(value) && chars(value) <= 32 ? undefined : `must be a ${rule}`;
    case 'amount':
      return /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(value) ? undefined : 'must be an amount (e.g. ¥25.00)';
    case 'phone_number':
      return /^[0-9+\-() ]{1,17}$/.test(value) ? undefined : 'must be a phone number (≤17 digits/symbols)';
    case 'car_number':
      return chars(value) <= 8 ? undefined : 'exceeds 8 characters';
    case 'name':
      return chars(value) <= (/^[A-Za-z ]+$/.test(value) ? 20 : 10) ? undefined : 'name too long';
    case 'phrase':
      return chars(value) <= 5 && /^[\p{Script=Han}]+$/u.test(value) ? undefined : 'must be ≤5 Chinese characters';
    default:
      return chars(value) > 20 ? 'exceeds 20 characters' : undefined;
  }
}

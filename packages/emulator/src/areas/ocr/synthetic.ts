/**
 * Realistic, deterministic results for the card/licence recognisers when no fixture matches: the
 * same image always gives the same ID card, so demos work with any photo. Every value is seeded
 * from the image's sha256; nothing here reads pixels.
 */
import type { ImageInfo } from '../../image.js';

export type SyntheticKind = 'idcard' | 'driverLicense' | 'vehicleLicense' | 'businessLicense' | 'plateNumber';

/** mulberry32 over the first 4 bytes of the hash: tiny, fast, reproducible. */
function rng(sha256hex: string): () => number {
  let a = Number.parseInt(sha256hex.slice(0, 8), 16) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙'];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '涛',
  '明',
  '秀英',
  '建华',
  '晓东',
];
const REGIONS = [
  { area: '广东省深圳市南山区', code: '440305', plate: '粤B', police: '深圳市公安局交通警察支队' },
  { area: '北京市朝阳区', code: '110105', plate: '京N', police: '北京市公安局公安交通管理局' },
  { area: '上海市浦东新区', code: '310115', plate: '沪A', police: '上海市公安局交通警察总队' },
  { area: '浙江省杭州市西湖区', code: '330106', plate: '浙A', police: '杭州市公安局交通警察支队' },
  { area: '四川省成都市武侯区', code: '510107', plate: '川A', police: '成都市公安局交通管理局' },
  { area: '江苏省南京市鼓楼区', code: '320106', plate: '苏A', police: '南京市公安局交通管理局' },
];
const STREETS = ['科技园路', '建国路', '世纪大道', '文三路', '人民南路', '中山北路', '深南大道'];
const MODELS = ['大众汽车牌SVW71810KJ', '丰田牌TV7250GLX', '本田牌HG7154BAC5', '比亚迪牌BYD7150WT6HEV'];
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const CAPITALS = ['壹佰万元整', '伍佰万元整', '壹仟万元整', '贰佰万元整'];

/** GB 11643 check character of the first 17 digits of a resident ID number. */
export function idCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return '10X98765432'[sum % 11];
}

/** The card/licence outline: the middle of the image, 8% in from each edge. */
function position(img: ImageInfo | undefined) {
  const w = img?.w || 1000;
  const h = img?.h || 630;
  const l = Math.round(w * 0.08);
  const t = Math.round(h * 0.08);
  const r = w - l;
  const b = h - t;
  return {
    pos: {
      left_top: { x: l, y: t },
      right_top: { x: r, y: t },
      right_bottom: { x: r, y: b },
      left_bottom: { x: l, y: b },
    },
  };
}

/** The synthetic WeChat response fields for `kind`, derived from the image hash. */
export function syntheticResult(kind: SyntheticKind, sha256hex: string, img?: ImageInfo): Record<string, unknown> {
  const r = rng(sha256hex);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('');
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = (fromYear: number, span: number) => {
    const y = fromYear + Math.floor(r() * span);
    return { y, m: 1 + Math.floor(r() * 12), d: 1 + Math.floor(r() * 28) };
  };
  const ymd = (x: { y: number; m: number; d: number }, sep = '-') => `${x.y}${sep}${pad(x.m)}${sep}${pad(x.d)}`;

  const region = pick(REGIONS);
  const name = pick(SURNAMES) + pick(GIVEN);
  const male = r() < 0.5;
  const birth = date(1965, 40);
  const seq = String(Math.floor(r() * 50) * 2 + (male ? 1 : 0)).padStart(3, '0');
  const id17 = `${region.code}${ymd(birth, '')}${seq}`;
  const id = id17 + idCheckDigit(id17);
  const addr = `${region.area}${pick(STREETS)}${1 + Math.floor(r() * 300)}号`;
  const plate = region.plate + chars(PLATE_CHARS, 5);
  const imgSize = img && img.w > 0 ? { img_size: { w: img.w, h: img.h } } : {};

  switch (kind) {
    case 'idcard': {
      // Mostly the portrait side; one hash in four shows the back, so both shapes turn up.
      if (Number.parseInt(sha256hex.slice(8, 10), 16) % 4 === 3) {
        const from = date(2012, 10);
        return { type: 'Back', valid_date: `${ymd(from, '')}-${ymd({ ...from, y: from.y + 20 }, '')}` };
      }
      return { type: 'Front', name, id, addr, gender: male ? '男' : '女', nationality: '汉' };
    }
    case 'driverLicense': {
      const first = date(Math.max(birth.y + 18, 1990), 12);
      const from = date(2016, 6);
      return {
        id_num: id,
        name,
        sex: male ? '男' : '女',
        nationality: '中国',
        address: addr,
        birth_date: ymd(birth),
        issue_date: ymd(first),
        car_class: pick(['C1', 'C1', 'C2', 'B2', 'A1']),
        valid_from: ymd(from),
        valid_to: ymd({ ...from, y: from.y + 10 }),
        official_seal: region.police,
      };
    }
    case 'vehicleLicense': {
      const reg = date(2012, 12);
      return {
        vehicle_type: '小型普通客车',
        owner: name,
        addr,
        use_character: '非营运',
        model: pick(MODELS),
        vin: `L${chars(VIN_CHARS, 16)}`,
        engine_num: chars(VIN_CHARS, 8),
        register_date: ymd(reg),
        issue_date: ymd(reg),
        plate_num_b: plate,
        record: `${region.code}${digits(6)}`,
        passengers_num: '5人',
        total_quality: `${1700 + Math.floor(r() * 500)}kg`,
        prepare_quality: `${1300 + Math.floor(r() * 300)}kg`,
        overall_size: `${4500 + Math.floor(r() * 500)}×18${digits(2)}×14${digits(2)}mm`,
        card_position_front: position(img),
        ...imgSize,
      };
    }
    case 'businessLicense': {
      const reg = date(2005, 18);
      const capital = pick(CAPITALS);
      return {
        reg_num: `91${region.code}${chars('0123456789ABCDEFGHJKLMNPQRTUWXY', 10)}`,
        serial: `S${digits(13)}`,
        legal_representative: name,
        enterprise_name: `${region.area.slice(0, 2)}${pick(['星河', '云帆', '青禾', '远景', '启明'])}科技有限公司`,
        type_of_organization: '有限责任公司(自然人投资或控股)',
        address: addr,
        type_of_enterprise: '有限责任公司',
        business_scope: '计算机软硬件技术开发、技术咨询、技术服务；软件销售。',
        registered_capital: capital,
        paid_in_capital: capital,
        valid_period: `${reg.y}年${pad(reg.m)}月${pad(reg.d)}日至长期`,
        registered_date: `${reg.y}年${pad(reg.m)}月${pad(reg.d)}日`,
        cert_position: position(img),
        ...imgSize,
      };
    }
    case 'plateNumber':
      return { number: plate };
  }
}

/**
 * OCR (`/cv/ocr/*`, PROTOCOL.md §6): seven recognisers sharing one calling convention. Every call
 * is a POST with exactly one image: `img_url` (URL-encoded into the query, empty body) or `img`
 * (a multipart file part named `img`). Fields WeChat cannot find are omitted, so every result
 * field is optional.
 *
 * Naming trap: `/cv/ocr/driving` reads 行驶证 (vehicle licence → `vehicleLicense`) and
 * `/cv/ocr/drivinglicense` reads 驾驶证 (driver licence → `driverLicense`). Methods are named
 * after the document, not the path.
 */
import { type Endpoint, type Envelope, type FileInput, defineArea, endpoint } from '../core/endpoint.js';
import { ValidationError } from '../core/errors.js';

/** WeChat's limit on the uploaded image ("小于2M"). */
export const OCR_MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** `photo` (拍照模式) or `scan` (扫描模式). Old docs only; WeChat accepts and may ignore it. */
export type OcrImageType = 'photo' | 'scan';

/** The image: a URL WeChat downloads, or the bytes uploaded as the multipart part `img`. */
export type OcrImageParams =
  | {
      /** http(s) URL of the image; sent URL-encoded in the query string. */
      img_url: string;
      img?: never;
    }
  | {
      /** The image (< 2 MB): Buffer, Uint8Array, Blob/File, readable stream, `{ path }` or `{ data, filename?, contentType? }`. */
      img: FileInput;
      img_url?: never;
    };

/** Params of the recognisers whose old docs define `type` (idcard, bankcard, vehicle licence). */
export type OcrTypedImageParams = OcrImageParams & {
  /** @default photo (WeChat's default when absent) */
  type?: OcrImageType;
};

export interface OcrPoint {
  x: number;
  y: number;
}

/** A quadrilateral in image pixels. */
export interface OcrQuad {
  left_top: OcrPoint;
  right_top: OcrPoint;
  right_bottom: OcrPoint;
  left_bottom: OcrPoint;
}

/** Where a card/licence sits in the image. */
export interface OcrPosition {
  pos: OcrQuad;
}

export interface OcrImageSize {
  w: number;
  h: number;
}

/** ocr.bankcard: the card number (field name from SDK models, PROTOCOL §6.2 [unverified]). */
export interface BankcardResult extends Envelope {
  number?: string;
}

/** ocr.plateNumber: the plate, e.g. `粤A12345` (field name from SDK models, PROTOCOL §6.2 [unverified]). */
export interface PlateNumberResult extends Envelope {
  number?: string;
}

/** ocr.businessLicense (营业执照). WeChat omits every field it cannot read. */
export interface BusinessLicenseResult extends Envelope {
  /** 注册号 / 统一社会信用代码 */
  reg_num?: string;
  /** 编号 */
  serial?: string;
  /** 法定代表人 */
  legal_representative?: string;
  enterprise_name?: string;
  /** 组成形式 */
  type_of_organization?: string;
  address?: string;
  /** 公司类型 */
  type_of_enterprise?: string;
  business_scope?: string;
  registered_capital?: string;
  paid_in_capital?: string;
  /** 营业期限 */
  valid_period?: string;
  registered_date?: string;
  cert_position?: OcrPosition;
  img_size?: OcrImageSize;
}

/** ocr.driverLicense (驾驶证, `/cv/ocr/drivinglicense`). */
export interface DriverLicenseResult extends Envelope {
  id_num?: string;
  name?: string;
  sex?: string;
  nationality?: string;
  address?: string;
  birth_date?: string;
  /** 初次领证日期 */
  issue_date?: string;
  /** 准驾车型, e.g. `C1` */
  car_class?: string;
  valid_from?: string;
  valid_to?: string;
  /** 印章文字 */
  official_seal?: string;
}

/** ocr.idcard, front side (人像面). */
export interface IdcardFrontResult extends Envelope {
  type: 'Front';
  name?: string;
  /** The 18-character ID number. */
  id?: string;
  addr?: string;
  gender?: string;
  nationality?: string;
}

/** ocr.idcard, back side (国徽面). */
export interface IdcardBackResult extends Envelope {
  type: 'Back';
  /** e.g. `20070105-20270105` */
  valid_date?: string;
}

/** ocr.idcard: narrow on `type`. */
export type IdcardResult = IdcardFrontResult | IdcardBackResult;

/** One line of text found by ocr.printedText. */
export interface PrintedTextItem {
  text: string;
  pos: OcrQuad;
}

/** ocr.printedText (通用印刷体). */
export interface PrintedTextResult extends Envelope {
  items: PrintedTextItem[];
  img_size?: OcrImageSize;
}

/** ocr.vehicleLicense (行驶证, `/cv/ocr/driving`). */
export interface VehicleLicenseResult extends Envelope {
  /** 车辆类型 */
  vehicle_type?: string;
  owner?: string;
  addr?: string;
  /** 使用性质 */
  use_character?: string;
  /** 品牌型号 */
  model?: string;
  vin?: string;
  engine_num?: string;
  register_date?: string;
  issue_date?: string;
  /** 车牌号码 */
  plate_num_b?: string;
  /** 号牌 */
  record?: string;
  passengers_num?: string;
  total_quality?: string;
  /** 整备质量 (the old doc spells it `totalprepare_quality_quality`; both are read into this field). */
  prepare_quality?: string;
  /** Seen in SDK models [unverified]. */
  plate_num?: string;
  /** Seen in SDK models [unverified]. */
  overall_size?: string;
  card_position_front?: OcrPosition;
  card_position_back?: OcrPosition;
  img_size?: OcrImageSize;
}

const TYPES: readonly string[] = ['photo', 'scan'];

/** Exactly one image input; img_url must be http(s); `type` (when allowed) photo|scan. */
function imageValidator(api: string, allowType: boolean) {
  return (params: any): void => {
    if (params == null || typeof params !== 'object') {
      throw new ValidationError('params must be an object with `img_url` or `img`', { api });
    }
    const hasUrl = params.img_url !== undefined && params.img_url !== null;
    const hasImg = params.img !== undefined && params.img !== null;
    if (hasUrl === hasImg) {
      throw new ValidationError(hasUrl ? 'pass either `img_url` or `img`, not both' : 'pass `img_url` or `img`', {
        api,
        field: 'img_url',
      });
    }
    if (hasUrl) {
      let url: URL | undefined;
      try {
        url = typeof params.img_url === 'string' ? new URL(params.img_url) : undefined;
      } catch {}
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new ValidationError('`img_url` must be an absolute http(s) URL', { api, field: 'img_url' });
      }
    }
    // A Blob's size is known up front: fail before reading it (the executor checks every other form).
    if (hasImg && typeof Blob !== 'undefined' && params.img instanceof Blob && params.img.size > OCR_MAX_IMAGE_BYTES) {
      throw new ValidationError(`\`img\` is ${params.img.size} bytes; the limit is ${OCR_MAX_IMAGE_BYTES} bytes`, {
        api,
        field: 'img',
      });
    }
    if (params.type !== undefined) {
      if (!allowType) throw new ValidationError('`type` is not a parameter of this API', { api, field: 'type' });
      if (!TYPES.includes(params.type)) {
        throw new ValidationError('`type` must be "photo" or "scan"', { api, field: 'type' });
      }
    }
  };
}

/** One OCR entry: every recogniser shares method, encoding, limits and validation. */
function ocrEndpoint<P extends OcrImageParams, R>(
  name: string,
  path: string,
  doc: string,
  opts: { allowType?: boolean; decode?: (result: any) => R } = {},
): Endpoint<P, R> {
  return endpoint<P, R>({
    method: 'POST',
    path,
    auth: 'access_token',
    request: 'multipart',
    fileField: 'img',
    maxFileBytes: OCR_MAX_IMAGE_BYTES,
    response: 'json',
    // A read without side effects: a retry after -1/5xx/timeout can at worst spend one more unit
    // of the daily quota, which is cheaper than failing a user's upload.
    idempotent: true,
    doc,
    validate: imageValidator(`ocr.${name}`, opts.allowType ?? false),
    decode: opts.decode,
  });
}

// Bank card and ID card pages were not captured (PROTOCOL §6.2): their URLs follow the sibling
// OpenApiDoc pages' pattern [inferred].
export const ocr = defineArea('ocr', {
  /**
   * Reads a bank card's number.
   * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/bankCardOCR.html
   */
  bankcard: ocrEndpoint<OcrTypedImageParams, BankcardResult>(
    'bankcard',
    '/cv/ocr/bankcard',
    'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/bankCardOCR.html',
    { allowType: true },
  ),
  /**
   * Reads a business licence (营业执照).
   * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/businessLicenseOCR.html
   */
  businessLicense: ocrEndpoint<OcrImageParams, BusinessLicenseResult>(
    'businessLicense',
    '/cv/ocr/bizlicense',
    'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/businessLicenseOCR.html',
  ),
  /**
   * Reads a driver's licence (驾驶证) — path `/cv/ocr/drivinglicense`, not `/cv/ocr/driving`.
   * @see https://developers.weixin.qq.com/doc/service/en/api/openpoc/ocr/api_drivinglicenseocr
   */
  driverLicense: ocrEndpoint<OcrImageParams, DriverLicenseResult>(
    'driverLicense',
    '/cv/ocr/drivinglicense',
    'https://developers.weixin.qq.com/doc/service/en/api/openpoc/ocr/api_drivinglicenseocr',
  ),
  /**
   * Reads either side of a PRC ID card; narrow the result on `type` (`Front` | `Back`).
   * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/idCardOCR.html
   */
  idcard: ocrEndpoint<OcrTypedImageParams, IdcardResult>(
    'idcard',
    '/cv/ocr/idcard',
    'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr/ocr/idCardOCR.html',
    { allowType: true },
  ),
  /**
   * General printed-text recognition: lines of text with their positions.
   * @see https://developers.weixin.qq.com/doc/service/api/openpoc/ocr/api_commocr.md
   */
  printedText: ocrEndpoint<OcrImageParams, PrintedTextResult>(
    'printedText',
    '/cv/ocr/comm',
    'https://developers.weixin.qq.com/doc/service/api/openpoc/ocr/api_commocr.md',
    { decode: (r) => ({ ...r, items: Array.isArray(r.items) ? r.items : [] }) },
  ),
  /**
   * Reads a vehicle licence (行驶证) — path `/cv/ocr/driving` (newer docs: `ocr.drivingLicense`).
   * @see https://developers.weixin.qq.com/doc/service/api/openpoc/ocr/api_drivingocr.md
   */
  vehicleLicense: ocrEndpoint<OcrTypedImageParams, VehicleLicenseResult>(
    'vehicleLicense',
    '/cv/ocr/driving',
    'https://developers.weixin.qq.com/doc/service/api/openpoc/ocr/api_drivingocr.md',
    {
      allowType: true,
      decode: (r) =>
        r.prepare_quality === undefined && r.totalprepare_quality_quality !== undefined
          ? { ...r, prepare_quality: r.totalprepare_quality_quality }
          : r,
    },
  ),
  /**
   * Reads a licence plate number.
   * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr-identify/ocr/plateNumber.html
   */
  plateNumber: ocrEndpoint<OcrImageParams, PlateNumberResult>(
    'plateNumber',
    '/cv/ocr/platenum',
    'https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/img-ocr-identify/ocr/plateNumber.html',
  ),
});

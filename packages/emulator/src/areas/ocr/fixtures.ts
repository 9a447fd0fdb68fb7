/**
 * The OCR fixture registry: "for this image (or its sha256, or this img_url), answer this".
 * Plain JSON records so they travel with exportState()/importState().
 */
import { createHash } from 'node:crypto';

/** The seven recognisers, by the SDK's method names (the emulator's routes map them to paths). */
export const OCR_PATHS = {
  bankcard: '/cv/ocr/bankcard',
  businessLicense: '/cv/ocr/bizlicense',
  driverLicense: '/cv/ocr/drivinglicense', // 驾驶证
  idcard: '/cv/ocr/idcard',
  printedText: '/cv/ocr/comm',
  vehicleLicense: '/cv/ocr/driving', // 行驶证
  plateNumber: '/cv/ocr/platenum',
} as const;

export type OcrKind = keyof typeof OCR_PATHS;

export function isOcrKind(x: unknown): x is OcrKind {
  return typeof x === 'string' && Object.hasOwn(OCR_PATHS, x);
}

/** What `addFixture` takes: one key (image bytes, their sha256, or an img_url) and the answer. */
export interface OcrFixtureInput {
  /** Which recogniser answers with it. @default every recogniser */
  kind?: OcrKind;
  /** The image bytes (Buffer, or base64 text through the admin API as `image_base64`). */
  image?: Buffer | Uint8Array;
  /** Hex sha256 of the image bytes. */
  sha256?: string;
  /** An exact img_url; matched before any download, so it works for any host. */
  img_url?: string;
  /**
   * The response fields to return (without errcode/errmsg), e.g. `{ number: '6222…' }`.
   * A non-zero `errcode` makes the call fail with that errcode instead.
   */
  result: Record<string, unknown>;
}

export interface OcrFixture {
  id: string;
  kind?: OcrKind;
  sha256?: string;
  img_url?: string;
  result: Record<string, unknown>;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Checks and normalises a fixture; throws TypeError with a readable message. */
export function makeFixture(input: OcrFixtureInput, id: string): OcrFixture {
  if (!input || typeof input !== 'object') throw new TypeError('fixture must be an object');
  if (input.kind !== undefined && !isOcrKind(input.kind)) {
    throw new TypeError(`fixture kind must be one of ${Object.keys(OCR_PATHS).join(', ')}`);
  }
  if (!input.result || typeof input.result !== 'object' || Array.isArray(input.result)) {
    throw new TypeError('fixture result must be an object');
  }
  const keys = [input.image, input.sha256, input.img_url].filter((k) => k !== undefined);
  if (keys.length !== 1) throw new TypeError('give exactly one of image, sha256, img_url');
  const fx: OcrFixture = { id, result: structuredClone(input.result) };
  if (input.kind) fx.kind = input.kind;
  if (input.image !== undefined) fx.sha256 = sha256Hex(Buffer.from(input.image));
  if (input.sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(input.sha256)) throw new TypeError('sha256 must be 64 hex characters');
    fx.sha256 = input.sha256.toLowerCase();
  }
  if (input.img_url !== undefined) {
    if (typeof input.img_url !== 'string' || !input.img_url) throw new TypeError('img_url must be a string');
    fx.img_url = input.img_url;
  }
  return fx;
}

/** The newest fixture matching the key; one registered for this kind wins over a kind-less one. */
export function findFixture(
  fixtures: OcrFixture[],
  kind: OcrKind,
  key: { sha256?: string; img_url?: string },
): OcrFixture | undefined {
  const matches = fixtures.filter(
    (f) =>
      (f.kind === undefined || f.kind === kind) &&
      ((key.sha256 !== undefined && f.sha256 === key.sha256) ||
        (key.img_url !== undefined && f.img_url === key.img_url)),
  );
  return matches.reverse().sort((a, b) => (b.kind ? 1 : 0) - (a.kind ? 1 : 0))[0];
}

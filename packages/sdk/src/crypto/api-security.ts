/**
 * 服务端 API 签名加密 (API security, PROTOCOL §15): requests sealed with AES-256-GCM and signed with
 * RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32); responses verified with the platform certificate
 * *before* anything is decrypted. The primitives are exported for the emulator (WeChat's side) and
 * for tests against the official worked example; `ApiSecurity` is what the executor calls per attempt.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html
 */
import type { KeyObject } from 'node:crypto';
import { SignatureError, ValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { registerSecret } from '../core/redact.js';
import { nodeCrypto } from '../internal/node-crypto.js';

/** The public API origin: `urlpath` in the AAD and the signed string always names it (§15.2, T9). */
export const WECHAT_API_ORIGIN = 'https://api.weixin.qq.com';

/**
 * Client option `apiSecurity`: the four values from MP (开发 → 开发管理 → 开发设置 → API安全) plus the
 * platform certificate(s).
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html
 */
export interface ApiSecurityOptions {
  /** API对称密钥: 32 bytes as base64 (44 characters), as MP shows it. Never logged. */
  symmetricKey: string;
  /** The symmetric key's 编号 (SN). It goes into the AAD. */
  symmetricKeySn: string;
  /** API非对称密钥 private key: PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`, as MP downloads it) or PKCS#8. Never logged. */
  privateKey: string;
  /** The key pair's 编号. Informational: no SN is sent or signed on requests (§15.3.6). */
  privateKeySn?: string;
  /**
   * 开放平台证书 by 证书编号 (the MP 编号, not the X.509 serial): `{ [sn]: pem }`. A certificate PEM or
   * a public-key PEM. Give two during a rotation.
   */
  platformCertificates: Record<string, string>;
  /**
   * `supported`: secure every endpoint flagged `supported` or `required`. `off`: only `required`
   * ones (同城配送), for accounts that have not switched API加密 on. @default 'supported'
   */
  mode?: 'supported' | 'off';
  /**
   * The origin written into the AAD and the signed string. WeChat checks them against its public
   * host, so this stays `https://api.weixin.qq.com` even when `baseUrl` points at a proxy or the
   * emulator. @default WECHAT_API_ORIGIN
   */
  urlOrigin?: string;
  /** Largest accepted |now − response timestamp|, in seconds. @default 300 */
  maxResponseAgeSeconds?: number;
  /**
   * Accept a plaintext success answer to a call that was sent encrypted. Off by default: an
   * attacker in the middle could strip the layer (a downgrade). @default false
   */
  allowPlaintextResponses?: boolean;
}

/** The GCM envelope on the wire. */
export interface SecureEnvelope {
  iv: string;
  data: string;
  authtag: string;
}

/** `urlpath|appid|ts|sn`. */
export function securityAad(urlpath: string, appid: string, ts: number | string, sn: string): string {
  return `${urlpath}|${appid}|${ts}|${sn}`;
}

/** `urlpath\nappid\nts\nbody` (no trailing newline). */
export function securitySignString(urlpath: string, appid: string, ts: number | string, body: string): string {
  return `${urlpath}\n${appid}\n${ts}\n${body}`;
}

/** The 32-byte key from MP's base64 text; throws ValidationError for anything else. */
export function symmetricKeyBytes(key: string | Buffer): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  if (bytes.length !== 32)
    throw new ValidationError('apiSecurity.symmetricKey must be 32 bytes in base64 (44 characters)');
  return bytes;
}

/** AES-256-GCM of `plaintext` → `{iv,data,authtag}` (standard base64). `iv` defaults to 12 fresh random bytes. */
export function gcmSeal(
  key: Buffer,
  aad: string,
  plaintext: string,
  iv: Buffer = nodeCrypto().randomBytes(12),
): SecureEnvelope {
  const cipher = nodeCrypto().createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), authtag: cipher.getAuthTag().toString('base64') };
}

/** Opens a GCM envelope; returns undefined when it does not authenticate (wrong key, AAD, tag or data). */
export function gcmOpen(key: Buffer, aad: string, env: SecureEnvelope): string | undefined {
  try {
    const iv = Buffer.from(env.iv, 'base64');
    const tag = Buffer.from(env.authtag, 'base64');
    if (iv.length !== 12 || tag.length !== 16) return undefined;
    const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(env.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** RSASSA-PSS SHA-256 with MGF1-SHA-256 and a 32-byte salt, base64. */
export function pssSign(privateKey: KeyObject | string, message: string): string {
  const c = nodeCrypto();
  return c
    .sign('sha256', Buffer.from(message, 'utf8'), {
      key: typeof privateKey === 'string' ? c.createPrivateKey(privateKey) : privateKey,
      padding: c.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    })
    .toString('base64');
}

/** Verifies a PSS signature; any salt length is accepted ("一般不需要指定salt长度"). */
export function pssVerify(publicKey: KeyObject | string, message: string, signature: string): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  const c = nodeCrypto();
  try {
    return c.verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      {
        key: publicKeyOf(publicKey),
        padding: c.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: c.constants.RSA_PSS_SALTLEN_AUTO,
      },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** A public key from a certificate PEM or a public-key PEM. */
export function publicKeyOf(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  const c = nodeCrypto();
  return pem.includes('BEGIN CERTIFICATE') ? new c.X509Certificate(pem).publicKey : c.createPublicKey(pem);
}

/** `_n`: 16 CSPRNG bytes, base64 without padding (22 characters), as the official sample. */
export function securityNonce(): string {
  return nodeCrypto().randomBytes(16).toString('base64').replace(/=+$/, '');
}

/** The plaintext: the three security fields first, then the params (§15.2.4). */
export function securityPlaintext(nonce: string, appid: string, ts: number, params: Record<string, unknown>): string {
  const fields = JSON.stringify({ _n: nonce, _appid: appid, _timestamp: ts });
  const rest = JSON.stringify(params);
  return rest === '{}' ? fields : `${fields.slice(0, -1)},${rest.slice(1)}`;
}

/** Reads a header case-insensitively (T3): Node lower-cases, proxies and other stacks may not. */
export function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const lower = name.toLowerCase();
  let v = headers[lower] ?? headers[name];
  if (v === undefined) for (const k in headers) if (k.toLowerCase() === lower) v = headers[k];
  return Array.isArray(v) ? v[0] : v;
}

/** Is `v` a `{iv,data,authtag}` envelope? */
export function isEnvelope(v: unknown): v is SecureEnvelope {
  const e = v as SecureEnvelope;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.iv === 'string' &&
    typeof e.data === 'string' &&
    typeof e.authtag === 'string'
  );
}

const SECURITY_FIELD = '"(?:_n|_appid|_timestamp)"\\s*:\\s*(?:"(?:[^"\\\\]|\\\\.)*"|-?\\d+)';
// A run of these fields with its trailing comma, or (at the end) with its leading one. Quotes inside JSON
// strings are escaped, so this cannot match inside a string value.
const SECURITY_RUN = `(?:${SECURITY_FIELD}\\s*,\\s*)*${SECURITY_FIELD}`;
const STRIP_RE = new RegExp(`${SECURITY_RUN}\\s*,\\s*|\\s*,\\s*${SECURITY_RUN}(?=\\s*\\})|${SECURITY_RUN}`, 'g');

/**
 * Removes `_n`, `_appid`, `_timestamp` from a JSON text without re-serialising it, so integers
 * beyond 2^53 (wx_order_id) keep every digit for the normal decoder.
 */
export function stripSecurityFields(text: string): string {
  return text.replace(STRIP_RE, '');
}

/** One sealed attempt: what to send, and what `open` needs to check the answer. */
export interface SealedRequest {
  body: string;
  headers: Record<string, string>;
  urlpath: string;
  ts: number;
}

/** The parts of a response `open` reads. */
export interface SecuredResponse {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
}

/**
 * The configured layer for one client: seals requests and opens responses. Keys are parsed once;
 * every `seal` draws a fresh nonce, IV and timestamp (so retries and token replays re-seal).
 */
export class ApiSecurity {
  readonly mode: 'supported' | 'off';
  private readonly key: Buffer;
  private readonly sn: string;
  private readonly privateKey: KeyObject;
  private readonly certs = new Map<string, KeyObject>();
  private readonly origin: string;
  private readonly maxAge: number;
  private readonly allowPlain: boolean;

  constructor(
    opts: ApiSecurityOptions,
    private readonly appId: string,
    private readonly nowMs: () => number,
    private readonly logger?: Logger,
  ) {
    if (!opts || typeof opts !== 'object') throw new ValidationError('apiSecurity must be an object');
    if (typeof opts.symmetricKey !== 'string') throw new ValidationError('apiSecurity.symmetricKey is required');
    registerSecret(opts.symmetricKey);
    this.key = symmetricKeyBytes(opts.symmetricKey);
    if (typeof opts.symmetricKeySn !== 'string' || !opts.symmetricKeySn)
      throw new ValidationError('apiSecurity.symmetricKeySn is required');
    this.sn = opts.symmetricKeySn;
    try {
      this.privateKey = nodeCrypto().createPrivateKey(opts.privateKey);
    } catch {
      throw new ValidationError('apiSecurity.privateKey must be an RSA private key PEM (PKCS#1 or PKCS#8)');
    }
    if (this.privateKey.asymmetricKeyType !== 'rsa') throw new ValidationError('apiSecurity.privateKey must be RSA');
    const certs = opts.platformCertificates;
    if (!certs || typeof certs !== 'object' || Object.keys(certs).length === 0)
      throw new ValidationError('apiSecurity.platformCertificates needs at least one { [sn]: pem }');
    for (const [sn, pem] of Object.entries(certs)) {
      try {
        this.certs.set(sn, publicKeyOf(pem));
      } catch {
        throw new ValidationError(`apiSecurity.platformCertificates[${sn}] is not a certificate or public key PEM`);
      }
    }
    this.mode = opts.mode ?? 'supported';
    if (this.mode !== 'supported' && this.mode !== 'off')
      throw new ValidationError("apiSecurity.mode must be 'supported' or 'off'");
    this.origin = (opts.urlOrigin ?? WECHAT_API_ORIGIN).replace(/\/+$/, '');
    this.maxAge = opts.maxResponseAgeSeconds ?? 300;
    this.allowPlain = opts.allowPlaintextResponses === true;
  }

  /** Whether a call to an endpoint with this flag (undefined: none) is secured. */
  applies(flag: 'required' | 'supported' | undefined): boolean {
    return flag === 'required' || (flag === 'supported' && this.mode === 'supported');
  }

  /** Encrypts and signs one attempt. `path` may carry a query: its params join the plaintext (§15.2). */
  seal(path: string, params: Record<string, unknown> | undefined): SealedRequest {
    const q = path.indexOf('?');
    const urlpath = this.origin + (q === -1 ? path : path.slice(0, q));
    let all = params ?? {};
    if (q !== -1) {
      const fromUrl: Record<string, unknown> = {};
      for (const [k, v] of new URLSearchParams(path.slice(q + 1))) if (k !== 'access_token') fromUrl[k] = v;
      all = { ...fromUrl, ...all };
    }
    const ts = Math.floor(this.nowMs() / 1000);
    const plaintext = securityPlaintext(securityNonce(), this.appId, ts, all);
    const body = JSON.stringify(gcmSeal(this.key, securityAad(urlpath, this.appId, ts, this.sn), plaintext));
    const signature = pssSign(this.privateKey, securitySignString(urlpath, this.appId, ts, body));
    return {
      body,
      urlpath,
      ts,
      headers: {
        'content-type': 'application/json',
        'Wechatmp-Appid': this.appId,
        'Wechatmp-TimeStamp': String(ts),
        'Wechatmp-Signature': signature,
      },
    };
  }

  /**
   * Verifies, decrypts and checks a response to `sealed`; returns the JSON text for the normal
   * decoder (security fields stripped). A plaintext *error* passes through (the decoder makes it
   * an ApiError); everything else that does not verify is a SignatureError. `api` names the call.
   */
  open(sealed: SealedRequest, res: SecuredResponse, api: string): string {
    const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
    const signature = headerOf(res.headers, 'Wechatmp-Signature');
    if (signature === undefined) return this.plaintext(text, api);
    const fail = (why: string): never => {
      throw new SignatureError(`${api}: response refused: ${why}`);
    };
    const appid = headerOf(res.headers, 'Wechatmp-Appid');
    if (appid !== this.appId) fail(`Wechatmp-Appid ${JSON.stringify(appid ?? null)} is not this app`);
    const tsText = headerOf(res.headers, 'Wechatmp-TimeStamp') ?? '';
    if (!/^\d+$/.test(tsText)) fail('Wechatmp-TimeStamp is missing or not a number');
    const ts = Number(tsText);
    const serial = headerOf(res.headers, 'Wechatmp-Serial');
    const deprecated = headerOf(res.headers, 'Wechatmp-Serial-Deprecated');
    let cert = serial !== undefined ? this.certs.get(serial) : undefined;
    let sig = signature;
    if (!cert && deprecated !== undefined && this.certs.has(deprecated)) {
      cert = this.certs.get(deprecated);
      sig = headerOf(res.headers, 'Wechatmp-Signature-Deprecated') ?? '';
      this.logger?.warn?.(
        `${api}: the response was verified with platform certificate ${deprecated}, which WeChat is retiring (Wechatmp-Serial-Deprecated); add certificate ${serial} from MP (API安全) to apiSecurity.platformCertificates`,
      );
    }
    if (!cert) fail(`no configured platform certificate for Wechatmp-Serial ${JSON.stringify(serial ?? null)}`);
    if (!pssVerify(cert!, securitySignString(sealed.urlpath, this.appId, ts, text), sig))
      fail('the signature does not verify');
    if (Math.abs(this.nowMs() / 1000 - ts) > this.maxAge) fail(`stale timestamp ${ts}`);
    let env: unknown;
    try {
      env = JSON.parse(text);
    } catch {}
    if (!isEnvelope(env)) fail('the signed body is not an {iv,data,authtag} envelope');
    const plain = gcmOpen(this.key, securityAad(sealed.urlpath, this.appId, ts, this.sn), env as SecureEnvelope);
    if (plain === undefined) fail('decryption failed');
    let fields: { _appid?: unknown; _timestamp?: unknown } | undefined;
    try {
      fields = JSON.parse(plain!);
    } catch {}
    if (!fields || typeof fields !== 'object') fail('the decrypted body is not a JSON object');
    if (fields!._appid !== this.appId) fail('_appid in the decrypted body is not this app');
    if (Number(fields!._timestamp) !== ts) fail('_timestamp in the decrypted body differs from Wechatmp-TimeStamp');
    return stripSecurityFields(plain!);
  }

  /** A response without the layer: an error passes through; a success is a downgrade unless allowed. */
  private plaintext(text: string, api: string): string {
    if (this.allowPlain) return text;
    let obj: { errcode?: unknown } | undefined;
    try {
      obj = JSON.parse(text);
    } catch {}
    const ec = Number(obj?.errcode ?? 0);
    if (Number.isFinite(ec) && ec !== 0) return text;
    throw new SignatureError(
      `${api}: response refused: a plaintext success answered an encrypted call (possible downgrade; set apiSecurity.allowPlaintextResponses to accept)`,
    );
  }
}

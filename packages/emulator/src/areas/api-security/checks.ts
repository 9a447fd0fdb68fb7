/**
 * WeChat's side of one secured call (PROTOCOL §15.8): the checks in order, each with its
 * documented errcode, then the sealed (encrypted + signed) answer. Built here from the protocol;
 * only the crypto primitives are shared with the SDK, so a mistake in the SDK's envelope shows up
 * as a failing test instead of two agreeing mistakes.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  WECHAT_API_ORIGIN,
  gcmOpen,
  gcmSeal,
  headerOf,
  isEnvelope,
  pssSign,
  pssVerify,
  publicKeyOf,
  securityAad,
  securityNonce,
  securityPlaintext,
  securitySignString,
  symmetricKeyBytes,
} from '@miniapp-server/sdk';
import type { EmuApp, WireCall, WireSession } from '../../context.js';
import { WxError } from '../../context.js';
import type { AppSecurity, SecuritySlice } from './keys.js';
import { securityOf } from './paths.js';

const SIGNATURE_NEEDED =
  'signature is needed, please refer document for help [https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/getting_started/api_signature.html]';

// Integers beyond 2^53 (a wx_order_id sent as a number) are kept as decimal strings.
const BIG_INT = /("[^"\\]*"\s*:\s*)(-?\d{16,})(?=\s*[,}])/g;

/** The documented errcodes of the layer (§15.6). */
const X = {
  needed: () => new WxError(934011, SIGNATURE_NEEDED),
  bodyRequired: () => new WxError(934011, 'request_body is required'),
  noAppid: () => new WxError(40233, 'missing Wechatmp-Appid'),
  noTimestamp: () => new WxError(40231, 'missing Wechatmp-TimeStamp'),
  noSignature: () => new WxError(40232, 'missing Wechatmp-Signature'),
  badAppid: () => new WxError(40236, 'invalid Wechatmp-Appid'),
  appidMismatch: () => new WxError(40237, 'Wechatmp-Appid and access_token do not match'),
  noSym: () => new WxError(40238, 'developer secret sym serial not existed'),
  noAsym: () => new WxError(40239, 'developer public key not existed'),
  expired: () => new WxError(40240, 'expired Wechatmp-TimeStamp'),
  signature: () => new WxError(40234, 'invalid signature'),
  encrypt: () => new WxError(40235, 'invalid encrypt'),
};

export interface CheckDeps {
  slice: () => SecuritySlice;
  getApp: (appid: string) => EmuApp | undefined;
  now: () => number;
}

const keyCache = new Map<string, KeyObject>();
/** Platform keys parsed once per PEM. */
function privateKey(pem: string): KeyObject {
  let k = keyCache.get(pem);
  if (!k) {
    k = createPrivateKey(pem);
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(pem, k);
  }
  return k;
}

/** Records the failed check in the call's log note, then throws its error. */
function refuse(call: WireCall, check: string, err: WxError): never {
  call.note.failed = { check, errcode: err.errcode };
  throw err;
}

/**
 * Opens a call: undefined for calls the layer does not cover (or optional ones sent without it),
 * a session for verified ones; throws the errcode of the first failed check.
 */
export function openSecured(call: WireCall, deps: CheckDeps): WireSession | undefined {
  const kind = securityOf(call.method, call.path);
  if (!kind) return undefined;
  const h = (name: string) => headerOf(call.headers, name);
  const appidHeader = h('Wechatmp-Appid');
  const tsHeader = h('Wechatmp-TimeStamp');
  const signature = h('Wechatmp-Signature');
  const tokenApp = call.app;
  const s = deps.slice();
  if (kind === 'supported') {
    // Optional APIs accept plaintext calls unless the app enforces the layer (PROTOCOL §15.7.5 reading).
    const tried = appidHeader !== undefined || tsHeader !== undefined || signature !== undefined;
    if (!tried && !(tokenApp && s.apps[tokenApp.appid]?.enforce)) return undefined;
  }
  call.note.kind = kind;
  call.note.envelope = {
    headers: { 'Wechatmp-Appid': appidHeader, 'Wechatmp-TimeStamp': tsHeader, 'Wechatmp-Signature': signature },
    body: call.rawBody?.toString('utf8') ?? '',
  };
  // 1–2. headers
  if (kind === 'required' && signature === undefined) refuse(call, 'signature-needed', X.needed());
  if (!appidHeader) refuse(call, 'header-appid', X.noAppid());
  if (!tsHeader) refuse(call, 'header-timestamp', X.noTimestamp());
  if (!signature) refuse(call, 'header-signature', X.noSignature());
  // 3. appid
  if (!deps.getApp(appidHeader)) refuse(call, 'appid', X.badAppid());
  if (tokenApp && tokenApp.appid !== appidHeader) refuse(call, 'appid-token', X.appidMismatch());
  // 4. keys
  const rec: AppSecurity | undefined = s.apps[appidHeader];
  if (!rec?.symmetricKey || !rec.symmetricKeySn) refuse(call, 'symmetric-key', X.noSym());
  if (!rec.publicKey) refuse(call, 'public-key', X.noAsym());
  // 5. timestamp window
  const ts = Number(tsHeader);
  if (!/^\d+$/.test(tsHeader) || Math.abs(deps.now() - ts) > s.windowSeconds) refuse(call, 'timestamp', X.expired());
  // 6. signature over the exact bytes received, with the public host in urlpath
  const urlpath = WECHAT_API_ORIGIN + call.path;
  const raw = call.rawBody?.toString('utf8') ?? '';
  if (!pssVerify(publicKeyOf(rec.publicKey), securitySignString(urlpath, appidHeader, tsHeader, raw), signature))
    refuse(call, 'signature', X.signature());
  // 7. envelope + decryption
  let env: unknown;
  try {
    env = JSON.parse(raw);
  } catch {}
  if (!isEnvelope(env)) refuse(call, 'envelope', kind === 'required' ? X.bodyRequired() : X.encrypt());
  const key = symmetricKeyBytes(rec.symmetricKey);
  const plain = gcmOpen(key, securityAad(urlpath, appidHeader, tsHeader, rec.symmetricKeySn), env);
  if (plain === undefined) refuse(call, 'decrypt', X.encrypt());
  // 8. the security fields inside (a numeric-string _timestamp, as one SDK sends, is accepted)
  let obj: Record<string, any> | undefined;
  try {
    obj = JSON.parse(plain.replace(BIG_INT, '$1"$2"'));
  } catch {}
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) refuse(call, 'plaintext', X.encrypt());
  if (obj._appid !== appidHeader || String(obj._timestamp) !== tsHeader) refuse(call, 'plaintext-fields', X.encrypt());
  const { _n, _appid, _timestamp, ...params } = obj;
  call.note.request = params;
  return { params, seal: (body) => sealResponse(call, rec, urlpath, appidHeader, key, deps.now(), body) };
}

/** Step 10: the answer encrypted and signed with the platform key (salt 32), plus the spoilers tests ask for. */
function sealResponse(
  call: WireCall,
  rec: AppSecurity,
  urlpath: string,
  appid: string,
  key: Buffer,
  now: number,
  body: Record<string, unknown> | string,
): { body: string; headers: Record<string, string> } {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  call.note.response = typeof body === 'string' ? JSON.parse(body.replace(BIG_INT, '$1"$2"')) : body;
  const fault = rec.responseFault;
  if (fault) call.note.responseFault = fault;
  if (fault === 'strip' || !rec.platform) {
    // Without a platform certificate WeChat could not sign; the emulator answers in plaintext so the client refuses it.
    return { body: json, headers: {} };
  }
  const ts = fault === 'stale' ? now - 3600 : now;
  // The security fields first, then the answer's own text (spliced, so big integers stay exact).
  const fields = securityPlaintext(securityNonce(), fault === 'wrong-appid' ? 'wx0000000000000000' : appid, ts, {});
  const rest = json.trim().slice(1).trim();
  const plaintext = rest === '}' ? fields : `${fields.slice(0, -1)},${rest}`;
  const env = gcmSeal(key, securityAad(urlpath, appid, ts, rec.symmetricKeySn!), plaintext);
  let text = JSON.stringify(env);
  const signString = securitySignString(urlpath, appid, ts, fault === 'bad-signature' ? `${text} ` : text);
  const headers: Record<string, string> = {
    'Wechatmp-Appid': appid,
    'Wechatmp-TimeStamp': String(ts),
    'Wechatmp-Serial': fault === 'unknown-serial' ? 'ffffffffffffffffffffffffffffffff' : rec.platform.sn,
    'Wechatmp-Signature': pssSign(privateKey(rec.platform.privateKey), signString),
  };
  if (rec.deprecated) {
    headers['Wechatmp-Serial-Deprecated'] = rec.deprecated.sn;
    headers['Wechatmp-Signature-Deprecated'] = pssSign(privateKey(rec.deprecated.privateKey), signString);
  }
  if (fault === 'tamper-body') text = JSON.stringify({ ...env, data: Buffer.from('{"errcode":0}').toString('base64') });
  call.note.responseEnvelope = { headers: { ...headers }, body: text };
  return { body: text, headers };
}

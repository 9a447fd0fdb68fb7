/**
 * WeChat's side of a push on the wire (PROTOCOL §7.3–§7.6): the signed query and the (encrypted)
 * body for one delivery, and the decoding of the app's reply. Built here from the protocol, with
 * only the crypto primitives and the format codec shared with the SDK, so an envelope mistake in
 * the SDK's receiver shows up as a failing test instead of two agreeing mistakes.
 */
import { createDecipheriv } from 'node:crypto';
import { encryptMessage, msgSignature, parsePush, signature } from '@miniapp-server/sdk';
import type { PushConfig } from '../../context.js';
import { serialiseWechatPush } from './shape.js';

export interface SignedRequest {
  query: Record<string, string>;
  body: string;
  contentType: string;
}

/**
 * Signs (and in compatible/safe mode encrypts) `message` for `config`. `appid` is the trailer of the
 * encrypted plaintext; `timestamp` and `nonce` come from the caller (virtual clock, random).
 */
export function signPush(
  config: PushConfig,
  appid: string,
  message: Record<string, unknown>,
  timestamp: number,
  nonce: string,
): SignedRequest {
  const ts = String(timestamp);
  const query: Record<string, string> = { signature: signature(config.token, ts, nonce), timestamp: ts, nonce };
  const plain = serialiseWechatPush(message, config.format);
  let body = plain;
  if (config.mode !== 'plain') {
    const Encrypt = encryptMessage({ encodingAESKey: config.encodingAESKey ?? '', appId: appid, message: plain });
    // Safe mode: ToUserName + Encrypt only; compatible mode: plaintext fields and Encrypt together.
    const envelope = config.mode === 'safe' ? { ToUserName: message.ToUserName, Encrypt } : { ...message, Encrypt };
    body = serialiseWechatPush(envelope, config.format);
    query.openid = String(message.FromUserName ?? '');
    query.encrypt_type = 'aes';
    query.msg_signature = msgSignature(config.token, ts, nonce, Encrypt);
  }
  const contentType = config.format === 'json' ? 'application/json' : 'text/xml';
  return { query, body, contentType };
}

/** What the app answered, decoded. */
export interface DecodedReply {
  /** `success`, an empty body, or a message (plain or decrypted). */
  kind: 'success' | 'empty' | 'message' | 'invalid';
  /** The reply message, decrypted when it was encrypted. */
  message?: Record<string, unknown>;
  /** The reply was an Encrypt/MsgSignature/TimeStamp/Nonce envelope. */
  encrypted?: boolean;
  /** Why the reply was not usable (bad signature, undecryptable, unparsable). */
  error?: string;
  /** Accepted, but not as the protocol writes it (e.g. 16-byte PKCS#7 padding). */
  warnings?: string[];
}

/**
 * Decrypts an encrypted reply the way WeChat's published decoder does: AES-256-CBC without
 * padding checks by the cipher, then strip as many bytes as the last byte says, if it is 1–32
 * (so a reply padded PKCS#7 to 16-byte blocks is accepted too). Anything but the protocol's own
 * 32-byte PKCS#7 is reported as a warning.
 */
export function decryptReply(
  encodingAESKey: string,
  appid: string,
  encrypt: string,
): { plain: string; warning?: string } {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) throw new Error('Encrypt is not base64');
  const ct = Buffer.from(encrypt, 'base64');
  if (ct.length === 0 || ct.length % 16 !== 0)
    throw new Error(`Encrypt must decode to a multiple of 16 bytes, got ${ct.length}`);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(ct), d.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || pad > plain.length) throw new Error(`bad padding byte ${pad} (WeChat strips 1–32)`);
  let strict = ct.length % 32 === 0;
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) strict = false;
  const body = plain.subarray(16, plain.length - pad);
  if (body.length < 4) throw new Error('decrypted reply is too short');
  const len = body.readUInt32BE(0);
  if (len > body.length - 4) throw new Error('decrypted length prefix exceeds the reply');
  if (body.subarray(4 + len).toString('utf8') !== appid) throw new Error('the reply carries another appid');
  const warning = strict
    ? undefined
    : `reply padding is not PKCS#7 over 32-byte blocks (pad ${pad}, ${ct.length} bytes): WeChat accepts it, the protocol writes 32-byte blocks`;
  return { plain: body.subarray(4, 4 + len).toString('utf8'), warning };
}

/**
 * Decodes the app's reply (PROTOCOL §7.6): `success` / empty, a plain message, or the PascalCase
 * encrypted envelope, whose MsgSignature is checked and whose Encrypt is decrypted.
 */
export function decodeReply(text: string, config: PushConfig, appid: string): DecodedReply {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed === 'success') return { kind: 'success' };
  let outer: Record<string, unknown>;
  try {
    outer = parsePush(trimmed).message;
  } catch (e) {
    return { kind: 'invalid', error: (e as Error).message };
  }
  if (typeof outer.Encrypt !== 'string') return { kind: 'message', message: outer, encrypted: false };
  if (!config.encodingAESKey)
    return { kind: 'invalid', encrypted: true, error: 'encrypted reply but no EncodingAESKey' };
  const expected = msgSignature(config.token, String(outer.TimeStamp ?? ''), String(outer.Nonce ?? ''), outer.Encrypt);
  if (outer.MsgSignature !== expected) return { kind: 'invalid', encrypted: true, error: 'bad MsgSignature' };
  try {
    const { plain, warning } = decryptReply(config.encodingAESKey, appid, outer.Encrypt);
    const decoded: DecodedReply = { kind: 'message', encrypted: true, message: parsePush(plain).message };
    if (warning) decoded.warnings = [warning];
    return decoded;
  } catch (e) {
    return { kind: 'invalid', encrypted: true, error: (e as Error).message };
  }
}

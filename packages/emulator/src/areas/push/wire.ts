/**
 * WeChat's side of a push on the wire (PROTOCOL §7.3–§7.6): the signed query and the (encrypted)
 * body for one delivery, and the decoding of the app's reply. Built here from the protocol, with
 * only the crypto primitives and the format codec shared with the SDK, so an envelope mistake in
 * the SDK's receiver shows up as a failing test instead of two agreeing mistakes.
 */
import { decryptMessage, encryptMessage, msgSignature, parsePush, serialisePush, signature } from '@miniapp-server/sdk';
import type { PushConfig } from '../../context.js';

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
  const plain = serialisePush(message, config.format);
  let body = plain;
  if (config.mode !== 'plain') {
    const Encrypt = encryptMessage({ encodingAESKey: config.encodingAESKey ?? '', appId: appid, message: plain });
    // Safe mode: ToUserName + Encrypt only; compatible mode: plaintext fields and Encrypt together.
    const envelope = config.mode === 'safe' ? { ToUserName: message.ToUserName, Encrypt } : { ...message, Encrypt };
    body = serialisePush(envelope, config.format);
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
    const plain = decryptMessage({ encodingAESKey: config.encodingAESKey, appId: appid, encrypt: outer.Encrypt });
    return { kind: 'message', encrypted: true, message: parsePush(plain).message };
  } catch (e) {
    return { kind: 'invalid', encrypted: true, error: (e as Error).message };
  }
}

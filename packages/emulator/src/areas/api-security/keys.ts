/**
 * Per-app key material of the API security layer, as MP holds it: the developer's symmetric key +
 * SN and public key + SN, WeChat's platform certificate (and the retiring one during a rotation),
 * the enforcement switch and the response faults tests use. Also the one generator of test key
 * sets (`miniapp keys` and the admin op share it).
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { publicKeyOf } from '@miniapp-server/sdk';
import { AdminError } from '../../admin/ops.js';
import { type PlatformCertificate, platformCertificate, rsaKeyPair } from './certificate.js';

/** Ways the emulator can spoil a secured response on purpose, so a client's checks can be tested. */
export const RESPONSE_FAULTS = [
  'strip', // plaintext success, no Wechatmp-* headers (a downgrade)
  'bad-signature', // signature over other bytes
  'unknown-serial', // Wechatmp-Serial no client knows
  'tamper-body', // ciphertext changed after signing
  'stale', // validly signed, but timestamped an hour ago
  'wrong-appid', // validly signed, but `_appid` inside is another app's
] as const;
export type ResponseFault = (typeof RESPONSE_FAULTS)[number];

export interface AppSecurity {
  symmetricKey?: string;
  symmetricKeySn?: string;
  publicKey?: string;
  publicKeySn?: string;
  platform?: PlatformCertificate;
  /** The retiring certificate: while set, responses also carry the `-Deprecated` pair. */
  deprecated?: PlatformCertificate;
  /** Refuse unsecured calls to the optional list too (the 934011-style rule of intracity, per app). */
  enforce: boolean;
  responseFault?: ResponseFault;
}

export interface SecuritySlice {
  apps: Record<string, AppSecurity>;
  /** Accepted |now − Wechatmp-TimeStamp| in seconds (40240 beyond). Undocumented; 300 as the official sample. */
  windowSeconds: number;
}

/** What `configure` accepts (any subset). */
export interface AppSecurityInput {
  appid?: string;
  symmetricKey?: string;
  symmetricKeySn?: string;
  publicKey?: string;
  publicKeySn?: string;
  platform?: PlatformCertificate;
  enforce?: boolean;
  responseFault?: ResponseFault | null;
}

/** A generated key set: `client` is the SDK's `apiSecurity` option, `emulator` what `configure` takes. */
export interface KeySet {
  appid: string;
  client: {
    symmetricKey: string;
    symmetricKeySn: string;
    privateKey: string;
    privateKeySn: string;
    platformCertificates: Record<string, string>;
  };
  emulator: Required<Omit<AppSecurityInput, 'appid' | 'enforce' | 'responseFault'>>;
}

const sn = () => randomBytes(16).toString('hex');

/** A fresh key set for `appid`: symmetric key, application key pair, platform certificate. */
export function generateKeySet(appid: string, nowSeconds: number): KeySet {
  const symmetricKey = randomBytes(32).toString('base64');
  const symmetricKeySn = sn();
  const pair = rsaKeyPair();
  const publicKeySn = sn();
  const platform = platformCertificate(appid, nowSeconds);
  return {
    appid,
    client: {
      symmetricKey,
      symmetricKeySn,
      privateKey: pair.privateKey,
      privateKeySn: publicKeySn,
      platformCertificates: { [platform.sn]: platform.certificate },
    },
    emulator: { symmetricKey, symmetricKeySn, publicKey: pair.publicKey, publicKeySn, platform },
  };
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new AdminError(400, `${what} must be a non-empty string`);
  return v;
}

/** Validates and applies an input onto an app's record. */
export function applyInput(rec: AppSecurity, input: AppSecurityInput): void {
  const symmetricKey = str(input.symmetricKey, 'symmetricKey');
  if (symmetricKey !== undefined && Buffer.from(symmetricKey, 'base64').length !== 32)
    throw new AdminError(400, 'symmetricKey must be 32 bytes in base64');
  const publicKey = str(input.publicKey, 'publicKey');
  if (publicKey !== undefined) {
    if (publicKey.includes('PRIVATE KEY'))
      throw new AdminError(400, 'publicKey must be the public half, not the private key');
    try {
      publicKeyOf(publicKey);
    } catch {
      throw new AdminError(400, 'publicKey must be an RSA public key (or certificate) PEM');
    }
  }
  if (input.platform !== undefined) {
    const p = input.platform;
    if (!p || typeof p !== 'object') throw new AdminError(400, 'platform must be { sn, privateKey, certificate }');
    str(p.sn, 'platform.sn');
    try {
      createPrivateKey(p.privateKey);
      publicKeyOf(p.certificate);
    } catch {
      throw new AdminError(400, 'platform.privateKey / platform.certificate must be PEM');
    }
  }
  if (input.enforce !== undefined && typeof input.enforce !== 'boolean')
    throw new AdminError(400, 'enforce must be a boolean');
  if (input.responseFault != null && !RESPONSE_FAULTS.includes(input.responseFault))
    throw new AdminError(400, `responseFault must be one of ${RESPONSE_FAULTS.join(', ')} (or null)`);
  if (symmetricKey !== undefined) rec.symmetricKey = symmetricKey;
  const symSn = str(input.symmetricKeySn, 'symmetricKeySn');
  if (symSn !== undefined) rec.symmetricKeySn = symSn;
  if (publicKey !== undefined) rec.publicKey = publicKey;
  const pubSn = str(input.publicKeySn, 'publicKeySn');
  if (pubSn !== undefined) rec.publicKeySn = pubSn;
  if (input.platform !== undefined) rec.platform = { ...input.platform };
  if (input.enforce !== undefined) rec.enforce = input.enforce;
  if (input.responseFault === null) delete rec.responseFault;
  else if (input.responseFault !== undefined) rec.responseFault = input.responseFault;
}

/** The admin view: SNs, certificates (public) and switches; keys masked. */
export function maskedView(appid: string, rec: AppSecurity, windowSeconds: number) {
  const cert = (p?: PlatformCertificate) => (p ? { sn: p.sn, certificate: p.certificate, privateKey: '***' } : null);
  return {
    appid,
    symmetricKeySn: rec.symmetricKeySn ?? null,
    symmetricKey: rec.symmetricKey ? '***' : null,
    publicKeySn: rec.publicKeySn ?? null,
    publicKey: rec.publicKey ?? null,
    platform: cert(rec.platform),
    deprecated: cert(rec.deprecated),
    enforce: rec.enforce,
    responseFault: rec.responseFault ?? null,
    windowSeconds,
  };
}

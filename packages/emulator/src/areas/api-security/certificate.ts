/**
 * Test key material for the API security layer: RSA-2048 key pairs and a self-signed X.509 v3
 * platform certificate (the stand-in for WeChat's 开放平台证书), made with node:crypto only. Node can
 * sign and parse certificates but not build them, so the few DER structures a certificate needs
 * are written here (RFC 5280 §4.1); `X509Certificate` parses the result back as a check.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const printable = (s: string) => der(0x13, Buffer.from(s, 'ascii'));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function integer(bytes: Buffer): Buffer {
  return der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDhhmmss
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

const ATTR: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', L: '2.5.4.7' };

function name(parts: [keyof typeof ATTR, string][]): Buffer {
  return seq(...parts.map(([k, v]) => set(seq(oid(ATTR[k]!), k === 'C' ? printable(v) : utf8(v)))));
}

const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

export interface CertificateOptions {
  /** Subject CN (WeChat's real certificate names the appid). */
  commonName: string;
  /** The certificate's public key. */
  publicKey: KeyObject;
  /** The signing (issuer) key; self-signed when it is the pair of `publicKey`. */
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

/** A PEM X.509 v3 certificate, sha256WithRSAEncryption, issuer "CN=Emulated Tenpay.com Root CA". */
export function createCertificate(o: CertificateOptions): string {
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    SHA256_RSA,
    name([
      ['C', 'CN'],
      ['O', 'Tenpay.com'],
      ['OU', 'Tenpay.com CA Center'],
      ['CN', 'Emulated Tenpay.com Root CA'],
    ]),
    seq(time(o.notBefore), time(o.notAfter)),
    name([
      ['CN', o.commonName],
      ['O', 'Tencent Inc.'],
      ['OU', 'WxgMp'],
      ['C', 'CN'],
      ['L', 'ShenZhen'],
    ]),
    o.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, o.signingKey);
  const cert = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n');
  const pem = `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
  new X509Certificate(pem); // throws if the DER above were malformed
  return pem;
}

/** An RSA-2048 key pair as PEM: PKCS#1 private key (as MP downloads it) and SPKI public key. */
export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** WeChat's side for one app: the platform key pair and its self-signed certificate, with an MP-style 编号. */
export interface PlatformCertificate {
  /** 证书编号: 32 hex characters (not the X.509 serial). */
  sn: string;
  privateKey: string;
  certificate: string;
}

/** A new platform certificate valid from `nowSeconds` for five years (like the sample certificate). */
export function platformCertificate(appid: string, nowSeconds: number): PlatformCertificate {
  const pair = rsaKeyPair();
  const key = createPrivateKey(pair.privateKey);
  const certificate = createCertificate({
    commonName: appid,
    publicKey: createPublicKey(pair.publicKey),
    signingKey: key,
    notBefore: new Date((nowSeconds - 86400) * 1000),
    notAfter: new Date((nowSeconds + 5 * 365 * 86400) * 1000),
  });
  return { sn: randomBytes(16).toString('hex'), privateKey: pair.privateKey, certificate };
}

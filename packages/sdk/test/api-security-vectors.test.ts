// API security against the official worked example (PROTOCOL §15.5, vectors.json → api_security):
// decrypt and re-encrypt the request byte for byte with the published IV, verify both published
// signatures, and open the published response through the same code the client uses per call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  ApiSecurity,
  SignatureError,
  ValidationError,
  gcmOpen,
  gcmSeal,
  pssSign,
  pssVerify,
  publicKeyOf,
  securityAad,
  securityPlaintext,
  securitySignString,
  stripSecurityFields,
  symmetricKeyBytes,
} from '@miniapp-server/sdk';
import { createHash, createPrivateKey } from 'node:crypto';

const v = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8')).api_security[0];
const key = symmetricKeyBytes(v.symKey);
const req = v.request;
const res = v.response;

function layer(nowSeconds: number, extra: Record<string, unknown> = {}, logger?: { warn(m: string): void }) {
  return new ApiSecurity(
    {
      symmetricKey: v.symKey,
      symmetricKeySn: v.symSN,
      privateKey: v.privateKeyPem,
      privateKeySn: v.asymSN,
      platformCertificates: { [v.certSN]: v.certificatePem },
      ...extra,
    },
    v.appid,
    () => nowSeconds * 1000,
    logger,
  );
}

const responseHeaders = (over: Record<string, string> = {}) => ({
  'wechatmp-appid': v.appid,
  'wechatmp-timestamp': String(res.ts),
  'wechatmp-serial': v.certSN,
  'wechatmp-signature': res.signature,
  ...over,
});
const responseBody = JSON.stringify({ iv: res.iv, data: res.data, authtag: res.authtag });
const sealedFor = { body: req.body, headers: {}, urlpath: v.urlpath, ts: req.ts };

test('the AAD and the request plaintext are built exactly as published', () => {
  assert.equal(securityAad(v.urlpath, v.appid, req.ts, v.symSN), req.aad);
  const published = JSON.parse(req.plaintext);
  const { _n, _appid, _timestamp, ...params } = published;
  assert.equal(_appid, v.appid);
  assert.equal(typeof _timestamp, 'number');
  assert.equal(securityPlaintext(_n, v.appid, req.ts, params), req.plaintext);
});

test('decrypts the published request and re-encrypts it byte for byte with the published IV', () => {
  assert.equal(gcmOpen(key, req.aad, { iv: req.iv, data: req.data, authtag: req.authtag }), req.plaintext);
  const env = gcmSeal(key, req.aad, req.plaintext, Buffer.from(req.iv, 'base64'));
  assert.deepEqual(env, { iv: req.iv, data: req.data, authtag: req.authtag });
  assert.equal(JSON.stringify(env), req.body);
  assert.equal(Buffer.byteLength(req.body), 324);
});

test('a wrong AAD (request timestamp, other SN, bare path) does not decrypt', () => {
  const env = { iv: req.iv, data: req.data, authtag: req.authtag };
  assert.equal(gcmOpen(key, securityAad(v.urlpath, v.appid, req.ts + 1, v.symSN), env), undefined);
  assert.equal(gcmOpen(key, securityAad(v.urlpath, v.appid, req.ts, v.asymSN), env), undefined);
  assert.equal(gcmOpen(key, securityAad('/wxa/getuserriskrank', v.appid, req.ts, v.symSN), env), undefined);
});

test('the published request signature verifies with the public key (PSS, SHA-256)', () => {
  const signString = securitySignString(v.urlpath, v.appid, req.ts, req.body);
  assert.equal(Buffer.byteLength(signString), 400);
  assert.equal(
    createHash('sha256').update(signString).digest('hex'),
    '478d8b106b2fb0a9dcceaf58cd637f51e206fc7685ffcaca57e23205388c1e3b',
  );
  assert.ok(pssVerify(publicKeyOf(v.publicKeyPem), signString, req.signature));
  assert.ok(!pssVerify(publicKeyOf(v.publicKeyPem), `${signString} `, req.signature));
  // Our own signature over the same string verifies too (PSS is randomised, so it differs).
  const ours = pssSign(createPrivateKey(v.privateKeyPem), signString);
  assert.notEqual(ours, req.signature);
  assert.ok(pssVerify(publicKeyOf(v.publicKeyPem), signString, ours));
});

test('the published response signature verifies with the published certificate', () => {
  const signString = securitySignString(v.urlpath, v.appid, res.ts, responseBody);
  assert.equal(Buffer.byteLength(responseBody), res.bodyLength);
  assert.equal(createHash('sha256').update(signString).digest('hex'), res.signString_sha256);
  assert.ok(pssVerify(publicKeyOf(v.certificatePem), signString, res.signature));
});

test('opens the published response: verified, decrypted with the response timestamp, fields stripped', () => {
  const text = layer(res.ts + 10).open(sealedFor, { headers: responseHeaders(), body: responseBody }, 'risk');
  assert.deepEqual(JSON.parse(text), {
    errcode: 0,
    errmsg: 'getuserriskrank succ',
    risk_rank: 0,
    unoin_id: 2258658297,
  });
  assert.equal(stripSecurityFields(res.plaintext), text);
});

test('the published response header names are read case-insensitively', () => {
  const headers = Object.fromEntries(
    Object.entries(responseHeaders()).map(([k, val]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), val]),
  );
  assert.ok(headers['Wechatmp-Signature']);
  const text = layer(res.ts).open(sealedFor, { headers, body: responseBody }, 'risk');
  assert.equal(JSON.parse(text).risk_rank, 0);
});

test('refuses the published response when anything was changed, before decrypting', () => {
  const open = (headers: Record<string, string>, body = responseBody, now = res.ts) =>
    assert.throws(() => layer(now).open(sealedFor, { headers, body }, 'risk'), SignatureError);
  open(responseHeaders(), responseBody.replace('"iv":"r', '"iv":"R')); // body changed
  open(responseHeaders({ 'wechatmp-timestamp': String(res.ts + 1) })); // timestamp changed
  open(responseHeaders({ 'wechatmp-serial': '00000000000000000000000000000000' })); // unknown certificate
  open(responseHeaders({ 'wechatmp-appid': 'wx0000000000000000' }));
  open(responseHeaders(), responseBody, res.ts + 301); // stale
  open(responseHeaders({ 'wechatmp-signature': req.signature })); // someone else's signature
});

test('a response signed only by the deprecated certificate is accepted with a warning to rotate', () => {
  const warnings: string[] = [];
  const headers = {
    ...responseHeaders({ 'wechatmp-serial': 'newcert0000000000000000000000000' }),
    'wechatmp-serial-deprecated': v.certSN,
    'wechatmp-signature': 'bm90IG91cnM=',
    'wechatmp-signature-deprecated': res.signature,
  };
  const text = layer(res.ts, {}, { warn: (m) => warnings.push(m) }).open(
    sealedFor,
    { headers, body: responseBody },
    'risk',
  );
  assert.equal(JSON.parse(text).errmsg, 'getuserriskrank succ');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /retiring/);
});

test('plaintext answers: an error passes to the decoder; a success is a downgrade unless allowed', () => {
  const err = '{"errcode":40234,"errmsg":"invalid signature rid: 69af74a4-39bbb3e9-06b4d7c0"}';
  assert.equal(layer(res.ts).open(sealedFor, { headers: {}, body: err }, 'risk'), err);
  const ok = '{"errcode":0,"errmsg":"ok","risk_rank":0}';
  assert.throws(() => layer(res.ts).open(sealedFor, { headers: {}, body: ok }, 'risk'), SignatureError);
  assert.equal(layer(res.ts, { allowPlaintextResponses: true }).open(sealedFor, { headers: {}, body: ok }, 'r'), ok);
});

test('seal() produces what the published request looks like: verifiable, decryptable, fresh per call', () => {
  const l = layer(req.ts);
  const params = { appid: v.appid, openid: 'oEWzBfmdLqhFS2mTXCo2E4Y9gJAM', scene: 0, client_ip: '127.0.0.1' };
  const a = l.seal('/wxa/getuserriskrank', params);
  const b = l.seal('/wxa/getuserriskrank', params);
  assert.equal(a.urlpath, v.urlpath);
  assert.equal(a.headers['Wechatmp-TimeStamp'], String(req.ts));
  assert.equal(a.headers['Wechatmp-Appid'], v.appid);
  assert.ok(
    pssVerify(
      publicKeyOf(v.publicKeyPem),
      securitySignString(v.urlpath, v.appid, req.ts, a.body),
      a.headers['Wechatmp-Signature']!,
    ),
  );
  const plain = JSON.parse(gcmOpen(key, req.aad, JSON.parse(a.body))!);
  assert.deepEqual(Object.keys(plain).slice(0, 3), ['_n', '_appid', '_timestamp']);
  assert.equal(plain._timestamp, req.ts);
  assert.match(plain._n, /^[A-Za-z0-9+/]{22}$/);
  assert.deepEqual(
    { ...plain, _n: undefined, _appid: undefined, _timestamp: undefined },
    {
      ...params,
      _n: undefined,
      _appid: undefined,
      _timestamp: undefined,
    },
  );
  assert.notEqual(JSON.parse(a.body).iv, JSON.parse(b.body).iv);
  assert.notEqual(JSON.parse(gcmOpen(key, req.aad, JSON.parse(b.body))!)._n, plain._n);
});

test('URL params join the plaintext, access_token never does, and the query never reaches urlpath', () => {
  const l = layer(req.ts);
  const s = l.seal('/wxa/getuserriskrank?access_token=SECRET&scene=1', { openid: 'o1' });
  assert.equal(s.urlpath, v.urlpath);
  const plain = JSON.parse(gcmOpen(key, req.aad, JSON.parse(s.body))!);
  assert.equal(plain.scene, '1');
  assert.equal(plain.openid, 'o1');
  assert.equal(plain.access_token, undefined);
});

test('keys: PKCS#1 and PKCS#8 private keys both work; bad key material is a ValidationError', () => {
  const pkcs8 = createPrivateKey(v.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.ok(layer(req.ts, { privateKey: pkcs8 }).seal('/x', {}).body);
  assert.throws(() => layer(req.ts, { symmetricKey: 'c2hvcnQ=' }), ValidationError);
  assert.throws(() => layer(req.ts, { privateKey: 'not a key' }), ValidationError);
  assert.throws(() => layer(req.ts, { platformCertificates: {} }), ValidationError);
  assert.throws(() => layer(req.ts, { platformCertificates: { x: 'junk' } }), ValidationError);
  assert.throws(() => layer(req.ts, { mode: 'always' }), ValidationError);
});

test('stripSecurityFields keeps big integers and other fields exactly', () => {
  assert.equal(
    stripSecurityFields(
      '{"_n":"a\\"b","_appid":"wx1","_timestamp":1,"wx_order_id":4018734875633256960,"s":"\\"_n\\":1"}',
    ),
    '{"wx_order_id":4018734875633256960,"s":"\\"_n\\":1"}',
  );
  assert.equal(stripSecurityFields('{"errcode":0,"_n":"x","_appid":"wx1","_timestamp":5}'), '{"errcode":0}');
});

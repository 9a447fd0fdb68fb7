// A minimal secured caller for emulator tests (plain fetch, no SDK client): seals params as a
// client must (PROTOCOL §15.2–15.3) and opens the sealed answer after checking its signature.
import assert from 'node:assert/strict';
import type { EmulatorHandle, KeySet } from '@miniapp-server/emulator';
import {
  WECHAT_API_ORIGIN,
  gcmOpen,
  gcmSeal,
  pssSign,
  pssVerify,
  publicKeyOf,
  securityAad,
  securityNonce,
  securityPlaintext,
  securitySignString,
  symmetricKeyBytes,
} from '@miniapp-server/sdk';

export async function securedCall(
  emu: EmulatorHandle,
  keys: KeySet,
  token: string,
  path: string,
  params: Record<string, unknown>,
): Promise<Record<string, any>> {
  const appid = keys.appid;
  const ts = emu.clock.now();
  const urlpath = WECHAT_API_ORIGIN + path;
  const key = symmetricKeyBytes(keys.client.symmetricKey);
  const aad = (t: number | string) => securityAad(urlpath, appid, t, keys.client.symmetricKeySn);
  const body = JSON.stringify(gcmSeal(key, aad(ts), securityPlaintext(securityNonce(), appid, ts, params)));
  const res = await fetch(`${emu.url}${path}?access_token=${token}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'Wechatmp-Appid': appid,
      'Wechatmp-TimeStamp': String(ts),
      'Wechatmp-Signature': pssSign(keys.client.privateKey, securitySignString(urlpath, appid, ts, body)),
    },
    body,
  });
  const text = await res.text();
  const rts = res.headers.get('wechatmp-timestamp');
  if (!rts) return JSON.parse(text); // a plaintext layer error
  const cert = keys.client.platformCertificates[res.headers.get('wechatmp-serial')!]!;
  assert.ok(
    pssVerify(publicKeyOf(cert), securitySignString(urlpath, appid, rts, text), res.headers.get('wechatmp-signature')!),
  );
  const { _n, _appid, _timestamp, ...rest } = JSON.parse(gcmOpen(key, aad(rts), JSON.parse(text))!);
  return rest;
}

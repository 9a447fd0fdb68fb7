/**
 * 服务端API签名加密, WeChat's side (PROTOCOL §15): per-app keys (admin ops), the checks of §15.8 on
 * every covered call, sealed answers, certificate rotation, response faults for client tests.
 * Installs the emulator's wire transform, so other areas' routes need no change.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html
 */
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, AreaModule, EmuApp } from '../../context.js';
import { platformCertificate } from './certificate.js';
import { openSecured } from './checks.js';
import {
  type AppSecurity,
  type AppSecurityInput,
  applyInput,
  generateKeySet,
  type KeySet,
  maskedView,
  type SecuritySlice,
} from './keys.js';

export type { AppSecurityInput, KeySet, ResponseFault } from './keys.js';
export { generateKeySet } from './keys.js';

const apiSecurity: AreaModule = {
  name: 'apiSecurity',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<SecuritySlice>('api-security', () => ({ apps: {}, windowSeconds: 300 }));
    ctx.provideWireTransform({
      open: (call) => openSecured(call, { slice: st, getApp: ctx.getApp, now: () => ctx.clock.now() }),
    });

    function appOf(appid: unknown): EmuApp {
      const app = typeof appid === 'string' && appid ? ctx.getApp(appid) : ctx.listApps()[0];
      if (!app) throw new AdminError(404, `unknown app ${String(appid)}`);
      return app;
    }
    function record(appid: string): AppSecurity {
      const s = st();
      s.apps[appid] ??= { enforce: false };
      return s.apps[appid];
    }
    const view = (appid: string) => maskedView(appid, record(appid), st().windowSeconds);

    const handle = {
      /** Sets any of the app's keys, SNs, `enforce` and `responseFault`; answers the masked view. */
      configure(input: AppSecurityInput = {}) {
        const app = appOf(input.appid);
        applyInput(record(app.appid), input);
        return view(app.appid);
      },
      /**
       * Generates and installs a whole test key set for the app; answers it (the client half holds the
       * private key, as MP lets you download it once).
       */
      generate(input: { appid?: string; enforce?: boolean } = {}): KeySet {
        const app = appOf(input.appid);
        const keys = generateKeySet(app.appid, ctx.clock.now());
        applyInput(record(app.appid), { ...keys.emulator, enforce: input.enforce });
        return keys;
      },
      /** The masked view of the app's configuration. */
      get(input: { appid?: string } = {}) {
        return view(appOf(input.appid).appid);
      },
      /**
       * Starts a certificate rotation: a new platform certificate signs as `Wechatmp-Serial`, the old one
       * keeps signing as `Wechatmp-Serial-Deprecated` until `finishRotation`. Answers the new certificate.
       */
      rotate(input: { appid?: string } = {}) {
        const app = appOf(input.appid);
        const rec = record(app.appid);
        if (!rec.platform) throw new AdminError(409, 'the app has no platform certificate to rotate');
        rec.deprecated = rec.platform;
        rec.platform = platformCertificate(app.appid, ctx.clock.now());
        return { sn: rec.platform.sn, certificate: rec.platform.certificate, deprecatedSn: rec.deprecated.sn };
      },
      /** Ends the rotation: only the new certificate signs. */
      finishRotation(input: { appid?: string } = {}) {
        const app = appOf(input.appid);
        delete record(app.appid).deprecated;
        return view(app.appid);
      },
      /** The accepted timestamp skew (40240 beyond). */
      settings(input: { windowSeconds?: number } = {}) {
        if (input.windowSeconds !== undefined) {
          if (!Number.isInteger(input.windowSeconds) || input.windowSeconds < 0)
            throw new AdminError(400, 'windowSeconds must be a non-negative integer');
          st().windowSeconds = input.windowSeconds;
        }
        return { windowSeconds: st().windowSeconds };
      },
    };

    const body = (r: { body: any; params: Record<string, string> }) => ({ ...(r.body ?? {}), appid: r.params.appid });
    ctx.admin({ method: 'GET', path: 'api-security/:appid', handler: (r) => handle.get({ appid: r.params.appid }) });
    ctx.admin({ method: 'PUT', path: 'api-security/:appid', handler: (r) => handle.configure(body(r)) });
    // Answers the key set itself (MP's one-time download); the console still sees it masked.
    ctx.admin({
      method: 'POST',
      path: 'api-security/:appid/generate',
      reveal: true,
      handler: (r) => handle.generate(body(r)),
    });
    ctx.admin({ method: 'POST', path: 'api-security/:appid/rotate', handler: (r) => handle.rotate(body(r)) });
    ctx.admin({
      method: 'POST',
      path: 'api-security/:appid/finish-rotation',
      handler: (r) => handle.finishRotation(body(r)),
    });
    ctx.admin({ method: 'GET', path: 'api-security', handler: () => handle.settings() });
    ctx.admin({ method: 'PUT', path: 'api-security', handler: (r) => handle.settings(r.body ?? {}) });
    return handle;
  },
};
export default apiSecurity;

/**
 * Content security (内容安全, PROTOCOL.md §16): msgSecCheck v1/v2, mediaCheckAsync v1/v2 with the
 * `wxa_media_check` push after a delay on the virtual clock, imgSecCheck. Verdicts come from
 * configurable rules (keywords and labels per strategy, the v1 test strings, images by sha256 or
 * URL); media URLs resolve to registered fixtures, never the internet.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/sec-check/api_msgseccheck.html
 */
import { adminApp, adminInput } from '../../admin/input.js';
import type { AreaContext, AreaModule, EmuApp } from '../../context.js';
import { PushQueue, everyTick } from '../../ticker.js';
import { securityAdmin } from './admin.js';
import { mediaCheckPush } from './media-push.js';
import { registerSecurityRoutes } from './routes.js';
import { type SecuritySlice, initialSlice } from './state.js';

const security: AreaModule = {
  name: 'security',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<SecuritySlice>('security', initialSlice);
    const queue = new PushQueue(ctx);

    const visited = (p: { appid: string; openid: string }) => {
      st().visits[`${p.appid}|${p.openid}`] = ctx.clock.now();
    };
    ctx.on('user.login', visited);
    ctx.on('user.message', visited);

    /** Sends every media-check push that is due, oldest first. */
    function tick(): void {
      const now = ctx.clock.now();
      const s = st();
      const due = s.checks
        .filter((c) => c.push?.status === 'pending' && c.push.due <= now)
        .sort((a, b) => (a.push?.due ?? 0) - (b.push?.due ?? 0) || a.id - b.id);
      for (const check of due) {
        const app = ctx.getApp(check.appid);
        const push = check.push as NonNullable<typeof check.push>;
        if (!app) {
          push.status = 'no push config';
          continue;
        }
        const out = mediaCheckPush(s, app, check, now);
        push.errcode = out.errcode;
        if (out.verdict) check.verdict = out.verdict;
        if (!app.push) {
          push.status = 'no push config';
          continue;
        }
        push.status = 'sent';
        void queue.send(app.appid, out.message).then((d) => {
          if (d && typeof d === 'object' && 'id' in d) push.delivery = String((d as { id: unknown }).id);
          ctx.emit('security.check', { id: check.id, push: push.status });
        });
      }
    }
    everyTick(ctx, tick);
    registerSecurityRoutes({ ctx, st, tick });

    const resolveApp = (appid?: string): EmuApp => adminApp(ctx, appid);
    const admin = securityAdmin(ctx, st, resolveApp);
    const handle = {
      ...admin,
      /** Sends due pushes now and resolves when they were delivered (tests, demos). */
      async flush(): Promise<void> {
        tick();
        await queue.idle();
      },
    };

    const q = adminInput;
    ctx.admin({ method: 'POST', path: 'security/visits', handler: (r) => handle.visit(q(r) as any) });
    ctx.admin({ method: 'GET', path: 'security/rules', handler: () => handle.rules() });
    ctx.admin({ method: 'POST', path: 'security/rules/text', handler: (r) => handle.addTextRule(q(r) as any) });
    ctx.admin({ method: 'POST', path: 'security/rules/image', handler: (r) => handle.addImageRule(q(r) as any) });
    ctx.admin({
      method: 'DELETE',
      path: 'security/rules/:id',
      handler: (r) => handle.removeRule(r.params.id as string),
    });
    ctx.admin({ method: 'GET', path: 'security/media', handler: () => handle.listMedia() });
    ctx.admin({ method: 'POST', path: 'security/media', handler: (r) => handle.addMedia(q(r) as any) });
    ctx.admin({ method: 'GET', path: 'security/checks', handler: (r) => handle.checks(r.query) });
    ctx.admin({ method: 'DELETE', path: 'security/checks', handler: () => handle.clearChecks() });
    ctx.admin({ method: 'GET', path: 'security/settings', handler: () => handle.settings() });
    ctx.admin({ method: 'POST', path: 'security/settings', handler: (r) => handle.configure(q(r)) });
    ctx.admin({ method: 'POST', path: 'security/flush', handler: () => handle.flush() });
    return handle;
  },
};

export default security;

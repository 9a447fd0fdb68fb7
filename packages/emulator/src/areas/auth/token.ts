/**
 * `GET /cgi-bin/token` and `POST /cgi-bin/stable_token` (PROTOCOL §2).
 * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getAccessToken.html
 * @see https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
 */
import { type CoreModule, checkAppCredentials } from '../../core.js';
import { E } from '../../wire.js';

export const tokenRoutes: CoreModule = (ctx) => {
  const counted = (appid: unknown) => {
    const key = typeof appid === 'string' ? appid : '';
    ctx.tokenRequests[key] = (ctx.tokenRequests[key] ?? 0) + 1;
  };

  ctx.route({
    method: 'GET',
    path: '/cgi-bin/token',
    auth: 'none',
    bare: true,
    handler({ query }) {
      counted(query.appid);
      if (query.grant_type !== 'client_credential') throw E.grantType();
      const app = checkAppCredentials(ctx, query.appid, query.secret);
      return { ...ctx.tokens.issueClassic(app.appid) };
    },
  });

  ctx.route({
    method: 'POST',
    path: '/cgi-bin/stable_token',
    auth: 'none',
    bare: true,
    body: 'none',
    handler({ rawBody }) {
      // JSON only: a form or otherwise unreadable body is answered 41002 `appid missing`, as
      // reported from the real endpoint (PROTOCOL §2.2 [unverified]).
      let body: Record<string, unknown> = {};
      try {
        const v = JSON.parse(rawBody?.toString('utf8') ?? '');
        if (v && typeof v === 'object' && !Array.isArray(v)) body = v;
      } catch {}
      counted(body.appid);
      if (typeof body.appid !== 'string' || !body.appid) throw E.appidMissing();
      if (body.grant_type !== 'client_credential') throw E.grantType();
      const app = checkAppCredentials(ctx, body.appid, body.secret);
      // Lenient: accept the string "true" as well as the boolean.
      const force = body.force_refresh === true || body.force_refresh === 'true';
      return { ...ctx.tokens.issueStable(app.appid, force) };
    },
  });
};

/** The messaging area's admin API (`/__emulator/messages/*`), mirroring its handle methods. */
import type { AreaContext } from '../../context.js';
import { isObj } from './state.js';

/** The handle methods the admin routes call (each sub-area contributes its own). */
type Handle = Record<string, (input?: any) => unknown>;

export function registerAdmin(ctx: AreaContext, handle: Handle): void {
  const q = (r: { query: Record<string, string>; body: any }) => ({ ...r.query, ...(isObj(r.body) ? r.body : {}) });
  ctx.admin({ method: 'POST', path: 'messages/user-message', handler: (r) => handle.userMessage(q(r) as any) });
  ctx.admin({ method: 'POST', path: 'messages/subscriptions', handler: (r) => handle.subscribe(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/subscriptions', handler: (r) => handle.subscriptions(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/inbox', handler: (r) => handle.inbox(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/window', handler: (r) => handle.window(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/templates', handler: (r) => handle.templates(q(r)) });
  ctx.admin({ method: 'POST', path: 'messages/templates', handler: (r) => handle.addTemplate(q(r) as any) });
  ctx.admin({ method: 'GET', path: 'messages/library', handler: () => handle.library() });
  ctx.admin({ method: 'POST', path: 'messages/library', handler: (r) => handle.addPublicTemplate(r.body) });
  ctx.admin({ method: 'GET', path: 'messages/official-accounts', handler: (r) => handle.officialAccounts(q(r)) });
  ctx.admin({
    method: 'POST',
    path: 'messages/official-accounts',
    handler: (r) => handle.bindOfficialAccount(q(r) as any),
  });
  ctx.admin({ method: 'GET', path: 'messages/media', handler: (r) => handle.media(q(r)) });
}

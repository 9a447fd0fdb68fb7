/** The core's `/__emulator/*` admin routes: thin HTTP wrappers over AdminOps. */
import type { AdminRouteDef } from '../context.js';
import type { AdminOps } from './ops.js';

const num = (v: unknown): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

export function coreAdminRoutes(
  ops: AdminOps,
  extra: { routes: () => { method: string; path: string }[] },
): AdminRouteDef[] {
  return [
    { method: 'GET', path: 'apps', handler: () => ops.listApps() },
    { method: 'POST', path: 'apps', handler: ({ body }) => ops.createApp(body ?? {}) },
    { method: 'GET', path: 'apps/:appid', handler: ({ params }) => ops.getApp(params.appid as string) },
    {
      method: 'PUT',
      path: 'apps/:appid',
      handler: ({ params, body }) => ops.updateApp(params.appid as string, body ?? {}),
    },
    {
      method: 'POST',
      path: 'apps/:appid/invalidate-tokens',
      handler: ({ params }) => ops.invalidateTokens(params.appid),
    },
    { method: 'GET', path: 'users', handler: ({ query }) => ops.listUsers(query.appid) },
    { method: 'POST', path: 'users', handler: ({ body }) => ops.createUser(body ?? {}) },
    {
      method: 'GET',
      path: 'users/:openid',
      handler: ({ params, query }) => ops.getUser(params.openid as string, query.appid),
    },
    { method: 'POST', path: 'login-codes', handler: ({ body }) => ops.createLoginCode(body ?? {}) },
    { method: 'POST', path: 'phone-codes', handler: ({ body }) => ops.createPhoneCode(body ?? {}) },
    { method: 'GET', path: 'payments', handler: ({ query }) => ops.listPayments(query.appid) },
    { method: 'POST', path: 'payments', handler: ({ body }) => ops.recordPayment(body ?? {}) },
    { method: 'GET', path: 'clock', handler: () => ops.getClock() },
    { method: 'POST', path: 'clock/advance', handler: ({ body }) => ops.advanceClock(body?.seconds) },
    { method: 'POST', path: 'clock/set', handler: ({ body }) => ops.setClock(body?.time) },
    {
      method: 'GET',
      path: 'requests',
      handler: ({ query }) =>
        ops.requests({ path: query.path, method: query.method, appid: query.appid, limit: num(query.limit) }),
    },
    { method: 'DELETE', path: 'requests', handler: () => ops.clearRequests() },
    {
      method: 'GET',
      path: 'token-requests',
      handler: ({ query }) => ({ count: ops.tokenRequestCount(query.appid || undefined) }),
    },
    { method: 'GET', path: 'faults', handler: () => ops.listFaults() },
    { method: 'POST', path: 'faults', handler: ({ body }) => ops.addFault(body) },
    { method: 'DELETE', path: 'faults', handler: () => ops.clearFaults() },
    { method: 'POST', path: 'faults/seed', handler: ({ body }) => ops.seedFaults(body?.seed) },
    { method: 'DELETE', path: 'faults/:id', handler: ({ params }) => ops.removeFault(params.id as string) },
    { method: 'POST', path: 'reset', handler: () => ops.reset() },
    { method: 'GET', path: 'state', handler: () => ops.exportState() },
    { method: 'PUT', path: 'state', handler: ({ body }) => ops.importState(body) },
    { method: 'GET', path: 'routes', handler: () => extra.routes() },
  ];
}

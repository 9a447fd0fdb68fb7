/**
 * The logistics area's admin operations (the emulator handle's `logistics.*` methods) and their
 * `/__emulator/logistics/*` routes: parcels with their waybill and path, the next node or any node,
 * the automatic journey, account reviews, carrier failures, sandbox developers, tokens and returns.
 */
import { adminApp, adminInput } from '../../admin/input.js';
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, EmuApp } from '../../context.js';
import type { Accounts } from './accounts.js';
import { carrier } from './carriers.js';
import { type Journeys, traceStatus } from './journey.js';
import type { Parcels } from './parcels.js';
import { DEFAULT_SETTINGS, type LogisticsSettings, type Parcel, type ReturnRecord } from './state.js';
import { renderWaybill } from './waybill.js';

/** A parcel as the admin API shows it. */
export interface ParcelView {
  appid: string;
  waybill_id: string;
  delivery_id: string;
  delivery_name: string;
  kind: Parcel['kind'];
  /** The logistics-service status derived from the path (0 … 6). */
  status: number;
  version: number;
  auto: boolean;
  path: Parcel['path'];
  /** The nodes still planned, with their due times. */
  plan: Parcel['plan'];
  order?: Parcel['order'];
}

function view(p: Parcel): ParcelView {
  return structuredClone({
    appid: p.appid,
    waybill_id: p.waybill_id,
    delivery_id: p.delivery_id,
    delivery_name: carrier(p.delivery_id)?.delivery_name ?? p.delivery_id,
    kind: p.kind,
    status: traceStatus(p.path),
    version: p.version,
    auto: p.auto,
    path: p.path,
    plan: p.plan,
    ...(p.order ? { order: p.order } : {}),
  });
}

export function logisticsAdmin(ctx: AreaContext, parcels: Parcels, accounts: Accounts, journeys: Journeys) {
  const st = parcels.st;
  const appOf = (appid: unknown): EmuApp => adminApp(ctx, appid);
  const parcelOf = (input: { appid?: string; waybill_id?: string }): Parcel => {
    const app = appOf(input?.appid);
    const p = parcels.byWaybill(app.appid, input?.waybill_id);
    if (!p) throw new AdminError(404, `unknown waybill ${String(input?.waybill_id)} of app ${app.appid}`);
    return p;
  };
  const tick = async () => {
    accounts.runDue();
    await journeys.runDue();
  };

  const handle = {
    /** Appends every node and completes every review that is due on the virtual clock; resolves after their pushes. */
    tick,

    /** Parcels (orders and foreign waybills), newest last. */
    parcels(filter: { appid?: string; kind?: string } = {}): ParcelView[] {
      return parcels
        .list(filter.appid || undefined)
        .filter((p) => !filter.kind || p.kind === filter.kind)
        .map(view);
    },

    parcel(input: { appid?: string; waybill_id: string }): ParcelView {
      return view(parcelOf(input));
    },

    /** The waybill HTML as getOrder prints it (decoded). */
    waybill(input: { appid?: string; waybill_id: string; print_type?: number | string }): { html: string } {
      const p = parcelOf(input);
      if (!p.order) throw new AdminError(409, `${p.waybill_id} is a foreign waybill: the emulator did not print it`);
      return { html: renderWaybill(p, Number(input.print_type) === 1 ? 1 : 0, ctx.clock.now()) };
    },

    /** Adds the next planned node now (the console's button); resolves after its push. */
    async nextNode(input: { appid?: string; waybill_id: string }): Promise<ParcelView> {
      const p = parcelOf(input);
      if (p.order?.order_status === 1) throw new AdminError(409, `${p.waybill_id} is cancelled`);
      const sent = journeys.advance(p);
      if (!sent) throw new AdminError(409, `${p.waybill_id} has no planned node left`);
      await sent;
      return view(p);
    },

    /** Appends any node (foreign waybills of the logistics service move this way); resolves after its push. */
    async addNode(input: {
      appid?: string;
      waybill_id: string;
      action_type: number;
      action_msg?: string;
      action_time?: number;
    }): Promise<ParcelView> {
      const p = parcelOf(input);
      const type = Number(input.action_type);
      if (!Number.isInteger(type) || type <= 0) throw new AdminError(400, 'action_type must be a positive integer');
      const time = input.action_time === undefined ? ctx.clock.now() : Number(input.action_time);
      if (!Number.isFinite(time)) throw new AdminError(400, 'action_time must be Unix seconds');
      const at = p.plan.findIndex((n) => n.action_type === type);
      if (at >= 0) p.plan.splice(0, at + 1);
      await journeys.append(p, { action_time: time, action_type: type, action_msg: String(input.action_msg ?? '') });
      return view(p);
    },

    /** Starts or stops the parcel's automatic journey (remaining nodes re-timed from now when started). */
    setAuto(input: { appid?: string; waybill_id: string; auto: boolean }): ParcelView {
      const p = parcelOf(input);
      const auto = input.auto === true || String(input.auto) === 'true';
      if (auto && !p.auto) {
        const step = st().settings.stepSeconds;
        const now = ctx.clock.now();
        p.plan.forEach((n, i) => {
          n.action_time = now + (i + 1) * step;
        });
      }
      p.auto = auto;
      return view(p);
    },

    settings(): LogisticsSettings {
      return { ...st().settings };
    },

    configure(patch: Partial<LogisticsSettings> = {}): LogisticsSettings {
      const s = st().settings;
      for (const [k, v] of Object.entries(patch ?? {})) {
        if (!(k in DEFAULT_SETTINGS)) throw new AdminError(400, `unknown setting ${k}`);
        if (k === 'autoJourney') {
          if (!['carriers', 'all', 'off'].includes(String(v))) {
            throw new AdminError(400, 'autoJourney must be carriers, all or off');
          }
          s.autoJourney = v as LogisticsSettings['autoJourney'];
          continue;
        }
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new AdminError(400, `${k} must be a non-negative integer`);
        (s as unknown as Record<string, number>)[k] = n;
      }
      return { ...s };
    },

    /** Bound accounts (no passwords: they are never kept). */
    accounts(filter: { appid?: string } = {}) {
      return structuredClone(accounts.list(filter.appid || undefined));
    },

    /** Completes a pending bindAccount review now; resolves after the update_business_bind_result push. */
    async reviewAccount(input: {
      appid?: string;
      delivery_id: string;
      biz_id: string;
      approve?: boolean;
      message?: string;
    }) {
      const app = appOf(input?.appid);
      const acc = accounts.get(app.appid, input?.delivery_id, input?.biz_id);
      if (!acc) throw new AdminError(404, `unknown account ${input?.delivery_id}/${input?.biz_id}`);
      await accounts.review(acc, input.approve !== false && String(input.approve) !== 'false', input.message);
      return structuredClone(acc);
    },

    /** Sets an account's remaining waybill quota (getQuota; addOrder fails with the carrier's 10004 at 0). */
    setQuota(input: { appid?: string; delivery_id: string; biz_id: string; quota_num: number }) {
      const app = appOf(input?.appid);
      const acc = accounts.get(app.appid, input?.delivery_id, input?.biz_id);
      if (!acc) throw new AdminError(404, `unknown account ${input?.delivery_id}/${input?.biz_id}`);
      const n = Number(input.quota_num);
      if (!Number.isInteger(n) || n < 0) throw new AdminError(400, 'quota_num must be a non-negative integer');
      acc.quota_num = n;
      acc.quota_update_time = ctx.clock.now();
      return structuredClone(acc);
    },

    /** The next `count` addOrder calls with this carrier fail with 9300501 and the given carrier code. */
    failNext(input: {
      delivery_id: string;
      delivery_resultcode?: number;
      delivery_resultmsg?: string;
      count?: number;
    }) {
      if (!carrier(input?.delivery_id)) throw new AdminError(400, `unknown delivery_id ${String(input?.delivery_id)}`);
      const f = {
        delivery_id: input.delivery_id,
        delivery_resultcode: Number(input.delivery_resultcode ?? 10002),
        delivery_resultmsg: String(input.delivery_resultmsg ?? '客户密码不正确'),
        remaining: Math.max(1, Number(input.count ?? 1)),
      };
      st().failures.push(f);
      return { ...f };
    },

    /** The openids that may use the sandbox (admins/developers); `null` = every user of the app. */
    setDevelopers(input: { appid?: string; openids: string[] | null }) {
      const app = appOf(input?.appid);
      if (input.openids === null) delete st().developers[app.appid];
      else if (Array.isArray(input.openids) && input.openids.every((o) => typeof o === 'string')) {
        st().developers[app.appid] = [...input.openids];
      } else throw new AdminError(400, 'openids must be an array of openids or null');
      return { appid: app.appid, openids: st().developers[app.appid] ?? null };
    },

    developers(input: { appid?: string } = {}) {
      const app = appOf(input?.appid);
      return { appid: app.appid, openids: st().developers[app.appid] ?? null };
    },

    /** Waybill tokens of the logistics service, with the tracking messages each follower received. */
    tokens(filter: { appid?: string } = {}) {
      return structuredClone(Object.values(st().tokens).filter((t) => !filter.appid || t.appid === filter.appid));
    },

    returns(filter: { appid?: string } = {}): ReturnRecord[] {
      return structuredClone(Object.values(st().returns).filter((r) => !filter.appid || r.appid === filter.appid));
    },

    /**
     * Moves a return along as the user and the carrier would: `delivery_id` (+ optional `waybill_id`)
     * books the pickup (status 1), `order_status` sets the carrier's progress (0 … 14, 99).
     */
    updateReturn(input: {
      return_id: string;
      delivery_id?: string;
      waybill_id?: string;
      status?: number;
      order_status?: number;
    }): ReturnRecord {
      const r = st().returns[input?.return_id];
      if (!r) throw new AdminError(404, `unknown return ${String(input?.return_id)}`);
      if (input.delivery_id !== undefined) {
        const c = carrier(input.delivery_id);
        if (!c) throw new AdminError(400, `unknown delivery_id ${input.delivery_id}`);
        r.delivery_id = c.delivery_id;
        r.delivery_name = c.delivery_name;
        r.waybill_id = input.waybill_id ?? parcels.newWaybillId(c.delivery_id);
        r.status = 1;
      }
      for (const k of ['status', 'order_status'] as const) {
        if (input[k] === undefined) continue;
        const n = Number(input[k]);
        if (!Number.isInteger(n) || n < 0) throw new AdminError(400, `${k} must be a non-negative integer`);
        r[k] = n;
      }
      return structuredClone(r);
    },
  };

  const admin = (method: 'GET' | 'POST' | 'PUT', path: string, fn: (input: any) => unknown) =>
    ctx.admin({ method, path: `logistics/${path}`, handler: (r) => fn(adminInput(r)) });
  admin('GET', 'parcels', handle.parcels);
  admin('GET', 'parcels/:waybill_id', handle.parcel);
  admin('GET', 'parcels/:waybill_id/waybill', handle.waybill);
  admin('POST', 'parcels/:waybill_id/next', handle.nextNode);
  admin('POST', 'parcels/:waybill_id/nodes', handle.addNode);
  admin('POST', 'parcels/:waybill_id/auto', handle.setAuto);
  admin('POST', 'tick', () => tick().then(() => ({ ok: true })));
  admin('GET', 'settings', handle.settings);
  admin('POST', 'settings', handle.configure);
  admin('GET', 'accounts', handle.accounts);
  admin('POST', 'accounts/review', handle.reviewAccount);
  admin('POST', 'accounts/quota', handle.setQuota);
  admin('POST', 'carrier-failures', handle.failNext);
  admin('GET', 'developers', handle.developers);
  admin('PUT', 'developers', handle.setDevelopers);
  admin('GET', 'tokens', handle.tokens);
  admin('GET', 'returns', handle.returns);
  admin('POST', 'returns/:return_id', handle.updateReturn);
  return handle;
}

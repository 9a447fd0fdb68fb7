/**
 * Risk control and user keys (PROTOCOL.md §18.1–§18.3): getUserRiskRank from configurable
 * per-user ranks, getUserEncryptKey with keys rotated hourly on the virtual clock (last three
 * returned), and checkEncryptedData for phone-number encryptedData the emulator produced.
 */
import { adminApp, adminInput } from '../../admin/input.js';
import { AdminError } from '../../admin/ops.js';
import type { AreaContext, AreaModule, EmuApp } from '../../context.js';
import { encryptPhone, registerEncryptedData } from './encrypted-data.js';
import { registerEncryptKey } from './encrypt-key.js';
import { registerRiskRank } from './risk-rank.js';
import { type RiskSlice, initialSlice } from './state.js';

const riskControl: AreaModule = {
  name: 'riskControl',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<RiskSlice>('riskControl', () => initialSlice(ctx.randomId));
    registerRiskRank(ctx, st);
    registerEncryptKey(ctx, st);
    registerEncryptedData(ctx, st);

    const resolveApp = (appid?: string): EmuApp => adminApp(ctx, appid);
    const handle = {
      /** Sets a user's risk rank (0–4) for getUserRiskRank. */
      setRiskRank(input: { appid?: string; openid: string; risk_rank: number }) {
        const app = resolveApp(input?.appid);
        const rank = Number(input?.risk_rank);
        if (!Number.isInteger(rank) || rank < 0 || rank > 4) throw new AdminError(400, 'risk_rank must be 0–4');
        if (typeof input.openid !== 'string' || !ctx.getUser(app.appid, input.openid))
          throw new AdminError(404, `unknown user ${String(input.openid)} of app ${app.appid}`);
        st().ranks[`${app.appid}|${input.openid}`] = rank;
        return { appid: app.appid, openid: input.openid, risk_rank: rank };
      },
      /** Grants or withdraws the 安全风控接口 permission (48001 without it), and sets the test quota. */
      configure(input: { appid?: string; authorized?: boolean; testQuota?: number } = {}) {
        const app = resolveApp(input?.appid);
        const s = st();
        if (input.authorized !== undefined) s.unauthorized[app.appid] = !input.authorized;
        if (input.testQuota !== undefined) {
          const n = Number(input.testQuota);
          if (!Number.isInteger(n) || n < 0) throw new AdminError(400, 'testQuota must be a non-negative integer');
          s.testQuota = n;
        }
        return { appid: app.appid, authorized: !s.unauthorized[app.appid], testQuota: s.testQuota };
      },
      /** Phone-number encryptedData + iv as wx.getPhoneNumber gives the mini program (checkEncryptedData knows it). */
      encryptedPhone(input: { appid?: string; openid: string; phoneNumber: string; countryCode?: string }) {
        return encryptPhone(ctx, st, resolveApp(input?.appid), input);
      },
    };
    const q = adminInput;
    ctx.admin({ method: 'POST', path: 'risk-control/ranks', handler: (r) => handle.setRiskRank(q(r) as any) });
    ctx.admin({ method: 'POST', path: 'risk-control/settings', handler: (r) => handle.configure(q(r)) });
    ctx.admin({
      method: 'POST',
      path: 'risk-control/encrypted-phone',
      handler: (r) => handle.encryptedPhone(q(r) as any),
    });
    return handle;
  },
};

export default riskControl;

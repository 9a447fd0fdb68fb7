/**
 * Carrier accounts: bindAccount puts an account under review (status 1); the review completes after
 * `reviewSeconds` on the virtual clock (approved) or when the admin approves/rejects it, and the
 * result is pushed as `update_business_bind_result`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/business/Bind_merchant_review_result_update_event.html
 */
import { AdminError } from '../../admin/ops.js';
import type { AreaContext } from '../../context.js';
import { carrier } from './carriers.js';
import { LE } from './errors.js';
import { WECHAT_TEAM } from '../../wechat-team.js';
import type { Journeys } from './journey.js';
import { type Account, type LogisticsSlice, key } from './state.js';

export class Accounts {
  constructor(
    private readonly ctx: AreaContext,
    private readonly st: () => LogisticsSlice,
    private readonly journeys: Journeys,
  ) {}

  get(appid: string, deliveryId: unknown, bizId: unknown): Account | undefined {
    return this.st().accounts[key(appid, String(deliveryId), String(bizId))];
  }

  list(appid?: string): Account[] {
    return Object.values(this.st().accounts).filter((a) => !appid || a.appid === appid);
  }

  /** bindAccount `type: bind`. */
  bind(appid: string, b: Record<string, any>): void {
    const c = carrier(b.delivery_id);
    if (!c || c.delivery_id === 'TEST') throw LE.delivery();
    const existing = this.get(appid, b.delivery_id, b.biz_id);
    if (existing?.status_code === 0) throw LE.alreadyBound();
    if (existing?.status_code === 1) throw LE.reviewing();
    const now = this.ctx.clock.now();
    const { reviewSeconds, accountQuota } = this.st().settings;
    const acc: Account = {
      appid,
      delivery_id: c.delivery_id,
      biz_id: b.biz_id,
      status_code: 1,
      create_time: existing?.create_time ?? now,
      update_time: now,
      review_at: now + reviewSeconds,
      password_given: typeof b.password === 'string' && b.password !== '',
      quota_num: c.can_get_quota ? accountQuota : 0,
      quota_update_time: now,
    };
    if (typeof b.remark_content === 'string') acc.remark_content = b.remark_content;
    this.st().accounts[key(appid, c.delivery_id, b.biz_id)] = acc;
  }

  /** bindAccount `type: unbind`. */
  unbind(appid: string, b: Record<string, any>): void {
    const acc = this.get(appid, b.delivery_id, b.biz_id);
    if (!acc || acc.status_code === 3) throw LE.unbindNotFound();
    acc.status_code = 3;
    acc.update_time = this.ctx.clock.now();
    delete acc.review_at;
  }

  /** Completes a pending review: approved (status 0) or rejected (status 2), and pushes the result. */
  review(acc: Account, approve: boolean, message?: string): Promise<unknown> {
    if (acc.status_code !== 1)
      throw new AdminError(409, `account ${acc.delivery_id}/${acc.biz_id} is not under review`);
    acc.status_code = approve ? 0 : 2;
    acc.update_time = this.ctx.clock.now();
    delete acc.review_at;
    const err = approve ? undefined : LE.badAccount();
    if (err) acc.remark_wrong_msg = message ?? err.errmsg;
    this.ctx.emit('logistics.account', {
      appid: acc.appid,
      delivery_id: acc.delivery_id,
      status_code: acc.status_code,
    });
    return this.journeys.send(acc.appid, {
      FromUserName: WECHAT_TEAM,
      MsgType: 'event',
      Event: 'update_business_bind_result',
      errcode: err ? err.errcode : 0,
      errmsg: err ? (message ?? err.errmsg) : 'ok',
      delivery_id: acc.delivery_id,
      biz_id: acc.biz_id,
    });
  }

  /** Approves every review whose time has come on the virtual clock. */
  runDue(): void {
    const now = this.ctx.clock.now();
    for (const acc of this.list()) {
      if (acc.status_code === 1 && acc.review_at !== undefined && acc.review_at <= now) void this.review(acc, true);
    }
  }

  /**
   * The account an order ships with: TEST needs `test_biz_id`; 散单 (`SF_CASH`, `DB_CASH`) needs no
   * binding but only its service types; anything else must be a bound account (9300525).
   */
  forOrder(appid: string, deliveryId: string, bizId: string): Account | undefined {
    const c = carrier(deliveryId);
    if (!c) throw LE.delivery();
    if (c.delivery_id === 'TEST') {
      if (bizId !== 'test_biz_id') throw LE.notBound();
      return undefined;
    }
    if (c.can_use_cash && bizId === c.cash_biz_id) return undefined;
    const acc = this.get(appid, deliveryId, bizId);
    if (!acc || acc.status_code !== 0) throw LE.notBound();
    return acc;
  }
}

/**
 * A parcel's journey: appending path nodes (testUpdateOrder, admin, the automatic plan), pushing
 * `add_express_path` with the cumulative Actions and a growing Version after each, and the
 * scheduler that moves automatic parcels 揽件 → 运输 → 派送 → 签收 on the virtual clock.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/logistics.onPathUpdate.html
 */
import type { AreaContext } from '../../context.js';
import type { PushQueue } from '../../ticker.js';
import { WECHAT_TEAM } from '../../wechat-team.js';
import { carrier } from './carriers.js';
import type { LogisticsSlice, Parcel, PathNode } from './state.js';

/** Standard `action_type` codes the emulator itself writes. */
export const ACTION = {
  PICKED_UP: 100001,
  COURIER_ASSIGNED: 100003,
  IN_TRANSIT: 200001,
  OUT_FOR_DELIVERY: 300002,
  SIGNED: 300003,
  CANCELLED: 400001,
} as const;

/**
 * The nodes of an automatic journey, `step` seconds apart from `start`: courier assigned, picked up,
 * two transport nodes, out for delivery, signed.
 */
export function journeyPlan(parcel: Parcel, start: number, step: number): PathNode[] {
  const o = parcel.order;
  const from = `${o?.sender.city ?? ''}${o?.sender.area ?? ''}` || '始发地';
  const to = `${o?.receiver.city ?? ''}${o?.receiver.area ?? ''}` || '目的地';
  const name = carrier(parcel.delivery_id)?.delivery_name ?? parcel.delivery_id;
  const steps: Array<[number, string]> = [
    [ACTION.COURIER_ASSIGNED, `【${from}】${name}已分配快递员，快递员正在赶来揽件`],
    [ACTION.PICKED_UP, `【${from}】快递员已揽件`],
    [ACTION.IN_TRANSIT, `快件离开【${from}】，发往【${to}】`],
    [ACTION.IN_TRANSIT, `快件到达【${to}】分拨中心`],
    [ACTION.OUT_FOR_DELIVERY, `【${to}】快递员正在派送，请保持电话畅通`],
    [ACTION.SIGNED, `【${to}】已签收，签收人：${o?.receiver.name ?? '本人'}。感谢使用${name}`],
  ];
  return steps.map(([action_type, action_msg], i) => ({
    action_time: start + (i + 1) * step,
    action_type,
    action_msg,
  }));
}

/** `waybill_info.status` of the logistics service, from the latest node that decides one. */
export function traceStatus(path: readonly PathNode[]): number {
  for (let i = path.length - 1; i >= 0; i--) {
    const s = statusOf((path[i] as PathNode).action_type);
    if (s !== undefined) return s;
  }
  return 0;
}

function statusOf(t: number): number | undefined {
  if (t === 100001) return 1;
  if (t === 100002 || (t >= 90001 && t <= 90011) || t === 100003) return 0;
  if (t === 200001) return 2;
  if (t === 300001 || t === 300002 || t === 300005 || t === 300006) return 3;
  if (t === 300003) return 4;
  if (t === 300007) return 6;
  if (t === 300004 || (t >= 400001 && t <= 400005)) return 5;
  return undefined; // 500001 兜底 and unknown codes keep the previous status
}

/** Whether a parcel's journey is still open (not signed, cancelled or returned). */
export function finished(parcel: Parcel): boolean {
  const last = parcel.path[parcel.path.length - 1];
  return (
    parcel.order?.order_status === 1 || (last !== undefined && [300003, 300007, 400001].includes(last.action_type))
  );
}

/**
 * Appends nodes and pushes. Pushes of one emulator go out one after another, so a receiver sees
 * every node once and in order even when the scheduler appends several at once.
 */
export class Journeys {
  constructor(
    private readonly ctx: AreaContext,
    private readonly st: () => LogisticsSlice,
    private readonly queue: PushQueue,
  ) {}

  /** Appends `node` to the parcel's path and pushes the cumulative path. */
  append(parcel: Parcel, node: PathNode): Promise<unknown> {
    parcel.path.push({ ...node });
    parcel.version += 1;
    for (const t of Object.values(this.st().tokens)) {
      if (t.kind === 'follow' && t.appid === parcel.appid && t.waybill_id === parcel.waybill_id) {
        t.notifications.push({ time: node.action_time, action_type: node.action_type, action_msg: node.action_msg });
      }
    }
    const message: Record<string, unknown> = {
      FromUserName: parcel.order?.openid ?? WECHAT_TEAM,
      MsgType: 'event',
      Event: 'add_express_path',
      DeliveryID: parcel.delivery_id,
      WayBillId: parcel.waybill_id,
      ...(parcel.order ? { OrderId: parcel.order.order_id } : {}),
      Version: parcel.version,
      Count: parcel.path.length,
      Actions: parcel.path.map((n) => ({
        ActionTime: n.action_time,
        ActionType: n.action_type,
        ActionMsg: n.action_msg,
      })),
    };
    // The console's live feed: parcels also move on their own (the automatic journey).
    this.ctx.emit('logistics.parcel', { appid: parcel.appid, waybill_id: parcel.waybill_id, version: parcel.version });
    return this.send(parcel.appid, message);
  }

  /** Queues any push behind the ones before it. */
  send(appid: string, message: Record<string, unknown>): Promise<unknown> {
    return this.queue.send(appid, message);
  }

  /** Resolves once every queued push has been delivered (or has failed). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Takes the parcel's next planned node now (the admin "next node" button); the rest shift with it. */
  advance(parcel: Parcel): Promise<unknown> | undefined {
    const next = parcel.plan.shift();
    if (!next) return undefined;
    const now = this.ctx.clock.now();
    const shift = now - next.action_time;
    for (const n of parcel.plan) n.action_time += shift;
    return this.append(parcel, { ...next, action_time: now });
  }

  /** Appends every planned node that is due on the virtual clock, for every automatic parcel. */
  runDue(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const parcel of Object.values(this.st().parcels)) {
      if (!parcel.auto) continue;
      while (parcel.plan.length > 0 && (parcel.plan[0] as PathNode).action_time <= now && !finished(parcel)) {
        void this.append(parcel, parcel.plan.shift() as PathNode);
      }
    }
    return this.idle();
  }
}

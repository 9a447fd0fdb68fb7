/**
 * Deliveries (即时配送): every immediate-delivery order of the app with its status timeline, a plot
 * of the sender, the receiver and the rider moving between them (inline SVG, no map tiles), and
 * buttons to advance or fail an order or move the clock. Updates live on `delivery…` and `clock`.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { defineStrings, useLang, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, type Tone } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    orders: 'Delivery orders',
    none: 'No delivery orders yet: place one with immediateDelivery.addOrder (sandbox shopid test_shop_id).',
    advance: 'Advance',
    fail: 'Fail',
    plusMinute: '+1 min',
    plus5: '+5 min',
    timeline: 'Timeline',
    fee: 'Fee ¥{fee} · {km} km',
    rider: 'Rider {name} {phone}',
    noRider: 'No rider yet',
    eta: '{s} s to the receiver',
    sender: 'Sender',
    receiver: 'Receiver',
    next: 'Next: {s} at {t}',
    pushed: 'pushed',
    reason: 'Failure',
    final: 'final',
    by_rider: 'rider',
    by_merchant: 'merchant',
    by_mock: 'mock',
    by_admin: 'console',
    by_system: 'system',
  },
  zh: {
    orders: '配送单',
    none: '暂无配送单：用 immediateDelivery.addOrder 下单（沙盒 shopid test_shop_id）。',
    advance: '推进',
    fail: '异常',
    plusMinute: '+1 分钟',
    plus5: '+5 分钟',
    timeline: '状态记录',
    fee: '运费 ¥{fee} · {km} 公里',
    rider: '骑手 {name} {phone}',
    noRider: '尚未分配骑手',
    eta: '距收货人 {s} 秒',
    sender: '发货',
    receiver: '收货',
    next: '下一步：{s}，{t}',
    pushed: '已推送',
    reason: '异常原因',
    final: '已结束',
    by_rider: '骑手',
    by_merchant: '商家',
    by_mock: '模拟',
    by_admin: '控制台',
    by_system: '系统',
  },
});

interface Point {
  lng: number;
  lat: number;
}
interface Entry {
  order_status: number;
  time: number;
  action_msg: string;
  by: 'rider' | 'merchant' | 'mock' | 'admin' | 'system';
  label: { zh: string; en: string } | null;
  push?: { status: string; resultcode?: number };
}
interface OrderView {
  waybill_id: string;
  shop_order_id: string;
  delivery_name: string;
  order_status: number;
  label: { zh: string; en: string } | null;
  terminal: boolean;
  fee: number;
  distance: number;
  sender: Point & { name: string; address_detail: string };
  receiver: Point & { name: string; address_detail: string };
  rider?: { name: string; phone: string; start: Point };
  rider_position: Point | null;
  reach_time: number | null;
  timeline: Entry[];
  upcoming: Array<{ order_status: number; at: number }>;
}

/** Failure reasons by stage, as the admin API takes them. */
const FAILURES: Record<number, string[]> = {
  101: ['carrier-cancelled', 'force-majeure'],
  102: ['rider-cancelled', 'merchant-fault', 'force-majeure', 'carrier-cancelled'],
  201: ['rider-cancelled', 'merchant-fault', 'force-majeure', 'carrier-cancelled'],
  202: ['force-majeure', 'carrier-cancelled'],
  301: ['unreachable', 'refused', 'force-majeure', 'carrier-cancelled'],
};

function tone(o: { order_status: number; terminal: boolean }): Tone {
  if (o.order_status === 302) return 'ok';
  if (o.terminal || o.order_status >= 303) return 'err';
  return 'info';
}

/** Sender, receiver and rider on one plot: equirectangular, north up, scaled to fit. */
function RoutePlot(props: { order: OrderView; t: ReturnType<typeof useT<keyof (typeof strings)['en']>> }) {
  const { order: o, t } = props;
  const W = 260;
  const H = 170;
  const pad = 22;
  const pts: Point[] = [
    o.sender,
    o.receiver,
    ...(o.rider ? [o.rider.start] : []),
    ...(o.rider_position ? [o.rider_position] : []),
  ];
  const kx = Math.cos((o.sender.lat * Math.PI) / 180);
  const xs = pts.map((p) => p.lng * kx);
  const ys = pts.map((p) => p.lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 2 * pad) / Math.max(x1 - x0, 1e-6), (H - 2 * pad) / Math.max(y1 - y0, 1e-6));
  const cx = (W - (x1 - x0) * scale) / 2;
  const cy = (H - (y1 - y0) * scale) / 2;
  const at = (p: Point) => ({ x: cx + (p.lng * kx - x0) * scale, y: H - (cy + (p.lat - y0) * scale) });
  const s = at(o.sender);
  const r = at(o.receiver);
  const d = o.rider_position ? at(o.rider_position) : undefined;
  return (
    <svg
      class="route-plot"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={`${t('sender')} → ${t('receiver')}`}
      data-testid="route-plot"
    >
      <line x1={s.x} y1={s.y} x2={r.x} y2={r.y} class="route-line" />
      <circle cx={s.x} cy={s.y} r="6" class="route-sender" />
      <text x={s.x + 9} y={s.y + 4} class="route-label">
        {t('sender')}
      </text>
      <circle cx={r.x} cy={r.y} r="6" class="route-receiver" />
      <text x={r.x + 9} y={r.y + 4} class="route-label">
        {t('receiver')}
      </text>
      {d && (
        <circle
          cx={d.x}
          cy={d.y}
          r="5"
          class="route-rider"
          data-testid="rider-dot"
          data-lng={o.rider_position?.lng}
          data-lat={o.rider_position?.lat}
        />
      )}
    </svg>
  );
}

function OrderCard(props: { order: OrderView }) {
  const t = useT(strings);
  const lang = useLang();
  const o = props.order;
  const label = (l: { zh: string; en: string } | null, code: number) => `${code} ${l ? l[lang] : ''}`.trim();
  const next = o.upcoming[0];
  const reasons = FAILURES[o.order_status] ?? [];
  const [picked, setPicked] = useState('');
  const reason = reasons.includes(picked) ? picked : (reasons[0] ?? '');
  const id = encodeURIComponent(o.waybill_id);
  return (
    <Card
      testid={`order-${o.shop_order_id}`}
      title={
        <>
          {o.shop_order_id} <small class="muted">{o.waybill_id}</small>
        </>
      }
      actions={
        <>
          <Badge tone={tone(o)}>
            <span data-testid="status">{label(o.label, o.order_status)}</span>
          </Badge>
          {!o.terminal && (
            <ActionButton kind="primary" small onClick={() => api.post(`delivery/orders/${id}/advance`)}>
              {t('advance')}
            </ActionButton>
          )}
          {reasons.length > 0 && (
            <>
              <select
                aria-label={t('reason')}
                value={reason}
                onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}
              >
                {reasons.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <ActionButton kind="danger" small onClick={() => api.post(`delivery/orders/${id}/fail`, { reason })}>
                {t('fail')}
              </ActionButton>
            </>
          )}
        </>
      }
    >
      <div class="split delivery">
        <div>
          <RoutePlot order={o} t={t} />
          <p class="muted">
            {o.delivery_name} · {t('fee', { fee: o.fee, km: (o.distance / 1000).toFixed(2) })}
          </p>
          <p>{o.rider ? t('rider', { name: o.rider.name, phone: o.rider.phone }) : t('noRider')}</p>
          {o.reach_time !== null && <p data-testid="eta">{t('eta', { s: o.reach_time })}</p>}
          <p class="muted">
            {t('sender')}: {o.sender.name} {o.sender.address_detail} · {t('receiver')}: {o.receiver.name}{' '}
            {o.receiver.address_detail}
          </p>
          {next && <p class="muted">{t('next', { s: next.order_status, t: formatSeconds(next.at, false) })}</p>}
        </div>
        <div>
          <h3>{t('timeline')}</h3>
          <ol class="status-timeline" data-testid="timeline">
            {o.timeline.map((e, i) => (
              <li
                key={`${i}-${e.order_status}`}
                class={
                  e.order_status === 302
                    ? 'ok'
                    : e.order_status >= 303 || [103, 203, 204, 205, 501, 502].includes(e.order_status)
                      ? 'bad'
                      : ''
                }
              >
                <span class="timeline-time">{formatSeconds(e.time, false)}</span>{' '}
                <strong>{label(e.label, e.order_status)}</strong>{' '}
                <span class="muted">
                  {t(`by_${e.by}`)}
                  {e.action_msg ? ` · ${e.action_msg}` : ''}
                </span>{' '}
                {e.push && (
                  <Badge tone={e.push.status === 'delivered' ? 'ok' : 'warn'} title={e.push.status}>
                    {e.push.status === 'delivered' ? t('pushed') : e.push.status}
                  </Badge>
                )}
              </li>
            ))}
          </ol>
        </div>
      </div>
    </Card>
  );
}

function Deliveries(props: PageProps) {
  const t = useT(strings);
  const orders = useLive(['delivery', 'clock'], () => api.get<OrderView[]>('delivery/orders', { appid: props.appid }), [
    props.appid,
  ]);
  const move = async (seconds: number) => {
    await api.post('clock/advance', { seconds });
    await api.post('delivery/sync');
  };
  const list = orders.data ? [...orders.data].reverse() : undefined;
  return (
    <div class="page">
      <Card
        title={t('orders')}
        testid="orders"
        actions={
          <>
            <ActionButton small onClick={() => move(60)}>
              {t('plusMinute')}
            </ActionButton>
            <ActionButton small onClick={() => move(300)}>
              {t('plus5')}
            </ActionButton>
          </>
        }
      >
        <ErrorNote error={orders.error} />
        {list?.length === 0 && <Empty>{t('none')}</Empty>}
      </Card>
      {list?.map((o) => (
        <OrderCard key={o.waybill_id} order={o} />
      ))}
    </div>
  );
}

export default definePage({
  id: 'deliveries',
  title: { en: 'Deliveries', zh: '即时配送' },
  icon: '➤',
  component: Deliveries,
});

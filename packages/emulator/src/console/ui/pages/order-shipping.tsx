/**
 * Shipping management: the trade-managed orders with their state and timeline, and the buyer's
 * and platform's actions (confirm receipt, settle, refund) as buttons.
 */
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Stat, type Tone } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    orders: 'Orders',
    none: 'No orders yet: record a payment (POST /__emulator/payments); it enters the shipping system after the ingest delay.',
    managed: 'Trade managed',
    yes: 'yes',
    no: 'no',
    total: 'Orders',
    pending: 'To ship',
    shipped: 'Shipped',
    done: 'Settled',
    amount: '{yuan} yuan',
    confirm: 'Confirm receipt',
    settle: 'Settle',
    refund: 'Refund',
    autoConfirm: 'auto-confirms {t}',
    settles: 'settles {t}',
    timeline: 'Timeline',
    s1: '1 to ship',
    s2: '2 shipped',
    s3: '3 received',
    s4: '4 settled',
    s5: '5 refunded',
    s6: '6 awaiting settlement',
  },
  zh: {
    orders: '订单',
    none: '还没有订单：记录一笔支付（POST /__emulator/payments），经过入库延迟后进入发货管理。',
    managed: '已开通发货管理',
    yes: '是',
    no: '否',
    total: '订单数',
    pending: '待发货',
    shipped: '已发货',
    done: '已结算',
    amount: '{yuan} 元',
    confirm: '确认收货',
    settle: '结算',
    refund: '退款',
    autoConfirm: '{t} 自动确认收货',
    settles: '{t} 结算',
    timeline: '时间线',
    s1: '1 待发货',
    s2: '2 已发货',
    s3: '3 确认收货',
    s4: '4 交易完成',
    s5: '5 已退款',
    s6: '6 资金待结算',
  },
});

interface OrderView {
  order: {
    transaction_id: string;
    merchant_id: string;
    merchant_trade_no: string;
    openid: string;
    paid_amount: number;
    pay_time: number;
    order_state: number;
    description?: string;
    shipping: { shipping_list?: Array<{ express_company?: string; tracking_no?: string; goods_desc?: string }> };
  };
  timeline: Array<{ at: number; event: string; detail?: string }>;
  auto_confirm_at?: number;
  settle_at?: number;
}

const STATE_TONES: Record<number, Tone> = { 1: 'warn', 2: 'info', 3: 'info', 4: 'ok', 5: 'muted' };

function OrderCard(props: { view: OrderView; appid: string }) {
  const t = useT(strings);
  const { order, timeline } = props.view;
  const id = encodeURIComponent(order.transaction_id);
  const act = (what: string) => api.post(`order-shipping/orders/${id}/${what}`, { appid: props.appid });
  const state = order.order_state;
  const label = (['s1', 's2', 's3', 's4', 's5', 's6'] as const)[state - 1];
  return (
    <Card
      testid={`order-${order.transaction_id}`}
      title={
        <span>
          <code>{order.merchant_trade_no}</code>{' '}
          <Badge tone={STATE_TONES[state] ?? 'muted'}>{label ? t(label) : String(state)}</Badge>
        </span>
      }
      actions={
        <>
          <ActionButton small kind="primary" disabled={state !== 2} onClick={() => act('confirm-receipt')}>
            {t('confirm')}
          </ActionButton>
          <ActionButton small disabled={state !== 2 && state !== 3} onClick={() => act('settle')}>
            {t('settle')}
          </ActionButton>
          <ActionButton small kind="danger" disabled={state >= 4} onClick={() => act('refund')}>
            {t('refund')}
          </ActionButton>
        </>
      }
    >
      <dl class="kv">
        <dt>transaction_id</dt>
        <dd>
          <code>{order.transaction_id}</code>
        </dd>
        <dt>openid</dt>
        <dd>
          <code>{order.openid}</code>
        </dd>
        <dt>paid_amount</dt>
        <dd>{t('amount', { yuan: (order.paid_amount / 100).toFixed(2) })}</dd>
        {order.description ? (
          <>
            <dt>description</dt>
            <dd>{order.description}</dd>
          </>
        ) : null}
        {props.view.auto_confirm_at !== undefined && (
          <>
            <dt />
            <dd class="muted">{t('autoConfirm', { t: formatSeconds(props.view.auto_confirm_at) })}</dd>
          </>
        )}
        {props.view.settle_at !== undefined && (
          <>
            <dt />
            <dd class="muted">{t('settles', { t: formatSeconds(props.view.settle_at) })}</dd>
          </>
        )}
      </dl>
      <h3>{t('timeline')}</h3>
      <ol class="timeline" data-testid="timeline">
        {timeline.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <span class="muted">{formatSeconds(e.at)}</span> <span>{e.event}</span>
            {e.detail ? <span class="muted"> — {e.detail}</span> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function OrderShipping(props: PageProps) {
  const t = useT(strings);
  const orders = useLive(
    ['order-shipping', 'request', 'clock', 'payments'],
    () => api.get<OrderView[]>('order-shipping/orders', { appid: props.appid }),
    [props.appid],
  );
  const app = useLive(
    ['order-shipping'],
    () => api.get<{ trade_managed: boolean }>('order-shipping/app', { appid: props.appid }),
    [props.appid],
  );
  const list = [...(orders.data ?? [])].reverse();
  const n = (s: number) => list.filter((o) => o.order.order_state === s).length;
  return (
    <div class="page">
      <div class="stats">
        <Stat label={t('managed')} value={app.data ? (app.data.trade_managed ? t('yes') : t('no')) : '—'} />
        <Stat label={t('total')} value={list.length} />
        <Stat label={t('pending')} value={n(1)} tone={n(1) ? 'warn' : undefined} />
        <Stat label={t('shipped')} value={n(2) + n(3)} />
        <Stat label={t('done')} value={n(4)} tone="ok" />
      </div>
      <ErrorNote error={orders.error} />
      {list.length === 0 ? (
        <Card title={t('orders')} testid="orders">
          <Empty>{t('none')}</Empty>
        </Card>
      ) : (
        <div class="grid-2" data-testid="orders">
          {list.map((v) => (
            <OrderCard key={v.order.transaction_id} view={v} appid={props.appid} />
          ))}
        </div>
      )}
    </div>
  );
}

export default definePage({
  id: 'order-shipping',
  title: { en: 'Order shipping', zh: '发货信息管理' },
  icon: '⇪',
  component: OrderShipping,
});

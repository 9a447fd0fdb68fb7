/**
 * 同城配送: the app's stores, balances per carrier, and orders with their status timeline and the
 * callbacks the emulator POSTed (every attempt). Moves the virtual clock to let riders progress.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatSeconds, formatTime } from '../lib/format.js';
import { type Lang, defineStrings, useLang, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, JsonView, type Tone, Table } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    stores: 'Stores',
    noStores: 'No stores yet (intracity.createStore).',
    balances: 'Balances',
    noBalances: 'No balance charged yet (intracity.storeCharge).',
    orders: 'Orders',
    noOrders: 'No orders yet (intracity.addOrder).',
    store: 'Store',
    name: 'Name',
    city: 'City',
    pattern: 'Pattern',
    carrier: 'Carrier',
    balance: 'Balance',
    order: 'Order',
    fee: 'Fee',
    status: 'Status',
    callbacks: 'Callbacks',
    timeline: 'Timeline',
    attempts: '{n} attempt(s)',
    noCallback: 'no callback_url',
    sandbox: 'sandbox',
    advance: 'Advance 1 min',
    advance10: 'Advance 10 min',
    auto: 'Automatic mode',
    on: 'on',
    off: 'off',
    toggle: 'Turn {state}',
    appBalance: 'app',
    byPrice: 'price first',
    byCarrier: 'carrier first',
  },
  zh: {
    stores: '门店',
    noStores: '暂无门店（intracity.createStore）。',
    balances: '余额',
    noBalances: '尚未充值（intracity.storeCharge）。',
    orders: '订单',
    noOrders: '暂无订单（intracity.addOrder）。',
    store: '门店',
    name: '名称',
    city: '城市',
    pattern: '派单模式',
    carrier: '运力',
    balance: '余额',
    order: '订单',
    fee: '运费',
    status: '状态',
    callbacks: '回调',
    timeline: '状态流转',
    attempts: '{n} 次尝试',
    noCallback: '未设置 callback_url',
    sandbox: '沙箱',
    advance: '时间前进 1 分钟',
    advance10: '时间前进 10 分钟',
    auto: '自动流转',
    on: '开',
    off: '关',
    toggle: '切换为{state}',
    appBalance: '小程序',
    byPrice: '价格优先',
    byCarrier: '运力优先',
  },
});

const STATUS: Record<number, Record<Lang, string> & { tone: Tone }> = {
  10000: { en: 'created', zh: '订单创建成功', tone: 'info' },
  20000: { en: 'cancelled by store', zh: '商家取消订单', tone: 'muted' },
  20001: { en: 'cancelled by carrier', zh: '配送方取消订单', tone: 'warn' },
  30000: { en: 'rider accepted', zh: '配送员接单', tone: 'info' },
  40000: { en: 'rider at store', zh: '配送员到店', tone: 'info' },
  50000: { en: 'delivering', zh: '配送中', tone: 'info' },
  60000: { en: 'rider withdrew', zh: '配送员撤单', tone: 'warn' },
  70000: { en: 'delivered', zh: '配送完成', tone: 'ok' },
  90000: { en: 'exception', zh: '配送异常', tone: 'err' },
};

interface Store {
  wx_store_id: string;
  out_store_id: string;
  store_name: string;
  city_id: number;
  order_pattern: number;
  service_trans_prefer?: string;
  address_info: { city: string; area: string; house: string };
}
interface Order {
  wx_order_id: string;
  wx_store_id: string;
  store_order_id: string;
  order_status: number;
  sandbox: boolean;
  service_trans_id: string;
  fee: number;
  deductfee: number;
  distance: number;
  callback_url?: string;
  create_time: number;
  history: { order_status: number; at: number }[];
}
interface Callback {
  id: string;
  wx_order_id: string;
  order_status: number;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: { n: number; at: number; status?: number; response?: string; error?: string; ok: boolean }[];
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

function StatusBadge(props: { status: number; lang: Lang }) {
  const s = STATUS[props.status];
  return <Badge tone={s?.tone ?? 'muted'}>{`${props.status} ${s ? s[props.lang] : ''}`.trim()}</Badge>;
}

function OrderRow(props: { o: Order; callbacks: Callback[]; lang: Lang }) {
  const t = useT(strings);
  const [open, setOpen] = useState(false);
  const { o, lang } = props;
  return (
    <>
      <tr
        class={`clickable${open ? ' selected' : ''}`}
        onClick={() => setOpen(!open)}
        data-testid="order-row"
        data-order={o.wx_order_id}
      >
        <td>
          <code>{o.wx_order_id}</code>
          <div class="muted">{o.store_order_id}</div>
        </td>
        <td>
          {o.service_trans_id} {o.sandbox && <Badge tone="warn">{t('sandbox')}</Badge>}
        </td>
        <td class="num">{yuan(o.fee)}</td>
        <td data-testid="order-status">
          <StatusBadge status={o.order_status} lang={lang} />
        </td>
        <td data-testid="order-callbacks">
          {o.callback_url ? (
            props.callbacks.map((c) => (
              <Badge
                key={c.id}
                tone={c.status === 'delivered' ? 'ok' : c.status === 'failed' ? 'err' : 'muted'}
                title={c.status}
              >
                {`${c.order_status} ${c.status === 'delivered' ? '✓' : c.status === 'failed' ? '✗' : '…'}`}
              </Badge>
            ))
          ) : (
            <span class="muted">{t('noCallback')}</span>
          )}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5}>
            <div class="grid-2" data-testid="order-detail">
              <div>
                <h3 class="field-label">{t('timeline')}</h3>
                <ol class="timeline">
                  {o.history.map((h) => (
                    <li key={`${h.order_status}-${h.at}`}>
                      <span class="muted">{formatSeconds(h.at)}</span>{' '}
                      <StatusBadge status={h.order_status} lang={lang} />
                    </li>
                  ))}
                </ol>
              </div>
              <div>
                <h3 class="field-label">{t('callbacks')}</h3>
                {props.callbacks.map((c) => (
                  <div key={c.id} class="callback" data-testid="callback">
                    <p>
                      <StatusBadge status={c.order_status} lang={lang} /> <Badge>{c.status}</Badge>{' '}
                      <span class="muted">{t('attempts', { n: c.attempts.length })}</span>
                    </p>
                    <ul>
                      {c.attempts.map((a) => (
                        <li key={a.n}>
                          <span class="muted">{formatTime(a.at)}</span> {a.status ? `HTTP ${a.status}` : a.error}{' '}
                          {a.response && <code>{a.response.slice(0, 120)}</code>}
                        </li>
                      ))}
                    </ul>
                    <JsonView value={JSON.parse(c.body.replace(/("wx_order_id":)(\d+)/, '$1"$2"'))} />
                  </div>
                ))}
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function Intracity(props: PageProps) {
  const t = useT(strings);
  const lang = useLang();
  const topics = ['intracity', 'request', 'clock'];
  const q = { appid: props.appid };
  const stores = useLive(topics, () => api.get<Store[]>('intracity/stores', q), [props.appid]);
  const balances = useLive(
    topics,
    () => api.get<{ wx_store_id: string; service_trans_id: string; balance: number }[]>('intracity/balances', q),
    [props.appid],
  );
  const orders = useLive(topics, () => api.get<Order[]>('intracity/orders', q), [props.appid]);
  const callbacks = useLive(topics, () => api.get<Callback[]>('intracity/callbacks'), []);
  const settings = useLive(['intracity'], () => api.get<{ auto: boolean }>('intracity/settings'), []);
  const advance = async (seconds: number) => {
    await api.post('clock/advance', { seconds });
    await api.post('intracity/tick');
  };
  return (
    <div class="page">
      <div class="grid-2">
        <Card title={t('stores')} testid="stores">
          <ErrorNote error={stores.error} />
          {stores.data?.length === 0 && <Empty>{t('noStores')}</Empty>}
          {!!stores.data?.length && (
            <Table
              head={
                <>
                  <th>{t('store')}</th>
                  <th>{t('name')}</th>
                  <th>{t('city')}</th>
                  <th>{t('pattern')}</th>
                </>
              }
            >
              {stores.data.map((s) => (
                <tr key={s.wx_store_id} data-testid="store-row">
                  <td>
                    <code>{s.wx_store_id}</code>
                    <div class="muted">{s.out_store_id}</div>
                  </td>
                  <td>{s.store_name}</td>
                  <td>
                    {s.address_info.city} <span class="muted">{s.city_id}</span>
                  </td>
                  <td>{s.order_pattern === 2 ? `${t('byCarrier')} (${s.service_trans_prefer})` : t('byPrice')}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title={t('balances')} testid="balances">
          <ErrorNote error={balances.error} />
          {balances.data?.length === 0 && <Empty>{t('noBalances')}</Empty>}
          {balances.data?.map((b) => (
            <div key={`${b.wx_store_id}-${b.service_trans_id}`} class="row" data-testid="balance-row">
              <code>{b.wx_store_id || t('appBalance')}</code> <Badge>{b.service_trans_id}</Badge>{' '}
              <strong>{yuan(b.balance)}</strong>
            </div>
          ))}
        </Card>
      </div>
      <Card
        title={t('orders')}
        testid="orders"
        actions={
          <>
            <span class="muted">
              {t('auto')}: {settings.data?.auto ? t('on') : t('off')}
            </span>
            <ActionButton onClick={() => api.put('intracity/settings', { auto: !settings.data?.auto })}>
              {t('toggle', { state: settings.data?.auto ? t('off') : t('on') })}
            </ActionButton>
            <ActionButton onClick={() => advance(60)}>{t('advance')}</ActionButton>
            <ActionButton onClick={() => advance(600)}>{t('advance10')}</ActionButton>
          </>
        }
      >
        <ErrorNote error={orders.error} />
        {orders.data?.length === 0 && <Empty>{t('noOrders')}</Empty>}
        {!!orders.data?.length && (
          <Table
            head={
              <>
                <th>{t('order')}</th>
                <th>{t('carrier')}</th>
                <th>{t('fee')}</th>
                <th>{t('status')}</th>
                <th>{t('callbacks')}</th>
              </>
            }
          >
            {[...orders.data].reverse().map((o) => (
              <OrderRow
                key={o.wx_order_id}
                o={o}
                lang={lang}
                callbacks={(callbacks.data ?? []).filter((c) => c.wx_order_id === o.wx_order_id)}
              />
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}

export default definePage({
  id: 'intracity',
  title: { en: 'Intracity', zh: '同城配送' },
  icon: '⇢',
  component: Intracity,
});

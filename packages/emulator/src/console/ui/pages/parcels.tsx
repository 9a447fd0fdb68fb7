/**
 * Parcels (物流): the logistics orders and traced waybills of the app, the waybill as getOrder
 * prints it, the path as a timeline, and buttons to add the next node or run the journey by itself.
 */
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage, navigate } from '../lib/page.js';
import { ActionButton, Badge, Card, Copyable, Empty, ErrorNote, type Tone, Table } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    parcels: 'Parcels',
    none: 'No parcels yet: ship one with logistics.addOrder, or trace a waybill with logisticsService.traceWaybill.',
    waybill: 'Waybill',
    carrier: 'Carrier',
    order: 'Order',
    status: 'Status',
    nodes: 'Nodes',
    pick: 'Pick a parcel on the left.',
    printed: 'Waybill as printed',
    foreign: 'A waybill of another carrier handed to the logistics service: the emulator did not print it.',
    cancelled: 'cancelled',
    path: 'Path',
    noPath: 'No node yet: the carrier has not picked the parcel up.',
    next: 'Add the next node',
    nextIs: 'Next: {msg}',
    planDone: 'The journey is complete.',
    auto: 'Run by itself',
    stopAuto: 'Stop',
    autoOn: 'moves on the virtual clock',
    version: 'Version {v}',
    s0: 'not picked up',
    s1: 'picked up',
    s2: 'in transit',
    s3: 'out for delivery',
    s4: 'signed',
    s5: 'exception',
    s6: 'signed by proxy',
  },
  zh: {
    parcels: '包裹',
    none: '暂无包裹：用 logistics.addOrder 下单，或用 logisticsService.traceWaybill 传入运单。',
    waybill: '运单号',
    carrier: '快递公司',
    order: '订单号',
    status: '状态',
    nodes: '轨迹',
    pick: '在左侧选择一个包裹。',
    printed: '打印的面单',
    foreign: '其他快递公司的运单（物流服务传入），模拟器没有打印面单。',
    cancelled: '已取消',
    path: '物流轨迹',
    noPath: '还没有轨迹：快递员尚未揽件。',
    next: '添加下一个节点',
    nextIs: '下一个：{msg}',
    planDone: '行程已完成。',
    auto: '自动运行',
    stopAuto: '停止',
    autoOn: '按虚拟时钟自动推进',
    version: '版本 {v}',
    s0: '未揽收',
    s1: '已揽件',
    s2: '运输中',
    s3: '派件中',
    s4: '已签收',
    s5: '异常',
    s6: '代签收',
  },
});

interface PathNode {
  action_time: number;
  action_type: number;
  action_msg: string;
}
interface ParcelView {
  waybill_id: string;
  delivery_id: string;
  delivery_name: string;
  kind: 'order' | 'foreign';
  status: number;
  version: number;
  auto: boolean;
  path: PathNode[];
  plan: PathNode[];
  order?: { order_id: string; order_status: number; receiver: { name: string; city: string } };
}

const TONES: Record<number, Tone> = { 0: 'muted', 1: 'info', 2: 'info', 3: 'warn', 4: 'ok', 5: 'err', 6: 'ok' };
type StatusKey = 's0' | 's1' | 's2' | 's3' | 's4' | 's5' | 's6';

function StatusBadge(props: { p: ParcelView }) {
  const t = useT(strings);
  if (props.p.order?.order_status === 1) return <Badge tone="err">{t('cancelled')}</Badge>;
  const key = `s${props.p.status}` as StatusKey;
  return <Badge tone={TONES[props.p.status] ?? 'muted'}>{key in strings.en ? t(key) : String(props.p.status)}</Badge>;
}

function Detail(props: { appid: string; waybill: string }) {
  const t = useT(strings);
  const q = { appid: props.appid };
  const path = `logistics/parcels/${encodeURIComponent(props.waybill)}`;
  const parcel = useLive(['logistics'], () => api.get<ParcelView>(path, q), [props.appid, props.waybill]);
  const p = parcel.data;
  const printed = useLive(
    ['logistics'],
    async () => (p?.kind === 'order' ? (await api.get<{ html: string }>(`${path}/waybill`, q)).html : ''),
    [props.appid, props.waybill, p?.kind, p?.order?.order_status],
  );
  if (!p) return <ErrorNote error={parcel.error} />;
  const next = p.plan[0];
  const open = p.order?.order_status !== 1;
  return (
    <>
      <Card
        title={
          <>
            {t('path')} · <span class="mono">{p.waybill_id}</span>
          </>
        }
        testid="parcel-path"
        actions={
          <>
            <Badge tone="muted">{t('version', { v: p.version })}</Badge>
            <StatusBadge p={p} />
          </>
        }
      >
        {p.path.length === 0 ? (
          <Empty>{t('noPath')}</Empty>
        ) : (
          <ol class="timeline" data-testid="timeline">
            {[...p.path].reverse().map((n, i) => (
              <li key={`${n.action_time}-${i}`} class={i === 0 ? 'latest' : ''}>
                <div class="timeline-msg">{n.action_msg}</div>
                <div class="timeline-meta">
                  {formatSeconds(n.action_time)} · <span class="mono">{n.action_type}</span>
                </div>
              </li>
            ))}
          </ol>
        )}
        <div class="row">
          <ActionButton
            kind="primary"
            disabled={!next || !open}
            testid="next-node"
            title={next ? t('nextIs', { msg: next.action_msg }) : t('planDone')}
            onClick={() => api.post(`${path}/next`, {}, q)}
          >
            {t('next')}
          </ActionButton>
          <ActionButton
            disabled={!open || (!next && !p.auto)}
            onClick={() => api.post(`${path}/auto`, { auto: !p.auto }, q)}
          >
            {p.auto ? t('stopAuto') : t('auto')}
          </ActionButton>
          {p.auto && <Badge tone="info">{t('autoOn')}</Badge>}
        </div>
        {next && open && <p class="hint">{t('nextIs', { msg: next.action_msg })}</p>}
      </Card>
      <Card title={t('printed')} testid="waybill">
        {p.kind === 'foreign' ? (
          <Empty>{t('foreign')}</Empty>
        ) : (
          <>
            <ErrorNote error={printed.error} />
            {printed.data && (
              <iframe
                class="waybill-frame"
                title={p.waybill_id}
                sandbox=""
                srcdoc={printed.data}
                data-testid="waybill-frame"
              />
            )}
          </>
        )}
      </Card>
    </>
  );
}

function Parcels(props: PageProps) {
  const t = useT(strings);
  const list = useLive(
    ['logistics', 'request'],
    () => api.get<ParcelView[]>('logistics/parcels', { appid: props.appid }),
    [props.appid],
  );
  const selected = props.params.get('waybill') ?? list.data?.at(-1)?.waybill_id;
  return (
    <div class="page split">
      <Card title={t('parcels')} testid="parcels">
        <ErrorNote error={list.error} />
        {list.data?.length === 0 && <Empty>{t('none')}</Empty>}
        {!!list.data?.length && (
          <Table
            head={
              <>
                <th>{t('waybill')}</th>
                <th>{t('status')}</th>
                <th class="num">{t('nodes')}</th>
              </>
            }
          >
            {[...list.data].reverse().map((p) => (
              <tr
                key={p.waybill_id}
                class={`clickable${p.waybill_id === selected ? ' selected' : ''}`}
                onClick={() => navigate('parcels', { waybill: p.waybill_id })}
                data-testid={`parcel-${p.waybill_id}`}
              >
                <td>
                  <div class="mono">{p.waybill_id}</div>
                  <div class="muted small">
                    {p.delivery_name}
                    {p.order ? ` · ${p.order.order_id}` : ''}
                  </div>
                </td>
                <td>
                  <StatusBadge p={p} />
                </td>
                <td class="num">{p.path.length}</td>
              </tr>
            ))}
          </Table>
        )}
        {selected && (
          <div class="row">
            <Copyable value={selected} />
          </div>
        )}
      </Card>
      <div class="stack">
        {selected ? <Detail appid={props.appid} waybill={selected} /> : <Empty>{t('pick')}</Empty>}
      </div>
    </div>
  );
}

export default definePage({ id: 'parcels', title: { en: 'Parcels', zh: '物流' }, icon: '▦', component: Parcels });

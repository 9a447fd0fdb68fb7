/** Requests: the live request log (secrets already redacted by the emulator) with filters, and fault injection. */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { common, defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage, navigate } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Field, JsonView, TextInput, errTone } from '../lib/ui.js';
import { SecuredCall, SecurityBadge, type SecurityNote } from './requests-security.js';

const strings = defineStrings({
  en: {
    log: 'Request log',
    none: 'No requests match.',
    api: 'API',
    errcode: 'errcode',
    app: 'App',
    anyApp: 'all apps',
    anyApi: 'all APIs',
    anyErrcode: 'any errcode',
    clear: 'Clear log',
    showing: '{n} request(s), newest first',
    binary: 'binary',
    dropped: 'connection dropped',
    fault: 'fault {id}',
    query: 'Query',
    body: 'Body',
    files: 'Files',
    faults: 'Fault injection',
    noFaults: 'No faults: every request is answered normally.',
    path: 'Path (glob)',
    kind: 'Kind',
    value: 'errcode / HTTP status / ms',
    count: 'Times (empty = always)',
    rate: 'Probability 0–1',
    add: 'Add fault',
    remove: 'Remove',
    clearFaults: 'Remove all',
    fired: 'fired {n}×',
    left: '{n} left',
    always: 'until removed',
  },
  zh: {
    log: '请求日志',
    none: '没有符合条件的请求。',
    api: '接口',
    errcode: 'errcode',
    app: '小程序',
    anyApp: '全部小程序',
    anyApi: '全部接口',
    anyErrcode: '任意 errcode',
    clear: '清空日志',
    showing: '共 {n} 条，最新的在前',
    binary: '二进制',
    dropped: '连接被断开',
    fault: '故障 {id}',
    query: '查询参数',
    body: '请求体',
    files: '文件',
    faults: '故障注入',
    noFaults: '没有故障：所有请求都正常应答。',
    path: '路径（通配）',
    kind: '类型',
    value: 'errcode / HTTP 状态码 / 毫秒',
    count: '次数（留空 = 一直生效）',
    rate: '概率 0–1',
    add: '添加故障',
    remove: '删除',
    clearFaults: '全部删除',
    fired: '已触发 {n} 次',
    left: '剩余 {n} 次',
    always: '直到删除',
  },
});

interface Logged {
  seq: number;
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  files?: { field: string; filename?: string; size: number }[];
  status: number;
  errcode?: number;
  appid?: string;
  fault?: string;
  security?: SecurityNote;
}
interface Fault {
  id: string;
  path: string;
  method?: string;
  kind: 'reset' | 'http' | 'errcode' | 'latency';
  status?: number;
  errcode?: number;
  ms?: number;
  rate?: number;
  count?: number;
  fired: number;
}
interface Stats {
  byPath: Record<string, unknown>;
  byErrcode: Record<string, number>;
}

const LIMIT = 200;

function Filters(props: PageProps & { stats?: Stats }) {
  const t = useT(strings);
  const p = props.params;
  const set = (key: string, value: string) => {
    const next = Object.fromEntries(p);
    if (value) next[key] = value;
    else delete next[key];
    navigate('requests', next);
  };
  const paths = Object.keys(props.stats?.byPath ?? {}).sort();
  const codes = Object.keys(props.stats?.byErrcode ?? {}).sort((a, b) => Number(a) - Number(b));
  const path = p.get('path') ?? '';
  const errcode = p.get('errcode') ?? '';
  return (
    <div class="form" data-testid="filters">
      <Field label={t('api')}>
        <select
          value={path}
          onChange={(e) => set('path', (e.target as HTMLSelectElement).value)}
          data-testid="filter-api"
        >
          <option value="">{t('anyApi')}</option>
          {[...new Set([...paths, ...(path ? [path] : [])])].map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('errcode')}>
        <select
          value={errcode}
          onChange={(e) => set('errcode', (e.target as HTMLSelectElement).value)}
          data-testid="filter-errcode"
        >
          <option value="">{t('anyErrcode')}</option>
          {[...new Set([...codes, ...(errcode ? [errcode] : [])])].map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('app')}>
        <select
          value={p.get('appid') ?? ''}
          onChange={(e) => set('appid', (e.target as HTMLSelectElement).value)}
          data-testid="filter-app"
        >
          <option value="">{t('anyApp')}</option>
          {props.apps.map((a) => (
            <option key={a.appid} value={a.appid}>
              {a.name} · {a.appid}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

function Row(props: { r: Logged }) {
  const t = useT(strings);
  const [open, setOpen] = useState(false);
  const { r } = props;
  const answer =
    r.status === 0 ? (
      <Badge tone="err">{t('dropped')}</Badge>
    ) : r.errcode !== undefined ? (
      <Badge tone={errTone(r.errcode, r.status)}>{r.errcode}</Badge>
    ) : (
      <Badge>{r.status === 200 ? t('binary') : `HTTP ${r.status}`}</Badge>
    );
  return (
    <>
      <tr class={`clickable${open ? ' selected' : ''}`} onClick={() => setOpen(!open)} data-testid="request-row">
        <td class="muted">{formatTime(r.time)}</td>
        <td>
          <Badge>{r.method}</Badge>
        </td>
        <td>
          <code>{r.path}</code>
        </td>
        <td>
          <code class="muted">{r.appid ?? '—'}</code>
        </td>
        <td class="num">{r.status || '—'}</td>
        <td data-testid="request-errcode">
          {answer} {r.fault && <Badge tone="warn">{t('fault', { id: r.fault })}</Badge>}
          {r.security && <SecurityBadge note={r.security} />}
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <div class="grid-2">
              <div>
                <h3 class="field-label">{t('query')}</h3>
                <JsonView value={r.query} />
              </div>
              {(r.body !== undefined || r.files) && (
                <div>
                  <h3 class="field-label">{t('body')}</h3>
                  {r.body !== undefined && <JsonView value={r.body} />}
                  {r.files && <JsonView value={r.files} />}
                </div>
              )}
            </div>
            {r.security && <SecuredCall note={r.security} />}
          </td>
        </tr>
      )}
    </>
  );
}

function Faults() {
  const t = useT(strings);
  const faults = useLive(['faults', 'request'], () => api.get<Fault[]>('faults'));
  const [path, setPath] = useState('/wxa/*');
  const [kind, setKind] = useState<Fault['kind']>('errcode');
  const [value, setValue] = useState('-1');
  const [count, setCount] = useState('1');
  const [rate, setRate] = useState('');
  const add = () => {
    const n = value === '' ? undefined : Number(value);
    const spec: Record<string, unknown> = { path, kind };
    if (kind === 'errcode') spec.errcode = n;
    if (kind === 'http') spec.status = n;
    if (kind === 'latency') spec.ms = n;
    if (count) spec.count = Number(count);
    if (rate) spec.rate = Number(rate);
    return api.post('faults', spec);
  };
  return (
    <Card
      title={t('faults')}
      testid="faults"
      actions={
        (faults.data ?? []).length > 0 && (
          <ActionButton small kind="danger" onClick={() => api.del('faults')}>
            {t('clearFaults')}
          </ActionButton>
        )
      }
    >
      <ErrorNote error={faults.error} />
      {(faults.data ?? []).length === 0 ? (
        <Empty>{t('noFaults')}</Empty>
      ) : (
        <table class="table">
          <tbody>
            {faults.data?.map((f) => (
              <tr key={f.id} data-testid="fault-row">
                <td>
                  <code>{f.path}</code> {f.method && <Badge>{f.method}</Badge>}
                </td>
                <td>
                  <Badge tone="warn">
                    {f.kind}
                    {f.kind === 'errcode'
                      ? ` ${f.errcode ?? -1}`
                      : f.kind === 'http'
                        ? ` ${f.status ?? 502}`
                        : f.kind === 'latency'
                          ? ` ${f.ms} ms`
                          : ''}
                  </Badge>
                  {f.rate !== undefined && f.rate !== 1 && <span class="muted"> p={f.rate}</span>}
                </td>
                <td class="muted">
                  {t('fired', { n: f.fired })} ·{' '}
                  {f.count !== undefined ? t('left', { n: f.count - f.fired }) : t('always')}
                </td>
                <td class="num">
                  <ActionButton small kind="danger" onClick={() => api.del(`faults/${f.id}`)}>
                    {t('remove')}
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="form" style={{ marginTop: '12px' }} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('path')}>
          <TextInput value={path} onValue={setPath} data-testid="fault-path" />
        </Field>
        <Field label={t('kind')}>
          <select
            value={kind}
            data-testid="fault-kind"
            onChange={(e) => {
              const k = (e.target as HTMLSelectElement).value as Fault['kind'];
              setKind(k);
              setValue({ errcode: '-1', http: '502', latency: '1000', reset: '' }[k]);
            }}
          >
            {['errcode', 'http', 'reset', 'latency'].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        {kind !== 'reset' && (
          <Field label={t('value')}>
            <TextInput value={value} onValue={setValue} data-testid="fault-value" size={8} />
          </Field>
        )}
        <Field label={t('count')}>
          <TextInput value={count} onValue={setCount} size={6} />
        </Field>
        <Field label={t('rate')}>
          <TextInput value={rate} onValue={setRate} size={6} placeholder="1" />
        </Field>
        <ActionButton kind="primary" onClick={add} testid="add-fault">
          {t('add')}
        </ActionButton>
      </form>
    </Card>
  );
}

function Requests(props: PageProps) {
  const t = useT(strings);
  const c = useT(common);
  const p = props.params;
  const filter = {
    path: p.get('path') ?? undefined,
    errcode: p.get('errcode') ?? undefined,
    appid: p.get('appid') ?? undefined,
  };
  const log = useLive(['request', 'requests'], () => api.get<Logged[]>('requests', { ...filter, limit: LIMIT }), [
    p.toString(),
  ]);
  const stats = useLive(['request', 'requests'], () => api.get<Stats>('requests/stats'));
  const list = [...(log.data ?? [])].reverse();
  return (
    <div class="page">
      <Card
        title={t('log')}
        testid="request-log"
        actions={
          <ActionButton small kind="danger" onClick={() => api.del('requests')}>
            {t('clear')}
          </ActionButton>
        }
      >
        <Filters {...props} stats={stats.data} />
        <ErrorNote error={log.error} />
        <p class="muted" data-testid="request-count">
          {log.data ? t('showing', { n: list.length }) : c('loading')}
        </p>
        {list.length === 0 ? (
          <Empty>{t('none')}</Empty>
        ) : (
          <div class="table-wrap scroll">
            <table class="table">
              <thead>
                <tr>
                  <th>{c('time')}</th>
                  <th />
                  <th>{t('api')}</th>
                  <th>{t('app')}</th>
                  <th class="num">HTTP</th>
                  <th>{t('errcode')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <Row key={r.seq} r={r} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Faults />
    </div>
  );
}

export default definePage({
  id: 'requests',
  title: { en: 'Requests', zh: '请求日志' },
  icon: '≡',
  component: Requests,
});

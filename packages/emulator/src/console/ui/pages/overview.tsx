/** Overview: the apps and their config, calls per API, errors by errcode, and the virtual clock. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatNumber, formatSeconds, formatTime } from '../lib/format.js';
import { defineStrings, useLang, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Field, Stat, toast } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    apps: 'Apps',
    name: 'Name',
    originalId: 'Original id',
    secret: 'AppSecret',
    pages: 'Pages',
    anyPage: 'any page',
    push: 'Push',
    noPush: 'no push URL',
    clock: 'Virtual clock',
    frozen: 'frozen',
    running: 'running',
    plusMinute: '+1 min',
    plusHour: '+1 h',
    plusDay: '+1 day',
    setTo: 'Set to',
    set: 'Set',
    calls: 'Calls per API',
    api: 'API',
    count: 'Calls',
    errors: 'Errors',
    byErrcode: 'Answers by errcode',
    errcode: 'errcode',
    total: 'Requests logged',
    failedCalls: 'Failed',
    noCalls: 'No API calls yet: point your backend at this emulator.',
    showRequests: 'Show these requests',
    apiCount: 'APIs called',
    tokens: 'Access tokens',
    tokenRequests: 'Token requests (token + stable_token): {n}',
    noTokens: 'No access token issued yet.',
    kind: 'Kind',
    issued: 'Issued',
    expires: 'Expires',
    revoked: 'revoked',
    expired: 'expired',
    live: 'live',
    invalidate: 'Invalidate all tokens',
    invalidated: '{n} token(s) invalidated: the next call with them gets 40001',
  },
  zh: {
    apps: '小程序',
    name: '名称',
    originalId: '原始 ID',
    secret: 'AppSecret',
    pages: '页面',
    anyPage: '不限页面',
    push: '消息推送',
    noPush: '未配置推送地址',
    clock: '虚拟时钟',
    frozen: '已冻结',
    running: '运行中',
    plusMinute: '+1 分钟',
    plusHour: '+1 小时',
    plusDay: '+1 天',
    setTo: '设为',
    set: '设置',
    calls: '各接口调用次数',
    api: '接口',
    count: '调用',
    errors: '错误',
    byErrcode: '按 errcode 统计',
    errcode: 'errcode',
    total: '已记录请求',
    failedCalls: '失败',
    noCalls: '还没有接口调用：把后端指向这个模拟器即可。',
    showRequests: '查看这些请求',
    apiCount: '调用过的接口',
    tokens: 'access_token',
    tokenRequests: '获取 token 次数（token + stable_token）：{n}',
    noTokens: '还没有发放 access_token。',
    kind: '类型',
    issued: '发放时间',
    expires: '过期时间',
    revoked: '已失效',
    expired: '已过期',
    live: '有效',
    invalidate: '让所有 token 失效',
    invalidated: '{n} 个 token 已失效：之后用它们调用会得到 40001',
  },
});

interface ClockInfo {
  now: number;
  nowMs: number;
  iso: string;
  frozen: boolean;
}
interface Stats {
  total: number;
  byPath: Record<string, { calls: number; errors: number }>;
  byErrcode: Record<string, number>;
}

/** The virtual clock, ticking in the page while it runs. */
function ClockCard() {
  const t = useT(strings);
  // fetchedAt lets a running clock tick in the page between answers.
  const clock = useLive(['clock'], async () => ({ ...(await api.get<ClockInfo>('clock')), fetchedAt: Date.now() }));
  const [tick, setTick] = useState(0);
  const [at, setAt] = useState('');
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const c = clock.data;
  void tick;
  const nowMs = c ? (c.frozen ? c.nowMs : c.nowMs + (Date.now() - c.fetchedAt)) : undefined;
  const advance = (seconds: number) => api.post('clock/advance', { seconds });
  return (
    <Card title={t('clock')} testid="clock">
      <div class="clock">
        <div class="clock-time" data-testid="clock-time">
          {formatTime(nowMs)}
        </div>
        {c && <Badge tone={c.frozen ? 'info' : 'ok'}>{c.frozen ? t('frozen') : t('running')}</Badge>}
      </div>
      <ErrorNote error={clock.error} />
      <div class="row">
        <ActionButton onClick={() => advance(60)}>{t('plusMinute')}</ActionButton>
        <ActionButton onClick={() => advance(3600)}>{t('plusHour')}</ActionButton>
        <ActionButton onClick={() => advance(86400)}>{t('plusDay')}</ActionButton>
      </div>
      <div class="row">
        <Field label={t('setTo')}>
          <input
            type="datetime-local"
            step={1}
            value={at}
            onInput={(e) => setAt((e.target as HTMLInputElement).value)}
          />
        </Field>
        <ActionButton disabled={!at} onClick={() => api.post('clock/set', { time: new Date(at).getTime() / 1000 })}>
          {t('set')}
        </ActionButton>
      </div>
    </Card>
  );
}
function AppsCard(props: PageProps) {
  const t = useT(strings);
  return (
    <Card title={t('apps')} testid="apps">
      <div class="apps">
        {props.apps.map((a) => (
          <div class="app-tile" key={a.appid}>
            <h3>{a.name}</h3>
            <dl class="kv">
              <dt>appid</dt>
              <dd>
                <code>{a.appid}</code>
              </dd>
              <dt>{t('originalId')}</dt>
              <dd>
                <code>{a.originalId}</code>
              </dd>
              <dt>{t('secret')}</dt>
              <dd>
                <code>{a.secret}</code>
              </dd>
              <dt>{t('pages')}</dt>
              <dd>{a.pages.length ? a.pages.join(', ') : <span class="muted">{t('anyPage')}</span>}</dd>
              <dt>{t('push')}</dt>
              <dd>
                {a.push ? (
                  <span class="stack">
                    <code>{a.push.url}</code>
                    <span>
                      <Badge tone="info">{a.push.mode}</Badge> <Badge tone="info">{a.push.format}</Badge>{' '}
                      <span class="muted">Token {a.push.token}</span>
                    </span>
                  </span>
                ) : (
                  <span class="muted">{t('noPush')}</span>
                )}
              </dd>
            </dl>
          </div>
        ))}
      </div>
    </Card>
  );
}

interface TokenView {
  kind: string;
  issued_at: number;
  expires_at: number;
  revoked_at?: number;
  status: 'live' | 'expired' | 'revoked';
}

/** The picked app's access tokens (never their values), how many were requested, and a way to revoke them. */
function TokensCard(props: PageProps) {
  const t = useT(strings);
  const data = useLive(['request', 'apps', 'clock'], async () => {
    const [tokens, requests] = await Promise.all([
      api.get<TokenView[]>('tokens', { appid: props.appid }),
      api.get<{ count: number }>('token-requests', { appid: props.appid }),
    ]);
    return { tokens, requests: requests.count };
  }, [props.appid]);
  const list = (data.data?.tokens ?? []).slice(0, 8);
  const tone = { live: 'ok', expired: 'muted', revoked: 'err' } as const;
  return (
    <Card
      title={t('tokens')}
      testid="tokens"
      actions={
        <ActionButton
          small
          kind="danger"
          testid="invalidate-tokens"
          onClick={() => api.post<{ invalidated: number }>(`apps/${props.appid}/invalidate-tokens`)}
          onDone={(r) => toast(t('invalidated', { n: r.invalidated }), 'ok')}
        >
          {t('invalidate')}
        </ActionButton>
      }
    >
      <ErrorNote error={data.error} />
      <p class="muted" data-testid="token-requests">
        {t('tokenRequests', { n: data.data?.requests ?? 0 })}
      </p>
      {list.length === 0 ? (
        <Empty>{t('noTokens')}</Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{t('kind')}</th>
              <th>{t('issued')}</th>
              <th>{t('expires')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={`${k.kind}${k.issued_at}${k.expires_at}${k.revoked_at}`} data-testid="token-row">
                <td>
                  <Badge tone="info">{k.kind}</Badge>
                </td>
                <td>{formatSeconds(k.issued_at)}</td>
                <td>{formatSeconds(k.expires_at)}</td>
                <td>
                  <Badge tone={tone[k.status]}>{t(k.status)}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function useStats() {
  return useLive(['request', 'requests'], () => api.get<Stats>('requests/stats'));
}

function Tiles(props: PageProps) {
  const t = useT(strings);
  const lang = useLang();
  const s = useStats().data;
  const failed = Object.values(s?.byPath ?? {}).reduce((n, p) => n + p.errors, 0);
  return (
    <div class="stats">
      <Stat label={t('total')} value={formatNumber(s?.total ?? 0, lang)} />
      <Stat label={t('failedCalls')} value={formatNumber(failed, lang)} tone={failed ? 'err' : 'ok'} />
      <Stat label={t('apiCount')} value={formatNumber(Object.keys(s?.byPath ?? {}).length, lang)} />
      <Stat label={t('apps')} value={formatNumber(props.apps.length, lang)} />
    </div>
  );
}

function StatsCards() {
  const t = useT(strings);
  const stats = useStats();
  const s = stats.data;
  const paths = Object.entries(s?.byPath ?? {}).sort((a, b) => b[1].calls - a[1].calls);
  const codes = Object.entries(s?.byErrcode ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <ErrorNote error={stats.error} />
      <div class="grid-2">
        <Card title={t('calls')} testid="calls-per-api">
          {paths.length === 0 ? (
            <Empty>{t('noCalls')}</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>{t('api')}</th>
                  <th class="num">{t('count')}</th>
                  <th class="num">{t('errors')}</th>
                </tr>
              </thead>
              <tbody>
                {paths.map(([path, p]) => (
                  <tr key={path}>
                    <td>
                      <a href={`#/requests?${new URLSearchParams({ path })}`}>
                        <code>{path}</code>
                      </a>
                    </td>
                    <td class="num">{p.calls}</td>
                    <td class="num">{p.errors ? <Badge tone="err">{p.errors}</Badge> : 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title={t('byErrcode')} testid="errcodes">
          {codes.length === 0 ? (
            <Empty />
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>{t('errcode')}</th>
                  <th class="num">{t('count')}</th>
                </tr>
              </thead>
              <tbody>
                {codes.map(([code, n]) => (
                  <tr key={code}>
                    <td>
                      <a href={`#/requests?${new URLSearchParams({ errcode: code })}`} title={t('showRequests')}>
                        <Badge tone={code === '0' ? 'ok' : 'err'}>{code}</Badge>
                      </a>
                    </td>
                    <td class="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}

function Overview(props: PageProps) {
  return (
    <div class="page">
      <div class="grid-2">
        <ClockCard />
        <Tiles {...props} />
      </div>
      <div class="grid-2">
        <AppsCard {...props} />
        <TokensCard {...props} />
      </div>
      <StatsCards />
    </div>
  );
}

export default definePage({ id: 'overview', title: { en: 'Overview', zh: '概览' }, icon: '▦', component: Overview });

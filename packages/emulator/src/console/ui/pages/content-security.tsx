/**
 * Content security: every msgSecCheck / mediaCheckAsync / imgSecCheck with its verdict, the
 * media-check pushes, and the rules that produce the verdicts (add a keyword here).
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Field, Stat, TextInput, type Tone, Table } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    checks: 'Checks',
    time: 'Time',
    api: 'API',
    subject: 'Content / media',
    verdict: 'Verdict',
    push: 'Push',
    total: 'Checks',
    risky: 'Risky',
    review: 'Review',
    refused: 'Refused',
    none: 'No content checks yet: call security.msgSecCheck or mediaCheckAsync.',
    pending: 'due {t}',
    sent: 'pushed',
    noConfig: 'no push URL',
    downloadFailed: '-1008 download failed',
    rules: 'Rules',
    strategy: 'Strategy',
    match: 'Match',
    label: 'Label',
    addKeyword: 'Add keyword',
    keyword: 'Keyword',
    remove: 'Remove',
    pushes: 'Media-check pushes',
    delivered: 'delivered',
    failed: 'failed',
    noPushes: 'No wxa_media_check push sent yet.',
  },
  zh: {
    checks: '检测记录',
    time: '时间',
    api: '接口',
    subject: '内容 / 媒体',
    verdict: '结论',
    push: '推送',
    total: '检测次数',
    risky: '风险',
    review: '疑似',
    refused: '被拒绝',
    none: '还没有内容检测：调用 security.msgSecCheck 或 mediaCheckAsync 即可。',
    pending: '{t} 推送',
    sent: '已推送',
    noConfig: '未配置推送地址',
    downloadFailed: '-1008 下载失败',
    rules: '规则',
    strategy: '策略',
    match: '匹配',
    label: '标签',
    addKeyword: '添加关键词',
    keyword: '关键词',
    remove: '删除',
    pushes: '媒体检测推送',
    delivered: '已送达',
    failed: '失败',
    noPushes: '还没有发出 wxa_media_check 推送。',
  },
});

interface Check {
  id: number;
  api: string;
  version: 1 | 2;
  at: number;
  openid?: string;
  content?: string;
  media_url?: string;
  sha256?: string;
  trace_id?: string;
  errcode: number;
  verdict?: { result: { suggest: string; label: number } };
  push?: { status: string; due: number; errcode?: number; delivery?: string };
}
interface Rule {
  id: string;
  strategy: string;
  match?: string;
  url?: string;
  sha256?: string;
  suggest: string;
  label: number;
}
interface Delivery {
  id: string;
  status: string;
  message: { trace_id?: string; errcode?: number; status_code?: number; result?: { suggest: string; label: number } };
}

const TONES: Record<string, Tone> = { risky: 'err', review: 'warn', pass: 'ok' };

function VerdictBadge(props: { check: Check }) {
  const c = props.check;
  if (c.errcode !== 0 && c.errcode !== 87014) return <Badge tone="muted">{`errcode ${c.errcode}`}</Badge>;
  const r = c.verdict?.result;
  if (!r) return <span class="muted">—</span>;
  return (
    <Badge tone={TONES[r.suggest] ?? 'info'} title={`label ${r.label}`}>
      {`${r.suggest} · ${r.label}`}
      {c.errcode === 87014 ? ' · 87014' : ''}
    </Badge>
  );
}

function PushCell(props: { check: Check }) {
  const t = useT(strings);
  const p = props.check.push;
  if (!p) return <span class="muted">—</span>;
  if (p.status === 'pending') return <Badge tone="info">{t('pending', { t: formatSeconds(p.due) })}</Badge>;
  if (p.errcode === -1008) return <Badge tone="warn">{t('downloadFailed')}</Badge>;
  return <Badge tone={p.status === 'sent' ? 'ok' : 'muted'}>{p.status === 'sent' ? t('sent') : t('noConfig')}</Badge>;
}

function ChecksCard(props: PageProps) {
  const t = useT(strings);
  const checks = useLive(
    ['security', 'request', 'clock'],
    () => api.get<Check[]>('security/checks', { appid: props.appid }),
    [props.appid],
  );
  const list = [...(checks.data ?? [])].reverse();
  const count = (pred: (c: Check) => boolean) => list.filter(pred).length;
  return (
    <>
      <div class="stats">
        <Stat label={t('total')} value={list.length} />
        <Stat label={t('risky')} value={count((c) => c.verdict?.result.suggest === 'risky')} tone="err" />
        <Stat label={t('review')} value={count((c) => c.verdict?.result.suggest === 'review')} tone="warn" />
        <Stat label={t('refused')} value={count((c) => c.errcode !== 0 && c.errcode !== 87014)} />
      </div>
      <Card title={t('checks')} testid="checks">
        <ErrorNote error={checks.error} />
        {list.length === 0 ? (
          <Empty>{t('none')}</Empty>
        ) : (
          <Table
            head={
              <>
                <th>{t('time')}</th>
                <th>{t('api')}</th>
                <th>{t('subject')}</th>
                <th>openid</th>
                <th>{t('verdict')}</th>
                <th>{t('push')}</th>
              </>
            }
          >
            {list.map((c) => (
              <tr key={c.id} data-testid={`check-${c.id}`}>
                <td>{formatSeconds(c.at)}</td>
                <td>
                  <code>{c.api}</code> <Badge tone="muted">{`v${c.version}`}</Badge>
                </td>
                <td class="wrap">
                  {c.content ?? c.media_url ?? (c.sha256 ? <code>{c.sha256.slice(0, 16)}…</code> : '—')}
                </td>
                <td>{c.openid ? <code>{c.openid}</code> : '—'}</td>
                <td>
                  <VerdictBadge check={c} />
                </td>
                <td>
                  <PushCell check={c} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}

function PushesCard(props: PageProps) {
  const t = useT(strings);
  const pushes = useLive(
    ['push', 'security'],
    () => api.get<Delivery[]>('push/deliveries', { appid: props.appid, name: 'event.wxa_media_check' }),
    [props.appid],
  );
  const list = [...(pushes.data ?? [])].reverse();
  return (
    <Card title={t('pushes')} testid="media-pushes">
      <ErrorNote error={pushes.error} />
      {list.length === 0 ? (
        <Empty>{t('noPushes')}</Empty>
      ) : (
        <table class="table">
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.message.trace_id}</code>
                </td>
                <td>
                  {d.message.result ? (
                    <Badge
                      tone={TONES[d.message.result.suggest] ?? 'info'}
                    >{`${d.message.result.suggest} · ${d.message.result.label}`}</Badge>
                  ) : (
                    <Badge tone="warn">{`errcode ${d.message.errcode ?? (d.message.status_code ?? 0) | 0}`}</Badge>
                  )}
                </td>
                <td>
                  <Badge tone={d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'err' : 'info'}>
                    {d.status === 'delivered' ? t('delivered') : d.status === 'failed' ? t('failed') : d.status}
                  </Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function RulesCard() {
  const t = useT(strings);
  const rules = useLive(['security'], () => api.get<{ text: Rule[]; image: Rule[] }>('security/rules'));
  const [keyword, setKeyword] = useState('');
  const [label, setLabel] = useState('20006');
  const all = [...(rules.data?.text ?? []), ...(rules.data?.image ?? []).map((r) => ({ ...r, strategy: 'image' }))];
  return (
    <Card title={t('rules')} testid="rules">
      <ErrorNote error={rules.error} />
      <table class="table">
        <thead>
          <tr>
            <th>{t('strategy')}</th>
            <th>{t('match')}</th>
            <th>{t('verdict')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {all.map((r) => (
            <tr key={r.id}>
              <td>
                <code>{r.strategy}</code>
              </td>
              <td class="wrap">{r.match ?? r.url ?? r.sha256}</td>
              <td>
                <Badge tone={TONES[r.suggest] ?? 'info'}>{`${r.suggest} · ${r.label}`}</Badge>
              </td>
              <td>
                <ActionButton small onClick={() => api.del(`security/rules/${encodeURIComponent(r.id)}`)}>
                  {t('remove')}
                </ActionButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <Field label={t('keyword')}>
          <TextInput value={keyword} onValue={setKeyword} data-testid="keyword-input" />
        </Field>
        <Field label={t('label')}>
          <TextInput value={label} onValue={setLabel} />
        </Field>
        <ActionButton
          kind="primary"
          disabled={!keyword}
          onClick={() => api.post('security/rules/text', { strategy: 'keyword', match: keyword, label: Number(label) })}
          onDone={() => setKeyword('')}
        >
          {t('addKeyword')}
        </ActionButton>
      </div>
    </Card>
  );
}

function ContentSecurity(props: PageProps) {
  return (
    <div class="page">
      <ChecksCard {...props} />
      <div class="grid-2">
        <PushesCard {...props} />
        <RulesCard />
      </div>
    </div>
  );
}

export default definePage({
  id: 'content-security',
  title: { en: 'Content security', zh: '内容安全' },
  icon: '⛨',
  component: ContentSecurity,
});

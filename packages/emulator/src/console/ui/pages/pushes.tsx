/** Pushes: every delivery attempt to the app's push URL, the decrypted payload, the reply, and redelivery. */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import {
  ActionButton,
  Badge,
  Card,
  Empty,
  ErrorNote,
  Field,
  JsonView,
  TextInput,
  type Tone,
  toast,
} from '../lib/ui.js';

const strings = defineStrings({
  en: {
    deliveries: 'Deliveries',
    none: 'No pushes yet: a user message, a subscribe popup or an event sends one when the app has a push URL.',
    noPush: 'This app has no push URL (set one with PUT /__emulator/apps/{appid}).',
    event: 'Message / event',
    mode: 'Mode',
    status: 'Result',
    http: 'HTTP',
    latency: 'Latency',
    retries: 'Retries',
    reply: 'Reply',
    delivered: 'delivered',
    failed: 'failed',
    pending: 'pending',
    redeliver: 'Redeliver',
    redelivered: 'Redelivered as {id}: {status}',
    redeliveryOf: 'redelivery of {id}',
    payload: 'Payload (decrypted)',
    attempts: 'Attempts',
    attempt: 'Attempt {n}',
    sentBody: 'Sent body',
    response: 'Response',
    noResponse: 'no response',
    decodedReply: 'Reply (decrypted)',
    debug: 'Send a test push',
    settings: 'Delivery settings',
    timeout: 'Timeout (ms)',
    retriesSetting: 'Retries after the first attempt',
    save: 'Save',
    saved: 'Saved',
    to: 'To',
  },
  zh: {
    deliveries: '推送记录',
    none: '还没有推送：小程序配置了推送地址后，用户消息、订阅弹窗和事件都会推送。',
    noPush: '这个小程序没有配置推送地址（用 PUT /__emulator/apps/{appid} 设置）。',
    event: '消息 / 事件',
    mode: '模式',
    status: '结果',
    http: 'HTTP',
    latency: '耗时',
    retries: '重试',
    reply: '回复',
    delivered: '已送达',
    failed: '失败',
    pending: '推送中',
    redeliver: '重新推送',
    redelivered: '已重新推送为 {id}：{status}',
    redeliveryOf: '重推自 {id}',
    payload: '推送内容（已解密）',
    attempts: '推送尝试',
    attempt: '第 {n} 次',
    sentBody: '发送的报文',
    response: '响应',
    noResponse: '无响应',
    decodedReply: '回复（已解密）',
    debug: '发送测试推送',
    settings: '推送设置',
    timeout: '超时（毫秒）',
    retriesSetting: '首次之后的重试次数',
    save: '保存',
    saved: '已保存',
    to: '推送地址',
  },
});

interface Attempt {
  n: number;
  at: number;
  body: string;
  status?: number;
  response?: string;
  error?: string;
  ms?: number;
  ok: boolean;
}
interface Delivery {
  id: string;
  url: string;
  mode: string;
  format: string;
  name: string;
  message: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Attempt[];
  reply?: { kind: string; message?: Record<string, unknown>; encrypted?: boolean; error?: string };
  redeliveryOf?: string;
}

const TONE: Record<Delivery['status'], Tone> = { delivered: 'ok', failed: 'err', pending: 'warn' };

function Settings() {
  const t = useT(strings);
  const settings = useLive(['push'], () => api.get<{ timeoutMs: number; retries: number }>('push/settings'));
  const [timeout, setTimeout_] = useState<string>();
  const [retries, setRetries] = useState<string>();
  const s = settings.data;
  return (
    <Card title={t('settings')}>
      <div class="form">
        <Field label={t('timeout')}>
          <TextInput value={timeout ?? String(s?.timeoutMs ?? '')} onValue={setTimeout_} inputMode="numeric" />
        </Field>
        <Field label={t('retriesSetting')}>
          <TextInput value={retries ?? String(s?.retries ?? '')} onValue={setRetries} inputMode="numeric" />
        </Field>
        <ActionButton
          onClick={() =>
            api.post('push/settings', {
              ...(timeout !== undefined ? { timeoutMs: Number(timeout) } : {}),
              ...(retries !== undefined ? { retries: Number(retries) } : {}),
            })
          }
          onDone={() => toast(t('saved'), 'ok')}
        >
          {t('save')}
        </ActionButton>
      </div>
    </Card>
  );
}

function DeliveryDetail(props: { d: Delivery }) {
  const t = useT(strings);
  const { d } = props;
  return (
    <div class="grid-2" data-testid="delivery-detail">
      <div>
        <h3 class="field-label">{t('payload')}</h3>
        <JsonView value={d.message} />
        {d.reply?.message && (
          <>
            <h3 class="field-label">{t('decodedReply')}</h3>
            <JsonView value={d.reply.message} />
          </>
        )}
      </div>
      <div>
        <h3 class="field-label">
          {t('attempts')} · {t('to')} <code>{d.url}</code>
        </h3>
        <div class="attempts">
          {d.attempts.map((a) => (
            <div key={a.n} class={`attempt ${a.ok ? 'ok' : 'bad'}`}>
              <div>
                <strong>{t('attempt', { n: a.n })}</strong> · {formatTime(a.at)} ·{' '}
                {a.status !== undefined ? (
                  <Badge tone={a.ok ? 'ok' : 'err'}>HTTP {a.status}</Badge>
                ) : (
                  <Badge tone="err">{a.error}</Badge>
                )}{' '}
                {a.ms !== undefined && <span class="muted">{a.ms} ms</span>}
              </div>
              <div class="muted">
                {t('response')}:{' '}
                <code>{a.response !== undefined ? a.response.slice(0, 300) || '""' : t('noResponse')}</code>
              </div>
              <details>
                <summary class="muted">{t('sentBody')}</summary>
                <pre class="json">{a.body}</pre>
              </details>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function Pushes(props: PageProps) {
  const t = useT(strings);
  const app = props.apps.find((a) => a.appid === props.appid);
  const deliveries = useLive(
    ['push', 'request'],
    () => api.get<Delivery[]>('push/deliveries', { appid: props.appid }),
    [props.appid],
  );
  const [open, setOpen] = useState<string>();
  const list = [...(deliveries.data ?? [])].reverse();
  return (
    <div class="page">
      {!app?.push && (
        <Card>
          <p class="muted">{t('noPush', { appid: props.appid })}</p>
        </Card>
      )}
      <Card
        title={t('deliveries')}
        testid="deliveries"
        actions={
          app?.push && (
            <ActionButton small onClick={() => api.post('push/debug', { appid: props.appid })}>
              {t('debug')}
            </ActionButton>
          )
        }
      >
        <ErrorNote error={deliveries.error} />
        {list.length === 0 ? (
          <Empty>{t('none')}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th>{t('event')}</th>
                  <th>{t('mode')}</th>
                  <th>{t('status')}</th>
                  <th class="num">{t('http')}</th>
                  <th class="num">{t('latency')}</th>
                  <th class="num">{t('retries')}</th>
                  <th>{t('reply')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((d) => {
                  const last = d.attempts[d.attempts.length - 1];
                  return [
                    <tr
                      key={d.id}
                      class={`clickable${open === d.id ? ' selected' : ''}`}
                      data-testid="delivery-row"
                      data-delivery={d.id}
                      onClick={() => setOpen(open === d.id ? undefined : d.id)}
                    >
                      <td>
                        <div>
                          <code>{d.name}</code>
                        </div>
                        <span class="muted">
                          {d.id} · {formatTime(d.attempts[0]?.at)}
                        </span>
                        {d.redeliveryOf && (
                          <div>
                            <Badge tone="info">{t('redeliveryOf', { id: d.redeliveryOf })}</Badge>
                          </div>
                        )}
                      </td>
                      <td>
                        <Badge>{d.mode}</Badge> <Badge>{d.format}</Badge>
                      </td>
                      <td>
                        <Badge tone={TONE[d.status]}>{t(d.status)}</Badge>
                      </td>
                      <td class="num">{last?.status ?? (last?.error ? '—' : '')}</td>
                      <td class="num">{last?.ms !== undefined ? `${last.ms} ms` : ''}</td>
                      <td class="num">{Math.max(0, d.attempts.length - 1)}</td>
                      <td>
                        {d.reply ? (
                          <Badge tone={d.reply.kind === 'invalid' ? 'err' : 'muted'}>{d.reply.kind}</Badge>
                        ) : null}
                      </td>
                      <td class="num">
                        {/* biome-ignore lint/a11y/noStaticElementInteractions: stops the row from toggling */}
                        <span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                          <ActionButton
                            small
                            testid="redeliver"
                            disabled={d.status === 'pending' || !app?.push}
                            onClick={() => api.post<Delivery>(`push/deliveries/${d.id}/redeliver`)}
                            onDone={(r) =>
                              toast(
                                t('redelivered', { id: r.id, status: t(r.status) }),
                                r.status === 'delivered' ? 'ok' : 'err',
                              )
                            }
                          >
                            {t('redeliver')}
                          </ActionButton>
                        </span>
                      </td>
                    </tr>,
                    open === d.id && (
                      <tr key={`${d.id}-detail`}>
                        <td colSpan={8}>
                          <DeliveryDetail d={d} />
                        </td>
                      </tr>
                    ),
                  ];
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Settings />
    </div>
  );
}

export default definePage({ id: 'pushes', title: { en: 'Pushes', zh: '消息推送' }, icon: '⇆', component: Pushes });

/**
 * Users: create one, issue the codes wx.login / getPhoneNumber would give the mini program, see
 * the user's inbox like the WeChat client shows it (chat bubbles, service notifications), message
 * the app as the user, and answer subscribe popups.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { type Translate, defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage, navigate } from '../lib/page.js';
import { ActionButton, Badge, Card, Copyable, Empty, ErrorNote, Field, TextInput, toast } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    users: 'Users',
    create: 'Create user',
    nickname: 'Nickname',
    unionid: 'unionid (optional)',
    pick: 'Pick a user on the left, or create one.',
    noUsers: 'No users in this app yet.',
    profile: 'User',
    session: 'session_key valid until',
    lastLogin: 'Last login',
    never: 'never logged in',
    logins: '{n} login(s)',
    loginCode: 'wx.login code',
    newLoginCode: 'Issue login code',
    phoneCode: 'Phone number code',
    phone: 'Phone number',
    newPhoneCode: 'Issue phone code',
    codeHint: 'Single use, valid 5 minutes (until {t}). Hand it to your backend as the mini program would.',
    inbox: 'Inbox',
    noMessages: 'No messages yet: what your backend sends this user appears here.',
    send: 'Send as the user',
    sendPlaceholder: 'Message to the app…',
    noPush: 'This app has no push URL: the message opens the 48-hour reply window but is pushed nowhere.',
    pushDelivered: 'pushed to your server',
    pushFailed: 'push failed',
    pushPending: 'pushing…',
    serviceNotice: 'Service notification',
    officialNotice: 'Official account message',
    openPage: 'Opens {page}',
    image: 'Image',
    templates: 'Subscribe templates',
    noTemplates: 'The app has no subscribe templates (add them with addTemplate).',
    accept: 'Accept',
    reject: 'Reject',
    accepted: 'accepted',
    rejected: 'rejected',
    undecided: 'not asked',
    sendsLeft: '{n} send(s) left',
    longTerm: 'long-term',
    oneTime: 'one-time',
    reply: 'Passive reply',
    payments: 'Payments',
  },
  zh: {
    users: '用户',
    create: '创建用户',
    nickname: '昵称',
    unionid: 'unionid（可选）',
    pick: '在左侧选择一个用户，或创建一个。',
    noUsers: '这个小程序还没有用户。',
    profile: '用户',
    session: 'session_key 有效期至',
    lastLogin: '最近登录',
    never: '尚未登录',
    logins: '登录 {n} 次',
    loginCode: 'wx.login code',
    newLoginCode: '生成登录 code',
    phoneCode: '手机号 code',
    phone: '手机号',
    newPhoneCode: '生成手机号 code',
    codeHint: '一次有效，5 分钟内（{t} 前）使用。像小程序一样交给你的后端。',
    inbox: '收到的消息',
    noMessages: '还没有消息：后端发给这个用户的消息会显示在这里。',
    send: '以用户身份发送',
    sendPlaceholder: '发给小程序的消息…',
    noPush: '这个小程序没有配置推送地址：消息会打开 48 小时回复窗口，但不会推送到任何地方。',
    pushDelivered: '已推送到你的服务器',
    pushFailed: '推送失败',
    pushPending: '推送中…',
    serviceNotice: '服务通知',
    officialNotice: '公众号消息',
    openPage: '打开 {page}',
    image: '图片',
    templates: '订阅消息模板',
    noTemplates: '这个小程序还没有订阅消息模板（用 addTemplate 添加）。',
    accept: '允许',
    reject: '拒绝',
    accepted: '已允许',
    rejected: '已拒绝',
    undecided: '未询问',
    sendsLeft: '剩余 {n} 次',
    longTerm: '长期',
    oneTime: '一次性',
    reply: '被动回复',
    payments: '支付记录',
  },
});
type T = Translate<keyof (typeof strings)['en']>;

interface User {
  openid: string;
  unionid?: string;
  nickname?: string;
  session_expires_at: number;
  last_login_at?: number;
  logins?: number;
}
interface InboxEntry {
  type: 'customerServiceMessage' | 'uniformMessage' | 'subscribeMessage';
  msgtype?: string;
  template_id?: string;
  payload: Record<string, any>;
  time: number;
}
interface Delivery {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  message: Record<string, any>;
  reply?: { kind: string; message?: Record<string, any> };
}
interface Template {
  priTmplId: string;
  title: string;
  type: 2 | 3;
  keywords: { kid: number; name: string; rule: string }[];
}
interface Grant {
  template_id: string;
  status: 'accept' | 'reject';
  remaining: number;
}

function UserList(props: { appid: string; users: User[]; selected?: string }) {
  const t = useT(strings);
  const [nickname, setNickname] = useState('');
  const [unionid, setUnionid] = useState('');
  return (
    <Card title={t('users')} testid="users">
      <form class="form" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('nickname')} wide>
          <TextInput value={nickname} onValue={setNickname} data-testid="new-nickname" />
        </Field>
        <Field label={t('unionid')} wide>
          <TextInput value={unionid} onValue={setUnionid} />
        </Field>
        <ActionButton
          kind="primary"
          testid="create-user"
          onClick={() =>
            api.post<User>('users', {
              appid: props.appid,
              nickname: nickname || undefined,
              unionid: unionid || undefined,
            })
          }
          onDone={(u) => {
            setNickname('');
            setUnionid('');
            navigate('users', { openid: u.openid });
          }}
        >
          {t('create')}
        </ActionButton>
      </form>
      {props.users.length === 0 ? (
        <Empty>{t('noUsers')}</Empty>
      ) : (
        <table class="table" style={{ marginTop: '10px' }}>
          <tbody>
            {props.users.map((u) => (
              <tr
                key={u.openid}
                class={`clickable${u.openid === props.selected ? ' selected' : ''}`}
                onClick={() => navigate('users', { openid: u.openid })}
                data-testid="user-row"
              >
                <td>
                  <div>{u.nickname ?? <span class="muted">—</span>}</div>
                  <code class="muted">{u.openid}</code>
                </td>
                <td class="num">{u.logins ? <Badge tone="ok">{t('logins', { n: u.logins })}</Badge> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

interface Payment {
  openid: string;
  transaction_id?: string;
  mch_id?: string;
  out_trade_no?: string;
  paid_at: number;
}

function Profile(props: { appid: string; user: User }) {
  const t = useT(strings);
  const u = props.user;
  const payments = useLive(['users'], () => api.get<Payment[]>('payments', { appid: props.appid }), [props.appid]);
  const paid = (payments.data ?? []).filter((p) => p.openid === u.openid);
  const [login, setLogin] = useState<{ code: string; expires_at: number }>();
  const [phone, setPhone] = useState('13800138000');
  const [phoneCode, setPhoneCode] = useState<{ code: string; expires_at: number }>();
  return (
    <Card title={u.nickname ? `${t('profile')} · ${u.nickname}` : t('profile')} testid="profile">
      <dl class="kv">
        <dt>openid</dt>
        <dd>
          <Copyable value={u.openid} />
        </dd>
        {u.unionid && (
          <>
            <dt>unionid</dt>
            <dd>
              <code>{u.unionid}</code>
            </dd>
          </>
        )}
        <dt>{t('session')}</dt>
        <dd>{formatSeconds(u.session_expires_at)}</dd>
        <dt>{t('lastLogin')}</dt>
        <dd data-testid="last-login">
          {u.last_login_at ? (
            <>
              {formatSeconds(u.last_login_at)} <Badge tone="ok">{t('logins', { n: u.logins ?? 1 })}</Badge>
            </>
          ) : (
            <span class="muted">{t('never')}</span>
          )}
        </dd>
        {paid.length > 0 && (
          <>
            <dt>{t('payments')}</dt>
            <dd class="stack" data-testid="payments">
              {paid.map((p) => (
                <span key={`${p.transaction_id}${p.out_trade_no}${p.paid_at}`}>
                  <code>{p.transaction_id ?? `${p.mch_id} / ${p.out_trade_no}`}</code>{' '}
                  <span class="muted">{formatSeconds(p.paid_at)}</span>
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      <div class="row">
        <ActionButton
          testid="new-login-code"
          onClick={() => api.post('login-codes', { appid: props.appid, openid: u.openid })}
          onDone={setLogin}
        >
          {t('newLoginCode')}
        </ActionButton>
        {login && (
          <span class="stack">
            <Copyable value={login.code} testid="login-code" />
            <span class="muted">{t('codeHint', { t: formatSeconds(login.expires_at, false) })}</span>
          </span>
        )}
      </div>
      <div class="row">
        <Field label={t('phone')}>
          <TextInput value={phone} onValue={setPhone} inputMode="numeric" />
        </Field>
        <ActionButton
          testid="new-phone-code"
          onClick={() => api.post('phone-codes', { appid: props.appid, openid: u.openid, phoneNumber: phone })}
          onDone={setPhoneCode}
        >
          {t('newPhoneCode')}
        </ActionButton>
        {phoneCode && <Copyable value={phoneCode.code} testid="phone-code" />}
      </div>
    </Card>
  );
}

function fieldsOf(data: Record<string, any> | undefined): [string, string][] {
  return Object.entries(data ?? {}).map(([k, v]) => [k, String(v?.value ?? '')]);
}

/** One message the app sent, the way the WeChat client shows it. */
function AppMessage(props: { entry: InboxEntry; templates: Template[]; t: T }) {
  const { entry, t } = props;
  const p = entry.payload;
  const meta = <span class="bubble-meta">{formatSeconds(entry.time)}</span>;
  if (entry.type === 'subscribeMessage') {
    const tpl = props.templates.find((x) => x.priTmplId === entry.template_id);
    const name = (key: string) => tpl?.keywords.find((k) => `${k.rule}${k.kid}` === key)?.name ?? key;
    return (
      <div class="notice" data-testid="service-notice">
        <div class="notice-sub">{t('serviceNotice')}</div>
        <div class="notice-head">{tpl?.title ?? entry.template_id}</div>
        <dl class="notice-fields">
          {fieldsOf(p.data).map(([k, v]) => (
            <>
              <dt>{name(k)}</dt>
              <dd>{v}</dd>
            </>
          ))}
        </dl>
        <div class="notice-foot">{p.page ? t('openPage', { page: p.page }) : formatSeconds(entry.time)}</div>
      </div>
    );
  }
  if (entry.type === 'uniformMessage') {
    const m = p.mp_template_msg ?? p.weapp_template_msg ?? {};
    return (
      <div class="notice" data-testid="service-notice">
        <div class="notice-sub">{t('officialNotice')}</div>
        <div class="notice-head">{m.template_id}</div>
        <dl class="notice-fields">
          {fieldsOf(m.data).map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </>
          ))}
        </dl>
        <div class="notice-foot">{formatSeconds(entry.time)}</div>
      </div>
    );
  }
  let body: preact.ComponentChildren;
  switch (entry.msgtype) {
    case 'text':
      body = p.text?.content;
      break;
    case 'image':
      body = (
        <span class="muted">
          [{t('image')}] {p.image?.media_id}
        </span>
      );
      break;
    case 'link':
      body = (
        <span class="stack">
          <strong>{p.link?.title}</strong>
          <span class="muted">{p.link?.description}</span>
          <code>{p.link?.url}</code>
        </span>
      );
      break;
    case 'miniprogrampage':
      body = (
        <span class="stack">
          <strong>{p.miniprogrampage?.title}</strong>
          <span class="muted">{t('openPage', { page: p.miniprogrampage?.pagepath ?? '' })}</span>
        </span>
      );
      break;
    default:
      body = <code>{JSON.stringify(p)}</code>;
  }
  return (
    <div class="bubble-row" data-testid="app-bubble">
      <div class="bubble">{body}</div>
      {meta}
    </div>
  );
}

function Inbox(props: { appid: string; user: User; hasPush: boolean }) {
  const t = useT(strings);
  const { appid, user } = props;
  const [text, setText] = useState('');
  const data = useLive(['request', 'messages', 'push', 'users'], async () => {
    const [inbox, deliveries, templates] = await Promise.all([
      api.get<InboxEntry[]>('messages/inbox', { appid, openid: user.openid }),
      api.get<Delivery[]>('push/deliveries', { appid }).catch(() => [] as Delivery[]),
      api.get<Template[]>('messages/templates', { appid }).catch(() => [] as Template[]),
    ]);
    return { inbox, deliveries, templates };
  }, [appid, user.openid]);
  const d = data.data;
  // The user's own messages are what the emulator pushed on their behalf; a passive reply is the app's answer.
  // Within one second (a frozen clock, a fast backend) the user speaks first: an app may only answer a
  // customer-service message after one. A passive reply follows its message.
  type Item = { time: number; side: 0 | 1; key: string; node: preact.ComponentChildren };
  const items: Item[] = [];
  for (const [i, entry] of (d?.inbox ?? []).entries())
    items.push({
      time: entry.time,
      side: 1,
      key: `in${i}`,
      node: <AppMessage entry={entry} templates={d?.templates ?? []} t={t} />,
    });
  for (const del of d?.deliveries ?? []) {
    const m = del.message;
    if (m.FromUserName !== user.openid || m.MsgType === 'event') continue;
    const status = { delivered: t('pushDelivered'), failed: t('pushFailed'), pending: t('pushPending') }[del.status];
    items.push({
      time: Number(m.CreateTime),
      side: 0,
      key: del.id,
      node: (
        <div class="bubble-row mine" data-testid="user-bubble">
          <div class="bubble">{m.MsgType === 'text' ? m.Content : `[${m.MsgType}]`}</div>
          <span class="bubble-meta">
            {formatSeconds(Number(m.CreateTime))} ·{' '}
            <Badge tone={del.status === 'failed' ? 'err' : 'ok'}>{status}</Badge>
          </span>
        </div>
      ),
    });
    const reply = del.reply?.kind === 'message' ? del.reply.message : undefined;
    if (reply)
      items.push({
        time: Number(m.CreateTime),
        side: 0,
        key: `${del.id}r`,
        node: (
          <div class="bubble-row" data-testid="app-bubble">
            <div class="bubble">{reply.MsgType === 'text' ? reply.Content : `[${reply.MsgType}]`}</div>
            <span class="bubble-meta">{t('reply')}</span>
          </div>
        ),
      });
  }
  items.sort((a, b) => a.time - b.time || a.side - b.side);
  return (
    <Card title={t('inbox')} testid="inbox">
      <ErrorNote error={data.error} />
      <div class="chat">
        {items.length === 0 ? <Empty>{t('noMessages')}</Empty> : items.map((x) => <div key={x.key}>{x.node}</div>)}
      </div>
      <form class="row" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('send')} wide>
          <TextInput value={text} onValue={setText} placeholder={t('sendPlaceholder')} data-testid="user-message" />
        </Field>
        <ActionButton
          kind="primary"
          testid="send-as-user"
          disabled={!text}
          onClick={() => api.post('push/user-message', { appid, openid: user.openid, MsgType: 'text', Content: text })}
          onDone={() => {
            setText('');
            if (!props.hasPush) toast(t('noPush'), 'warn');
          }}
        >
          {t('send')}
        </ActionButton>
      </form>
      {!props.hasPush && <p class="muted">{t('noPush')}</p>}
    </Card>
  );
}

function Subscriptions(props: { appid: string; user: User }) {
  const t = useT(strings);
  const { appid, user } = props;
  const data = useLive(['messages', 'request'], async () => {
    const [templates, grants] = await Promise.all([
      api.get<Template[]>('messages/templates', { appid }),
      api.get<Grant[]>('messages/subscriptions', { appid, openid: user.openid }),
    ]);
    return { templates, grants };
  }, [appid, user.openid]);
  const answer = (id: string, choice: 'accept' | 'reject') =>
    api.post('messages/subscriptions', { appid, openid: user.openid, [choice]: [id] });
  return (
    <Card title={t('templates')} testid="subscriptions">
      <ErrorNote error={data.error} />
      {data.data?.templates.length === 0 && <Empty>{t('noTemplates')}</Empty>}
      <table class="table">
        <tbody>
          {data.data?.templates.map((tpl) => {
            const g = data.data?.grants.find((x) => x.template_id === tpl.priTmplId);
            return (
              <tr key={tpl.priTmplId} data-testid="template-row">
                <td>
                  <div>{tpl.title}</div>
                  <code class="muted">{tpl.priTmplId}</code>
                </td>
                <td>
                  <Badge tone="info">{tpl.type === 2 ? t('oneTime') : t('longTerm')}</Badge>{' '}
                  {g ? (
                    <Badge tone={g.status === 'accept' ? 'ok' : 'err'}>
                      {g.status === 'accept' ? t('accepted') : t('rejected')}
                    </Badge>
                  ) : (
                    <Badge>{t('undecided')}</Badge>
                  )}{' '}
                  {g?.status === 'accept' && tpl.type === 2 && (
                    <span class="muted">{t('sendsLeft', { n: g.remaining })}</span>
                  )}
                </td>
                <td class="num">
                  <span class="row" style={{ marginTop: 0, justifyContent: 'flex-end' }}>
                    <ActionButton small onClick={() => answer(tpl.priTmplId, 'accept')}>
                      {t('accept')}
                    </ActionButton>
                    <ActionButton small kind="danger" onClick={() => answer(tpl.priTmplId, 'reject')}>
                      {t('reject')}
                    </ActionButton>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

function Users(props: PageProps) {
  const t = useT(strings);
  const users = useLive(['users', 'user', 'request'], () => api.get<User[]>('users', { appid: props.appid }), [
    props.appid,
  ]);
  const list = users.data ?? [];
  const openid = props.params.get('openid') ?? undefined;
  const user = list.find((u) => u.openid === openid);
  const hasPush = !!props.apps.find((a) => a.appid === props.appid)?.push;
  return (
    <div class="split">
      <div class="page">
        <ErrorNote error={users.error} />
        <UserList appid={props.appid} users={list} selected={openid} />
      </div>
      <div class="page">
        {user ? (
          <>
            <Profile appid={props.appid} user={user} />
            <Inbox appid={props.appid} user={user} hasPush={hasPush} />
            <Subscriptions appid={props.appid} user={user} />
          </>
        ) : (
          <Card>
            <Empty>{t('pick')}</Empty>
          </Card>
        )}
      </div>
    </div>
  );
}

export default definePage({ id: 'users', title: { en: 'Users', zh: '用户' }, icon: '☺', component: Users });

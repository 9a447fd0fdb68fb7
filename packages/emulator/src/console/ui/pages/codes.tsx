/** Codes & links: every generated mini-program code as an image with its page, scene and size; scheme and link values. */
import { api } from '../lib/api.js';
import { formatSeconds } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { AdminImage, Badge, Card, Copyable, Empty, ErrorNote, Table } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    codes: 'Mini-program codes',
    noCodes: 'No codes yet: call wxacode.getUnlimited, get or createQRCode.',
    page: 'Page',
    path: 'Path',
    scene: 'Scene',
    width: 'Width',
    encodes: 'Encodes',
    created: 'Created',
    env: 'Version',
    links: 'Schemes and links',
    noLinks: 'No schemes or links yet: call generatescheme, generate_urllink or genwxashortlink.',
    kind: 'Kind',
    value: 'Value',
    opens: 'Opens',
    expires: 'Expires',
    never: 'never',
    imageOf: 'Code {id}',
    defaultPage: '(home page)',
  },
  zh: {
    codes: '小程序码',
    noCodes: '还没有小程序码：调用 wxacode.getUnlimited、get 或 createQRCode。',
    page: '页面',
    path: '路径',
    scene: 'scene',
    width: '宽度',
    encodes: '内容',
    created: '生成时间',
    env: '版本',
    links: 'Scheme 与链接',
    noLinks: '还没有 Scheme 或链接：调用 generatescheme、generate_urllink 或 genwxashortlink。',
    kind: '类型',
    value: '值',
    opens: '打开',
    expires: '过期时间',
    never: '永久',
    imageOf: '小程序码 {id}',
    defaultPage: '（首页）',
  },
});

interface CodeRecord {
  id: string;
  api: 'createQRCode' | 'get' | 'getUnlimited';
  text: string;
  path?: string;
  page?: string;
  scene?: string;
  width: number;
  is_hyaline: boolean;
  env_version: string;
  created_at: number;
}
interface LinkRecord {
  kind: string;
  link: string;
  path: string;
  query: string;
  env_version: string;
  create_time: number;
  expire_time: number;
  page_title?: string;
}

function Codes(props: PageProps) {
  const t = useT(strings);
  const codes = useLive(['request', 'wxacode'], () => api.get<CodeRecord[]>('wxacode/codes', { appid: props.appid }), [
    props.appid,
  ]);
  const links = useLive(['request', 'links'], () => api.get<LinkRecord[]>('links', { appid: props.appid }), [
    props.appid,
  ]);
  const list = [...(codes.data ?? [])].reverse();
  return (
    <div class="page">
      <Card title={t('codes')} testid="codes">
        <ErrorNote error={codes.error} />
        {list.length === 0 ? (
          <Empty>{t('noCodes')}</Empty>
        ) : (
          <div class="gallery">
            {list.map((c) => (
              <div class="tile" key={c.id} data-testid="code-tile">
                <AdminImage
                  path={`wxacode/codes/${encodeURIComponent(c.id)}`}
                  alt={t('imageOf', { id: c.id })}
                  testid="code-image"
                />
                <div>
                  <Badge tone="info">{c.api}</Badge> <Badge>{c.env_version}</Badge>
                </div>
                <dl class="kv">
                  {c.api === 'getUnlimited' ? (
                    <>
                      <dt>{t('page')}</dt>
                      <dd>{c.page || t('defaultPage')}</dd>
                      <dt>{t('scene')}</dt>
                      <dd>
                        <code>{c.scene}</code>
                      </dd>
                    </>
                  ) : (
                    <>
                      <dt>{t('path')}</dt>
                      <dd>
                        <code>{c.path}</code>
                      </dd>
                    </>
                  )}
                  <dt>{t('width')}</dt>
                  <dd>{c.width}px</dd>
                  <dt>{t('encodes')}</dt>
                  <dd>
                    <code>{c.text}</code>
                  </dd>
                  <dt>{t('created')}</dt>
                  <dd>{formatSeconds(c.created_at)}</dd>
                </dl>
              </div>
            ))}
          </div>
        )}
      </Card>
      <Card title={t('links')} testid="links">
        <ErrorNote error={links.error} />
        {(links.data ?? []).length === 0 ? (
          <Empty>{t('noLinks')}</Empty>
        ) : (
          <Table
            head={
              <>
                <th>{t('kind')}</th>
                <th>{t('value')}</th>
                <th>{t('opens')}</th>
                <th>{t('created')}</th>
                <th>{t('expires')}</th>
              </>
            }
          >
            {[...(links.data ?? [])].reverse().map((l) => (
              <tr key={l.link}>
                <td>
                  <Badge tone="info">{l.kind}</Badge>
                </td>
                <td>
                  <Copyable value={l.link} />
                  {l.page_title && <div class="muted">{l.page_title}</div>}
                </td>
                <td>
                  <code>
                    {l.path || t('defaultPage')}
                    {l.query ? `?${l.query}` : ''}
                  </code>{' '}
                  <Badge>{l.env_version}</Badge>
                </td>
                <td>{formatSeconds(l.create_time)}</td>
                <td>{l.expire_time ? formatSeconds(l.expire_time) : t('never')}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}

export default definePage({
  id: 'codes',
  title: { en: 'Codes & links', zh: '小程序码与链接' },
  icon: '▣',
  component: Codes,
});

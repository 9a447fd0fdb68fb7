/** The console shell: navigation, app picker, language switch, live status, and the current page. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './lib/api.js';
import { LANGS, common, setLang, useLang, useT } from './lib/i18n.js';
import { useConnection, useLive } from './lib/live.js';
import type { AppView } from './lib/page.js';
import { Toasts } from './lib/ui.js';
import { pages } from './pages/index.js';
import './styles.css';

function parseHash(): { id: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [id = '', query = ''] = raw.split('?', 2);
  return { id: id || (pages[0]?.id ?? ''), params: new URLSearchParams(query) };
}

function useHash() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

const APP_KEY = 'miniapp-emulator-console.app';

function Shell() {
  const t = useT(common);
  const lang = useLang();
  const route = useHash();
  const connection = useConnection();
  const [navOpen, setNavOpen] = useState(false);
  const apps = useLive(['apps'], () => api.get<AppView[]>('apps'));
  const [picked, setPicked] = useState(() => sessionStorage.getItem(APP_KEY) ?? '');
  const list = apps.data ?? [];
  const appid = list.some((a) => a.appid === picked) ? picked : (list[0]?.appid ?? '');
  const page = pages.find((p) => p.id === route.id);
  const Page = page?.component;

  useEffect(() => {
    document.title = `${page ? `${page.title[lang]} · ` : ''}${t('console')}`;
  });
  useEffect(() => setNavOpen(false), [route.id]);

  return (
    <div class={`shell${navOpen ? ' nav-open' : ''}`}>
      <aside class="sidebar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            ◎
          </span>
          <div>
            <div class="brand-title">{t('console')}</div>
            <div class="brand-sub">{t('subtitle')}</div>
          </div>
          <button type="button" class="btn btn-small nav-toggle" onClick={() => setNavOpen(!navOpen)}>
            {t('menu')}
          </button>
        </div>
        <nav class="nav">
          {pages.map((p) => (
            <a
              key={p.id}
              href={`#/${p.id}`}
              class={p.id === route.id ? 'active' : ''}
              aria-current={p.id === route.id ? 'page' : undefined}
            >
              <span class="nav-icon" aria-hidden="true">
                {p.icon}
              </span>
              {p.title[lang]}
            </a>
          ))}
        </nav>
        <div class="sidebar-foot">
          <span class={`conn conn-${connection}`} data-testid="connection">
            {t(connection)}
          </span>
          <button
            type="button"
            class="btn btn-small"
            data-testid="lang-switch"
            onClick={() => setLang(LANGS.find((l) => l !== lang) ?? 'en')}
          >
            {t('language')}
          </button>
        </div>
      </aside>
      <main class="main">
        <header class="topbar">
          <h1>{page ? page.title[lang] : t('notFound')}</h1>
          {list.length > 0 && (
            <label class="app-picker">
              <span>{t('app')}</span>
              <select
                data-testid="app-picker"
                value={appid}
                onChange={(e) => {
                  const v = (e.target as HTMLSelectElement).value;
                  sessionStorage.setItem(APP_KEY, v);
                  setPicked(v);
                }}
              >
                {list.map((a) => (
                  <option key={a.appid} value={a.appid}>
                    {a.name} · {a.appid}
                  </option>
                ))}
              </select>
            </label>
          )}
        </header>
        <div class="content">
          {Page && appid ? <Page key={page.id} appid={appid} apps={list} params={route.params} /> : null}
        </div>
      </main>
      <Toasts />
    </div>
  );
}

render(<Shell />, document.getElementById('app') as HTMLElement);

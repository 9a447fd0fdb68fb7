/** Subscribe template management (PROTOCOL §4.7, `/wxaapi/newtmpl/*`) and the public template library. */
import type { AreaContext, EmuApp, WxRequest } from '../../context.js';
import { WxError } from '../../context.js';
import { type Category, isNewOneTime, type Library, type LibraryKeyword, type PublicTemplate } from './library.js';
import { AdminError, entry, type Kit, MAX_PRIVATE_TEMPLATES, type PrivateTemplate } from './state.js';

export function registerTemplates(ctx: AreaContext, k: Kit) {
  const { st, resolveApp, templateView } = k;

  /** addTemplate rules (200014 tid, 200020 kidList, 200021 sceneDesc, 200012 limit). */
  function addPrivateTemplate(app: EmuApp, tidIn: unknown, kidsIn: unknown[], sceneDesc: unknown): PrivateTemplate {
    const tid = Number(tidIn);
    const pub = st().library.templates.find((t) => t.tid === tid);
    if (!pub || !/^\d+$/.test(String(tidIn))) throw new WxError(200014, 'invalid tid');
    const kids = kidsIn.map((k) => Number(k));
    let keywords: LibraryKeyword[];
    if (isNewOneTime(tid) && kids.length === 0) keywords = pub.keywords;
    else {
      const valid = kids.length >= 2 && kids.length <= 5 && new Set(kids).size === kids.length;
      const picked = kids.map((k) => pub.keywords.find((w) => w.kid === k));
      if (!valid || picked.some((k) => !k)) throw new WxError(200020, 'invalid kidList');
      keywords = picked as LibraryKeyword[];
    }
    if (sceneDesc !== undefined && (typeof sceneDesc !== 'string' || [...sceneDesc].length > 15)) {
      throw new WxError(200021, 'invalid sceneDesc');
    }
    const list = entry(st().templates, app.appid, () => [] as PrivateTemplate[]);
    if (list.length >= MAX_PRIVATE_TEMPLATES) throw new WxError(200012, 'private template count limit');
    const t: PrivateTemplate = {
      priTmplId: Buffer.from(ctx.randomId(32), 'utf8').toString('base64url').slice(0, 43),
      tid,
      title: pub.title,
      type: pub.type,
      keywords,
      createdAt: ctx.clock.now(),
    };
    if (typeof sceneDesc === 'string' && sceneDesc) t.sceneDesc = sceneDesc;
    list.push(t);
    return t;
  }

  /** addTemplate's body: JSON `{tid, kidList: []}`, or a form with `kidList=1&kidList=2` or `kidList[0]=1&kidList[1]=2`. */
  function addTemplateParams(req: WxRequest): { tid: unknown; kidList: unknown[]; sceneDesc: unknown } {
    const form = /x-www-form-urlencoded/i.test(String(req.raw.headers['content-type'] ?? ''));
    if (!form) {
      const b = req.body;
      const kidList = Array.isArray(b.kidList) ? b.kidList : b.kidList === undefined ? undefined : [b.kidList];
      if (!kidList) throw new WxError(200020, 'invalid kidList');
      return { tid: b.tid, kidList, sceneDesc: b.sceneDesc };
    }
    const params = new URLSearchParams(req.rawBody?.toString('utf8') ?? '');
    const indexed = [...params]
      .map(([k, v]) => [/^kidList\[(\d+)\]$/.exec(k)?.[1], v] as const)
      .filter(([i]) => i !== undefined)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => v);
    const kidList = [...params.getAll('kidList'), ...indexed].flatMap((v) => (v === '' ? [] : v.split(',')));
    return { tid: params.get('tid') ?? undefined, kidList, sceneDesc: params.get('sceneDesc') ?? undefined };
  }

  // ---------- subscribe template management (/wxaapi/newtmpl/*) ----------

  ctx.route({
    method: 'POST',
    path: '/wxaapi/newtmpl/addtemplate',
    auth: 'access_token',
    // PROTOCOL §4.7 [conflict]: JSON and both form spellings are accepted.
    body: 'json-or-form',
    handler: (req) => {
      const p = addTemplateParams(req);
      return { priTmplId: addPrivateTemplate(req.app, p.tid, p.kidList, p.sceneDesc).priTmplId };
    },
  });

  ctx.route({
    method: 'POST',
    path: '/wxaapi/newtmpl/deltemplate',
    auth: 'access_token',
    body: 'json-or-form',
    handler: ({ app, body }) => {
      const list = st().templates[app.appid] ?? [];
      const i = list.findIndex((t) => t.priTmplId === body.priTmplId);
      if (i < 0) throw new WxError(40037, 'invalid template_id'); // code not documented for deltemplate [inferred]
      list.splice(i, 1);
      return {};
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getcategory',
    auth: 'access_token',
    body: 'none',
    handler: () => ({ data: structuredClone(st().library.categories) }),
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatekeywords',
    auth: 'access_token',
    body: 'none',
    handler: ({ query }) => {
      const pub = /^\d+$/.test(query.tid ?? '')
        ? st().library.templates.find((t) => t.tid === Number(query.tid))
        : undefined;
      if (!pub) throw new WxError(200014, 'invalid tid');
      return { count: pub.keywords.length, data: structuredClone(pub.keywords) };
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/getpubtemplatetitles',
    auth: 'access_token',
    body: 'none',
    handler: ({ query }) => {
      if (query.ids === undefined || query.ids === '') throw new WxError(200018, 'category ids missing');
      // Tolerate the doc's quoted example (`ids="2,616"`).
      const ids = query.ids.replace(/^"|"$/g, '').split(',');
      if (!ids.every((i) => /^\d+$/.test(i))) throw new WxError(200019, 'invalid category ids');
      if (!/^\d+$/.test(query.start ?? '')) throw new WxError(200016, 'invalid start');
      const limit = /^\d+$/.test(query.limit ?? '') ? Number(query.limit) : 0;
      if (limit < 1 || limit > 30) throw new WxError(200017, 'invalid limit');
      const start = Number(query.start);
      const wanted = new Set(ids.map(Number));
      const all = st().library.templates.filter((t) => wanted.has(t.categoryId));
      const data = all.slice(start, start + limit).map((t) => ({
        tid: t.tid,
        title: t.title,
        type: t.type,
        categoryId: String(t.categoryId), // a string in the official example
      }));
      return { count: all.length, data };
    },
  });

  ctx.route({
    method: 'GET',
    path: '/wxaapi/newtmpl/gettemplate',
    auth: 'access_token',
    body: 'none',
    handler: ({ app }) => ({ data: (st().templates[app.appid] ?? []).map(templateView) }),
  });

  return {
    /** The app's private subscribe templates (as getTemplateList shows them, plus tid and keywords). */
    templates(input: { appid?: string } = {}) {
      const app = resolveApp(input.appid);
      return (st().templates[app.appid] ?? []).map((t) => ({ ...templateView(t), tid: t.tid, keywords: t.keywords }));
    },
    /** Adds a private template directly (same rules as addTemplate). */
    addTemplate(input: { appid?: string; tid: string | number; kidList: number[]; sceneDesc?: string }) {
      const app = resolveApp(input?.appid);
      try {
        const t = addPrivateTemplate(
          app,
          input.tid,
          Array.isArray(input.kidList) ? input.kidList : [],
          input.sceneDesc,
        );
        return templateView(t);
      } catch (err) {
        if (err instanceof WxError) throw new AdminError(`${err.errcode} ${err.errmsg}`);
        throw err;
      }
    },
    /** The public template library (categories and templates with keywords). */
    library(): Library {
      return structuredClone(st().library);
    },
    /** Adds (or replaces) a public template, and its category when new. */
    addPublicTemplate(input: PublicTemplate & { categoryName?: string }) {
      const lib = st().library;
      if (!input || !Number.isInteger(input.tid) || typeof input.title !== 'string' || !Array.isArray(input.keywords)) {
        throw new AdminError('a public template needs tid (integer), title, type (2|3), categoryId and keywords');
      }
      if (!lib.categories.some((c) => c.id === input.categoryId)) {
        lib.categories.push({
          id: input.categoryId,
          name: input.categoryName ?? `category ${input.categoryId}`,
        } as Category);
      }
      const t: PublicTemplate = {
        tid: input.tid,
        title: input.title,
        type: input.type === 3 ? 3 : 2,
        categoryId: input.categoryId,
        keywords: input.keywords.map((k) => ({ kid: k.kid, name: k.name, example: k.example ?? '', rule: k.rule })),
      };
      lib.templates = [...lib.templates.filter((x) => x.tid !== t.tid), t];
      return t;
    },
  };
}

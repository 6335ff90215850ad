// Search: /search?q=…&<facet>=… — full text over names, excerpts and heading paths (English
// stemmed, Chinese segmented) with facets on every statement taxonomy, kind, document, document
// type, year, language, source dataset and label source. The URL is the query (shareable); the
// same parameters give the same set in the JSON API and the exports linked from the page.
import type { Context, Hono } from 'hono';
import type { Lang } from '../../model/index.ts';
import { BASIC_FACETS, parseQuery, toSearchParams, type QueryError, type StatementQuery } from '../../search/query.ts';
import { searchPageData, type SearchPageData } from '../../store/search.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { facetLabel, facetTitle, flatFacet, taxonomyFacet, toggleHref } from '../components/facets.ts';
import { hitList } from '../components/results.ts';
import { groupLabels } from '../components/statements.ts';
import { prefersJson } from '../components/page-cache.ts';

export const PER_PAGE = 25;
const MAX_PAGE = 400;

const S = {
  title: { en: 'Search', zh: '搜索' },
  label: { en: 'Search the statements', zh: '搜索条目' },
  help: {
    en: 'Words are matched in names, texts and section headings, in English (word forms are folded: “audits” finds “auditing”) and in Chinese. A statement id such as M000123 finds that statement.',
    zh: '在名称、正文和章节标题中匹配词语，支持英文（词形归并：“audits”可匹配“auditing”）和中文。输入条目编号（如 M000123）可直接找到该条目。',
  },
  results: { en: '{n} statements match', zh: '共 {n} 个条目符合条件' },
  one: { en: '1 statement matches', zh: '共 1 个条目符合条件' },
  none: { en: 'No statement matches. Remove a filter or try other words.', zh: '没有符合条件的条目。请移除筛选条件或换用其他词语。' },
  filters: { en: 'Filters', zh: '筛选' },
  filtersHelp: {
    en: 'Choosing values within one filter widens the set (any of them); different filters narrow it (all of them). Numbers are matching statements.',
    zh: '同一筛选项内多选为“或”（扩大范围）；不同筛选项之间为“且”（缩小范围）。数字为符合条件的条目数。',
  },
  active: { en: 'Active filters', zh: '当前筛选' },
  clear: { en: 'Clear all', zh: '全部清除' },
  sort: { en: 'Sort', zh: '排序' },
  sorts: {
    relevance: { en: 'Relevance', zh: '相关度' },
    document: { en: 'Document order', zh: '文件顺序' },
    year: { en: 'Newest documents first', zh: '最新文件优先' },
    id: { en: 'Id', zh: '编号' },
  },
  apply: { en: 'Apply', zh: '应用' },
  exportAll: { en: 'Download exactly this set', zh: '下载当前结果集' },
  exportHelp: { en: 'All matching statements, not just this page, with their labels and the attribution of every source.', zh: '全部符合条件的条目（不只本页），包括其标签及各来源的署名。' },
  api: { en: 'Same query in the JSON API', zh: '在 JSON API 中的相同查询' },
  badParams: { en: 'Some parameters were ignored:', zh: '以下参数已被忽略：' },
  pageOf: { en: 'Page {p} of {n}', zh: '第 {p} 页，共 {n} 页' },
  tooDeep: { en: 'Narrow the search to see results beyond this page.', zh: '请缩小搜索范围以查看此页之后的结果。' },
  taxonomiesHead: { en: 'Categories', zh: '类别' },
} as const;

/** Statement taxonomies in the order the facets show them. */
export function facetTaxonomies(reg: TaxonomyRegistry): string[] {
  const first = ['mitigation-v2', 'risk-domain', 'lifecycle', 'actor', 'nist-ai-rmf', 'mitigation-v1', 'risk-entity', 'risk-intent', 'risk-timing'];
  const all = reg
    .list()
    .filter((x) => x.data.appliesTo.length > 0)
    .map((x) => x.id);
  return [...first.filter((x) => all.includes(x)), ...all.filter((x) => !first.includes(x))];
}

export interface FacetedListOptions {
  /** Path of the page (for links). */
  path: string;
  /** Facets to leave out (e.g. the taxonomy a node page is about is fixed). */
  fixed?: Record<string, string[]>;
}

/** Taxonomies whose current label each listed statement shows. */
const LIST_TAXONOMIES = ['mitigation-v2', 'mitigation-v1', 'risk-domain'];

/** Whether the client asked for JSON: /search.json, or an Accept header preferring JSON to HTML. */
function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.endsWith('.json') || prefersJson(c.req.header('accept'));
}

/** The page number: a whole number from 1; beyond the last reachable page it is capped. */
function pageOf(sp: URLSearchParams): number | QueryError {
  const raw = sp.get('page');
  if (raw === null || raw.trim() === '') return 1;
  if (!/^\s*\d{1,9}\s*$/.test(raw) || Number(raw) < 1) return { param: 'page', value: raw.slice(0, 40), message: 'must be a whole number from 1' };
  return Math.min(MAX_PAGE, Number(raw));
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/search.json', (c) => searchJson(c, ctx));
  app.get('/search', async (c) => {
    c.header('Vary', 'Accept, Cookie, Accept-Language');
    if (wantsJson(c)) return searchJson(c, ctx);
    const lang = c.get('lang');
    const reg = ctx.store.taxonomies;
    const sp = new URL(c.req.url).searchParams;
    const { query, errors } = parseQuery(sp, reg);
    const pageOrError = pageOf(sp);
    if (typeof pageOrError !== 'number') errors.push(pageOrError);
    const page = typeof pageOrError === 'number' ? pageOrError : 1;
    const { body, total } = await facetedResults(ctx, lang, query, errors, page, { path: '/search' });
    const canonical = toSearchParams(query);
    const qText = query.q ?? '';
    const content = html`<h1>${L(lang, S.title)}</h1>
<form class="search-form" role="search" method="get" action="/search">
  <label for="sq" class="visually-hidden">${L(lang, S.label)}</label>
  <input id="sq" name="q" type="search" value="${qText}" placeholder="${t(lang, 'searchPlaceholder')}" aria-describedby="sq-help">
  ${[...canonical].filter(([k]) => k !== 'q').map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <button type="submit">${t(lang, 'search')}</button>
  <p id="sq-help" class="small muted">${L(lang, S.help)}</p>
</form>
${body}`;
    const title = qText ? `${qText} · ${L(lang, S.title)}` : L(lang, S.title);
    return c.html(
      renderPage(c, {
        title,
        section: 'search',
        body: content,
        description: L(lang, S.results).replace('{n}', fmtNumber(total, lang)),
        head: html`<meta name="robots" content="noindex,follow">
<link rel="alternate" type="application/json" href="${jsonHref(canonical, page)}">`,
        crumbs: [[t(lang, 'home'), '/'], [L(lang, S.title)]],
      }),
      // Bad parameters are named on the page (and left out of the query); the status says so too.
      errors.length ? 400 : 200,
    );
  });
}

function jsonHref(canonical: URLSearchParams, page: number): string {
  const q = new URLSearchParams(canonical);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/search.json?${s}` : '/search.json';
}

/** The JSON twin of /search: the same read model, query and page as the HTML. */
async function searchJson(c: Context<AppEnv>, ctx: AppContext): Promise<Response> {
  c.header('Vary', 'Accept, Cookie, Accept-Language');
  const reg = ctx.store.taxonomies;
  const sp = new URL(c.req.url).searchParams;
  const { query, errors } = parseQuery(sp, reg);
  const pageOrError = pageOf(sp);
  if (typeof pageOrError !== 'number') errors.push(pageOrError);
  if (errors.length)
    return c.json(
      { error: 'bad_request', message: errors.map((e) => `Parameter "${e.param}" ${e.message}.`).join(' '), errors },
      400,
    );
  const page = pageOrError as number;
  const data = await pageData(ctx, query, page);
  return c.json(searchJsonBody(ctx, query, page, data));
}

async function pageData(ctx: AppContext, query: StatementQuery, page: number): Promise<SearchPageData> {
  const reg = ctx.store.taxonomies;
  const facetNames = [...BASIC_FACETS, 'topic', ...facetTaxonomies(reg)];
  return searchPageData(ctx.store.db, reg, { query, facets: facetNames, offset: (page - 1) * PER_PAGE, limit: PER_PAGE }, LIST_TAXONOMIES);
}

/** The JSON body of a search page (exported for the equality test of page and twin). */
export function searchJsonBody(ctx: AppContext, query: StatementQuery, page: number, data: SearchPageData) {
  const canonical = toSearchParams(query);
  const labels = groupLabels(data.labels);
  const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
  return {
    query: canonical.toString(),
    total: data.total,
    page,
    perPage: PER_PAGE,
    pages: Math.min(pages, MAX_PAGE),
    items: data.items.map((h) => ({
      id: h.id,
      kind: h.kind,
      name: h.name,
      text: h.text,
      headingPath: h.heading_path,
      language: h.language,
      document: { id: h.document_id, title: h.document_title, year: h.document_year, type: h.document_type, dataset: h.dataset },
      labels: Object.fromEntries([...(labels.get(h.id)?.values() ?? [])].map((l) => [l.taxonomy, l.code])),
      alsoIn: (data.also.get(h.id) ?? []).map((a) => ({ id: a.id, documentId: a.document_id, dataset: a.dataset })),
      url: `/m/${h.id}`,
    })),
    facets: data.facets,
    html: jsonHref(canonical, page).replace('/search.json', '/search'),
  };
}

/** What the parts of a results page share. */
interface ResultsView {
  lang: Lang;
  query: StatementQuery;
  reg: AppContext['store']['taxonomies'];
  path: string;
  /** Parameters that the page itself fixes (e.g. the node of a taxonomy page): not shown as removable. */
  fixed: Record<string, string[]>;
  canonical: URLSearchParams;
  linkParams: URLSearchParams;
  data: SearchPageData;
  topicTitles: Map<string, string>;
  docTitles: Map<string, string>;
  page: number;
  pages: number;
}

/**
 * Results with facets for a query: used by /search and by taxonomy node pages (with that
 * taxonomy's code fixed). Returns the markup and the total.
 */
export async function facetedResults(
  ctx: AppContext,
  lang: Lang,
  query: StatementQuery,
  errors: QueryError[],
  page: number,
  opts: FacetedListOptions,
): Promise<{ body: Html; total: number }> {
  const data = await pageData(ctx, query, page);
  const canonical = toSearchParams(query);
  const fixed = opts.fixed ?? {};
  const v: ResultsView = {
    lang,
    query,
    reg: ctx.store.taxonomies,
    path: opts.path,
    fixed,
    canonical,
    linkParams: new URLSearchParams([...canonical].filter(([k, val]) => !fixed[k]?.includes(val))),
    data,
    topicTitles: new Map(data.topics.map((r) => [r.id, L(lang, { en: r.name_en, zh: r.name_zh ?? undefined })])),
    docTitles: new Map((data.facets.doc ?? []).map((x) => [x.value, x.label ?? x.value])),
    page,
    pages: Math.max(1, Math.ceil(data.total / PER_PAGE)),
  };
  // One work, one document: `also` says where else each listed text is published (src/store/works.ts).
  const list = data.items.length
    ? hitList(data.items, groupLabels(data.labels), v.reg, lang, { start: (page - 1) * PER_PAGE + 1, extraTaxonomies: ['risk-domain'], showDocument: !fixed.doc, also: data.also })
    : html`<p class="empty-state">${L(lang, S.none)}</p>`;
  const pager = v.pages > 1 ? pagerNav(v.path, canonical, page, Math.min(v.pages, MAX_PAGE), lang) : html``;
  const body = html`${
    errors.length
      ? html`<div class="notice error" role="alert"><p>${L(lang, S.badParams)}</p><ul>${errors.map((e) => html`<li><code>${e.param}=${e.value}</code>: ${e.message}</li>`)}</ul></div>`
      : ''
  }
<div class="search-layout">
<div class="results-col">
${resultsHead(v)}
${list}
${pager}
${page >= MAX_PAGE && v.pages > MAX_PAGE ? html`<p class="muted small">${L(lang, S.tooDeep)}</p>` : ''}
</div>
${facetColumn(v)}
</div>`;
  return { body, total: data.total };
}

/** The values of facet f that the query selects. */
function selectedValues(query: StatementQuery, f: string): string[] {
  switch (f) {
    case 'kind':
      return query.kinds;
    case 'doc':
      return query.docs;
    case 'doctype':
      return query.docTypes;
    case 'year':
      return query.years.map(String);
    case 'language':
      return query.langs;
    case 'dataset':
      return query.datasets;
    case 'review':
      return query.review;
    case 'topic':
      return query.topics;
    default:
      return query.labels[f] ?? [];
  }
}

/** One removable chip per active filter (and the text query). */
function activeChips(v: ResultsView): Html[] {
  const { lang, query, path, linkParams, reg } = v;
  const chips: Html[] = [];
  if (query.q) chips.push(html`<a class="label active-filter" href="${toggleHref(path, linkParams, 'q', query.q)}" title="${L(lang, { en: 'Remove', zh: '移除' })}">“${query.q}” ✕</a>`);
  for (const [k, val] of linkParams) {
    if (k === 'q' || k === 'sort') continue;
    chips.push(
      html`<a class="label active-filter" href="${toggleHref(path, linkParams, k, val)}"><span class="muted">${facetTitle(k === 'year_from' || k === 'year_to' ? 'year' : k, lang, reg)}:</span> ${
        k === 'year_from' ? `≥ ${val}` : k === 'year_to' ? `≤ ${val}` : facetLabel(k, val, lang, reg, k === 'topic' ? v.topicTitles.get(val) : v.docTitles.get(val))
      } ✕</a>`,
    );
  }
  return chips;
}

/** The facet column: flat facets, one per taxonomy, topics and documents. */
function facetColumn(v: ResultsView): Html {
  const { lang, path, linkParams, reg, fixed } = v;
  const facets = v.data.facets;
  const selected = (f: string) => selectedValues(v.query, f);
  return html`<aside class="facets" aria-labelledby="facets-h">
<h2 id="facets-h">${L(lang, S.filters)}</h2>
<p class="small muted">${L(lang, S.filtersHelp)}</p>
${(['kind', 'review', 'doctype', 'year', 'language', 'dataset'] as const).map((f) =>
  fixed[f] ? '' : flatFacet(path, linkParams, f, facets[f] ?? [], selected(f), lang, reg, { show: f === 'year' ? 6 : 8 }),
)}
<h3 class="facet-group">${L(lang, S.taxonomiesHead)}</h3>
${facetTaxonomies(reg).map((tid, i) => (fixed[tid] ? '' : taxonomyFacet(path, linkParams, reg.get(tid), facets[tid] ?? [], selected(tid), lang, { open: i < 2 })))}
${fixed.topic ? '' : flatFacet(path, linkParams, 'topic', facets.topic ?? [], selected('topic'), lang, reg, { show: 8, titles: v.topicTitles })}
${fixed.doc ? '' : flatFacet(path, linkParams, 'doc', facets.doc ?? [], selected('doc'), lang, reg, { show: 6, titles: v.docTitles })}
</aside>`;
}

/** The count, active filters, sort form and export links above the results. */
function resultsHead(v: ResultsView): Html {
  const { lang, query, path, canonical, linkParams, fixed, page, pages } = v;
  const total = v.data.total;
  const chips = activeChips(v);
  const exportQs = canonical.toString();
  const sortNow = query.sort ?? (query.q ? 'relevance' : 'document');
  return html`<div class="results-head">
<p class="result-count sans" role="status"><strong>${total === 1 ? L(lang, S.one) : L(lang, S.results).replace('{n}', fmtNumber(total, lang))}</strong>${
    pages > 1 ? html` · <span class="muted">${L(lang, S.pageOf).replace('{p}', String(page)).replace('{n}', fmtNumber(pages, lang))}</span>` : ''
  }</p>
${
  chips.length
    ? html`<p class="active-filters sans small"><span class="visually-hidden">${L(lang, S.active)}: </span>${chips.map((x) => html`${x} `)}${
        linkParams.toString() ? html`<a href="${url(path, {})}">${L(lang, S.clear)}</a>` : ''
      }</p>`
    : ''
}
<form class="sort-form sans small" method="get" action="${path}">
  ${[...canonical].filter(([k]) => k !== 'sort' && !fixed[k]?.length).map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`)}
  <label for="sort">${L(lang, S.sort)}</label>
  <select id="sort" name="sort">${(['relevance', 'document', 'year', 'id'] as const)
    .filter((x) => x !== 'relevance' || query.q)
    .map((x) => html`<option value="${x}"${sortNow === x ? html` selected` : ''}>${L(lang, S.sorts[x])}</option>`)}</select>
  <button type="submit" class="secondary">${L(lang, S.apply)}</button>
</form>
<p class="export-links sans small"><abbr class="explained" title="${L(lang, S.exportHelp)}">${L(lang, S.exportAll)}</abbr>: ${(['csv', 'xlsx', 'json', 'jsonl'] as const).map(
    (f, i) => html`${i ? ' · ' : ''}<a href="/export.${f}${exportQs ? '?' + exportQs : ''}" rel="nofollow">${f.toUpperCase()}</a>`,
  )} · <a href="/api/v1/statements${exportQs ? '?' + exportQs : ''}" rel="nofollow">${L(lang, S.api)}</a></p>
</div>`;
}

function pagerNav(path: string, params: URLSearchParams, page: number, pages: number, lang: Lang): Html {
  const href = (p: number) => {
    const q = new URLSearchParams(params);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  const nums = new Set<number>([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...nums].sort((a, b) => a - b);
  const items: Html[] = [];
  let prev = 0;
  for (const p of sorted) {
    if (p - prev > 1) items.push(html`<span class="gap" aria-hidden="true">…</span>`);
    items.push(p === page ? html`<span aria-current="page" class="current">${p}</span>` : html`<a href="${href(p)}">${p}</a>`);
    prev = p;
  }
  return html`<nav class="pager" aria-label="${lang === 'zh' ? '分页' : 'Pagination'}">
${page > 1 ? html`<a rel="prev" href="${href(page - 1)}">← ${t(lang, 'previous')}</a>` : ''}
${items}
${page < pages ? html`<a rel="next" href="${href(page + 1)}">${t(lang, 'next')} →</a>` : ''}
</nav>`;
}

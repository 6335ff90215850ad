// Taxonomy browser: /t (all taxonomies), /t/<taxonomy> (a tree with counts), /t/<taxonomy>/<code>
// (a node: description, where it sits, its children, and the statements labelled with it).
import type { Context, Hono } from 'hono';
import { readLabelCounts } from '../../store/read/taxonomy.ts';
import { taxonomyNodeJson } from '../../api/routes.ts';
import { jsonTwin, sendTwin, twinLink, twinNotFound } from '../twin.ts';
import type { Lang } from '../../model/index.ts';
import type { Taxonomy, TaxonomyNode } from '../../taxonomy/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { barChart } from '../charts.ts';
import { parseQuery } from '../../search/query.ts';
import { facetedResults } from './search.ts';
import { crosswalkSection } from '../components/crosswalk.ts';

const S = {
  intro: {
    en: 'Every statement in govnav is labelled on the taxonomies that apply to its kind. Counts are statements whose current label is the code or one of its sub-codes.',
    zh: 'govnav 中的每个条目都会按其类型适用的分类体系进行标注。数量为当前标签属于该代码或其下级代码的条目数。',
  },
  appliesTo: { en: 'Labels', zh: '标注对象' },
  documentsLabel: { en: 'documents', zh: '文件' },
  kinds: { mitigation: { en: 'mitigations', zh: '缓解措施' }, risk: { en: 'risks', zh: '风险' }, principle: { en: 'principles', zh: '原则' } },
  nodes: { en: 'codes', zh: '个代码' },
  version: { en: 'version', zh: '版本' },
  source: { en: 'Source', zh: '来源' },
  children: { en: 'Sub-categories', zh: '下级类别' },
  labelled: { en: 'Statements labelled here', zh: '标注于此的条目' },
  none: { en: 'No statement carries this label yet.', zh: '尚无条目带有此标签。' },
  direct: { en: 'labelled with this exact code', zh: '直接标注此代码' },
  total: { en: 'including sub-codes', zh: '含下级代码' },
  special: {
    other: { en: 'Catch-all code for statements that fit no other category.', zh: '用于无法归入其他类别的条目的兜底代码。' },
    excluded: { en: 'Excluded by the publisher from the taxonomy proper.', zh: '被发布方排除在分类体系之外。' },
    'not-coded': { en: 'The publisher did not code this item.', zh: '发布方未对此项编码。' },
    unable: { en: 'Explicit "unable to classify": the text gives too little to decide.', zh: '明确的“无法分类”：文本信息不足以判断。' },
  },
  distribution: { en: 'Distribution of current labels at the top level', zh: '顶层当前标签分布' },
  filterKind: { en: 'Kind', zh: '类型' },
  all: { en: 'All', zh: '全部' },
  apply: { en: 'Apply', zh: '应用' },
  showing: { en: 'Showing', zh: '显示' },
  filterHelp: {
    en: 'the list below counts sub-codes too and can be narrowed with the same filters as search.',
    zh: '下方列表包含下级代码，并可使用与搜索相同的筛选条件缩小范围。',
  },
  documentLevel: {
    en: 'This taxonomy labels documents rather than statements; see the documents list.',
    zh: '此分类体系用于标注文件而非条目；请参阅文件列表。',
  },
  of: { en: 'of', zh: '/' },
} as const;

type C = Context<AppEnv>;

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/t', (c) => taxonomyListPage(c, ctx));
  app.get('/t/:taxonomy', (c) => taxonomyPage(c, ctx));
  app.get('/t/:taxonomy/:code', (c) => taxonomyNodePage(c, ctx));
}

async function taxonomyListPage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const counts = await labelCounts(ctx);
  const list = ctx.store.taxonomies.list();
  const body = html`<h1>${t(lang, 'taxonomies')}</h1>
<p class="lede">${L(lang, S.intro)}</p>
<div class="grid grid-3">
${list.map((tax) => {
  const total = [...(counts.get(tax.id)?.values() ?? [])].reduce((a, b) => a + b, 0);
  return html`<section class="panel">
  <h2><a href="/t/${tax.id}">${L(lang, tax.data.name)}</a></h2>
  <p class="small">${L(lang, tax.data.description)}</p>
  <p class="small muted sans">${fmtNumber(tax.nodes.size, lang)} ${L(lang, S.nodes)} · ${L(lang, S.version)} ${tax.version} · ${L(lang, S.appliesTo)}: ${appliesTo(tax, lang)} · ${fmtNumber(total, lang)} ${t(lang, 'statements')}</p>
</section>`;
})}
</div>`;
  return c.html(renderPage(c, { title: t(lang, 'taxonomies'), section: 'taxonomies', body, crumbs: [[t(lang, 'home'), '/'], [t(lang, 'taxonomies')]] }));
  }

async function taxonomyPage(c: Context<AppEnv, '/t/:taxonomy'>, ctx: AppContext) {
  const lang = c.get('lang');
  const id = c.req.param('taxonomy');
  if (!ctx.store.taxonomies.has(id)) return c.notFound();
  const tax = ctx.store.taxonomies.get(id);
  const direct = (await labelCounts(ctx)).get(id) ?? new Map<string, number>();
  const rolled = rollUp(tax, direct);
  const roots = tax.roots.map((r) => tax.node(r));
  const body = html`<h1>${L(lang, tax.data.name)}</h1>
<p class="lede">${L(lang, tax.data.description)}</p>
<p class="small muted sans">${L(lang, S.version)} ${tax.version} · ${L(lang, S.appliesTo)}: ${appliesTo(tax, lang)} · ${L(lang, S.source)}: ${tax.data.source.citation}${
    tax.data.source.url ? html` (<a href="${tax.data.source.url}" rel="noopener">link</a>)` : ''
  }</p>
${
  [...rolled.values()].some((n) => n > 0)
  ? barChart({
      id: 'dist',
      lang,
      caption: L(lang, S.distribution),
      bars: roots.map((n) => ({
        label: `${n.code} ${L(lang, n.name)}`,
        value: rolled.get(n.code) ?? 0,
        href: `/t/${id}/${encodeURIComponent(n.code)}`,
        title: L(lang, n.description),
      })),
    })
  : ''
}
<ul class="tree">${roots.map((n) => treeItem(tax, n, rolled, lang))}</ul>
${[...tax.nodes.values()].some((n) => n.projectLabel) ? html`<p class="small muted">* ${t(lang, 'projectLabel')}</p>` : ''}`;
  return c.html(
    renderPage(c, {
      title: L(lang, tax.data.name),
      section: 'taxonomies',
      body,
      description: L(lang, tax.data.description),
      crumbs: [[t(lang, 'home'), '/'], [t(lang, 'taxonomies'), '/t'], [L(lang, tax.data.name)]],
    }),
  );
  }

async function taxonomyNodePage(c: Context<AppEnv, '/t/:taxonomy/:code'>, ctx: AppContext) {
  const lang = c.get('lang');
  const id = c.req.param('taxonomy');
  const twin = jsonTwin(c, c.req.param('code'));
  const code = twin.id;
  if (!ctx.store.taxonomies.has(id)) return c.notFound();
  const tax = ctx.store.taxonomies.get(id);
  if (!tax.has(code)) return twin.json ? twinNotFound(c, `No code "${code}" in taxonomy "${id}".`) : c.notFound();
  const node = tax.node(code);
  // One read model for the page, its twin and the API node route: the taxonomy's label counts.
  const direct = (await readLabelCounts(ctx.store.db, id)).get(id) ?? new Map<string, number>();
  if (twin.json) return sendTwin(c, taxonomyNodeJson(tax, code, direct));
  const sp = new URL(c.req.url).searchParams;
  sp.delete(id);
  const parsed = parseQuery(sp, ctx.store.taxonomies);
  const query = { ...parsed.query, labels: { ...parsed.query.labels, [id]: [code] } };
  const page = Math.max(1, Number(sp.get('page') ?? 1) || 1);
  const nodePath = `/t/${id}/${encodeURIComponent(code)}`;
  const appliesToStatements = tax.data.appliesTo.length > 0;
  const listed = appliesToStatements
    ? await facetedResults(ctx, lang, query, parsed.errors, page, { path: nodePath, fixed: { [id]: [code] } })
    : undefined;
  const directCount = direct.get(code) ?? 0;
  const parent = node.parent ? tax.node(node.parent) : undefined;
  const mapped = await crosswalkSection(lang, ctx.store.taxonomies, id, code);
  const body = html`<p class="small muted sans"><a href="/t/${id}">${L(lang, tax.data.name)}</a></p>
<h1><span class="code">${code}</span> ${L(lang, node.name)}${node.projectLabel ? html`<sup title="${t(lang, 'projectLabel')}">*</sup>` : ''}</h1>
${node.description ? html`<p class="lede">${L(lang, node.description)}</p>` : ''}
${node.special ? html`<p class="notice">${L(lang, S.special[node.special])}</p>` : ''}
${parent ? html`<p class="sans">${t(lang, 'alsoIn')} <a class="label" href="/t/${id}/${encodeURIComponent(parent.code)}"><span class="code">${parent.code}</span> ${L(lang, parent.name)}</a></p>` : ''}
${node.projectLabel ? html`<p class="small muted">* ${t(lang, 'projectLabel')}</p>` : ''}
${
  node.children.length
  ? html`<h2>${L(lang, S.children)}</h2><ul class="tree">${node.children.map((ch) => {
      const n = tax.node(ch);
      return html`<li><a href="/t/${id}/${encodeURIComponent(ch)}"><span class="code">${ch}</span> ${L(lang, n.name)}</a>${n.description ? html` <span class="small muted">— ${L(lang, n.description)}</span>` : ''}</li>`;
    })}</ul>`
  : ''
}
${mapped}
<h2>${L(lang, S.labelled)}</h2>
${
  listed
  ? html`<p class="sans small">${fmtNumber(directCount, lang)} ${L(lang, S.direct)}; ${L(lang, S.filterHelp)}</p>${listed.body}`
  : html`<p class="muted">${L(lang, S.documentLevel)}</p>`
}`;
  return c.html(
    renderPage(c, {
      title: `${code} ${L(lang, node.name)}`,
      section: 'taxonomies',
      body,
      head: twinLink(`/t/${id}/${encodeURIComponent(code)}.json`),
      description: L(lang, node.description),
      crumbs: [
        [t(lang, 'home'), '/'],
        [t(lang, 'taxonomies'), '/t'],
        [L(lang, tax.data.name), `/t/${id}`],
        ...node.path.map((p): [string, string] => [`${p} ${L(lang, tax.node(p).name)}`, `/t/${id}/${encodeURIComponent(p)}`]),
        [`${code} ${L(lang, node.name)}`],
      ],
    }),
  );
  }


function appliesTo(tax: Taxonomy, lang: Lang): string {
  const parts: string[] = tax.data.appliesTo.map((k) => L(lang, S.kinds[k]));
  if (tax.data.appliesToDocuments) parts.push(L(lang, S.documentsLabel));
  return parts.join(', ') || '—';
}

function treeItem(tax: Taxonomy, n: TaxonomyNode, rolled: Map<string, number>, lang: Lang): Html {
  const count = rolled.get(n.code) ?? 0;
  return html`<li><a href="/t/${tax.id}/${encodeURIComponent(n.code)}"><span class="code">${n.code}</span> ${L(lang, n.name)}</a>${
    n.projectLabel ? html`<sup title="${t(lang, 'projectLabel')}">*</sup>` : ''
  } <span class="count">${fmtNumber(count, lang)}</span>${n.description ? html`<div class="small muted">${L(lang, n.description)}</div>` : ''}${
    n.children.length ? html`<ul>${n.children.map((ch) => treeItem(tax, tax.node(ch), rolled, lang))}</ul>` : ''
  }</li>`;
}

/** taxonomy → code → number of live statements whose current label is exactly that code (src/store/read/taxonomy.ts). */
export function labelCounts(ctx: AppContext): Promise<Map<string, Map<string, number>>> {
  return readLabelCounts(ctx.store.db);
}

/** Counts that include every descendant's. */
export function rollUp(tax: Taxonomy, direct: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of tax.nodes.values()) {
    const v = direct.get(n.code) ?? 0;
    for (const code of [n.code, ...n.path]) out.set(code, (out.get(code) ?? 0) + v);
  }
  return out;
}

export function descendants(tax: Taxonomy, code: string): string[] {
  const out: string[] = [];
  const visit = (c: string) => {
    out.push(c);
    tax.node(c).children.forEach(visit);
  };
  visit(code);
  return out;
}

export function pager(path: string, params: Record<string, string | undefined>, page: number, perPage: number, total: number, lang: Lang): Html {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return html``;
  return html`<nav class="pager" aria-label="${lang === 'zh' ? '分页' : 'Pagination'}">
  ${page > 1 ? html`<a rel="prev" href="${url(path, { ...params, page: page - 1 })}">← ${t(lang, 'previous')}</a>` : ''}
  <span>${page} / ${pages}</span>
  ${page < pages ? html`<a rel="next" href="${url(path, { ...params, page: page + 1 })}">${t(lang, 'next')} →</a>` : ''}
</nav>`;
}


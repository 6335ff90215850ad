// Documents: /d (every document with its statement counts, sortable) and /d/<id> (metadata,
// licence, counts per taxonomy as charts with their tables, all statements as a tree with their
// labels, the outline of an ingested document with every block's role (filter ?role=, search ?q=),
// and a cite box).
import { shortAuthors } from '../../text/authors.ts';
import type { Context, Hono } from 'hono';
import { publicBaseUrl } from '../../cite/public-url.ts';
import { documentCitation } from '../../cite/index.ts';
import { listWorkRows, WORK_LIST_SORTS, type BlockRow } from '../../store/index.ts';
import { isDocumentId, readDocument, readOutline, type DocumentView } from '../../store/read/document.ts';
import { documentPageJson } from '../../api/routes.ts';
import { jsonTwin, sendTwin, twinLink, twinNotFound } from '../twin.ts';
import { sameTextGroups, sameTextSection, workSources } from '../components/work.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { barChart } from '../charts.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { assetUrl } from '../static.ts';
import { citeBox } from '../components/cite.ts';
import { byline, docTypeName, doiHref, DS, langName, licenceBlock, safeHref } from '../components/document.ts';
import { primaryTaxonomies, taxName } from '../components/labels.ts';
import { groupLabels, KIND_PLURAL, statementTree } from '../components/statements.ts';
import { outlineParams, outlineSection, ROLE_NAMES } from '../components/outline.ts';
import { ROLES } from '../../extract/types.ts';

const S = {
  intro: {
    en: 'Every document in the corpus, with the number of statements taken from it. Sort by a column heading; open a document to see its statements and labels.',
    zh: '语料库中的全部文件及从中提取的条目数。点击列标题排序；打开文件可查看其条目与标签。',
  },
  title: { en: 'Title', zh: '标题' },
  by: { en: 'Authors or organisation', zh: '作者或机构' },
  statements: { en: 'Statements', zh: '条目' },
  allStatements: { en: 'All statements', zh: '全部条目' },
  treeHelp: {
    en: 'In source order; parts of a statement are nested under it. The chip is the statement’s main category.',
    zh: '按原文顺序排列；条目的组成部分嵌套在其下。标签为条目的主要类别。',
  },
  counts: { en: 'Labels in this document', zh: '本文件的标签分布' },
  countsHelp: {
    en: 'Statements of this document per top-level category (current labels; sub-categories counted in their parent). Click a bar to search them.',
    zh: '本文件各顶层类别的条目数（按当前标签；下级类别计入上级）。点击条形可检索相应条目。',
  },
  noLabels: { en: 'No statement of this document is labelled yet.', zh: '本文件尚无条目被标注。' },
  searchIn: { en: 'Search within this document', zh: '在本文件中检索' },
  export: { en: 'Download its statements', zh: '下载其条目' },
  metadata: { en: 'About this document', zh: '文件信息' },
  legislative: { en: 'Legislative status', zh: '立法属性' },
  retired: {
    en: 'This document is no longer in the current version of its source dataset; its page is kept so that citations keep working.',
    zh: '此文件已不在其来源数据集的当前版本中；为保证引用有效，页面予以保留。',
  },
  empty: { en: 'No documents yet. See the home page for how to load data.', zh: '尚无文件。请参阅首页了解如何加载数据。' },
  sortBy: { en: 'Sort by', zh: '排序' },
  sources: { en: '({n} sources)', zh: '（{n} 个来源）' },
  shown: { en: 'Showing the first {n} statements.', zh: '仅显示前 {n} 个条目。' },
} as const;

const SORTS = WORK_LIST_SORTS;
type SortKey = keyof typeof SORTS;

const TREE_LIMIT = 2000;

type C = Context<AppEnv>;
type Lang = Parameters<typeof L>[0];
type Registry = AppContext['store']['taxonomies'];

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/d', (c) => documentListPage(c, ctx));
  app.get('/d/:id', (c) => documentPage(c, ctx));
}

/** /d: one row per work (a work carried by several sources, datasets or ingests, is listed once; src/store/works.ts). */
async function documentListPage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const sortParam = c.req.query('sort') ?? 'title';
  const sort: SortKey = Object.hasOwn(SORTS, sortParam) ? (sortParam as SortKey) : 'title';
  const rows = await listWorkRows(ctx.store.db, sort);
  const body = html`<h1>${t(lang, 'documents')}</h1>
<p class="lede">${L(lang, S.intro)}</p>
${rows.length ? documentTable(rows, sort, lang) : html`<p class="empty-state">${L(lang, S.empty)} <a href="/">${t(lang, 'home')}</a></p>`}`;
  return c.html(renderPage(c, { title: t(lang, 'documents'), section: 'documents', body, crumbs: [[t(lang, 'home'), '/'], [t(lang, 'documents')]] }));
}

function documentTable(rows: Awaited<ReturnType<typeof listWorkRows>>, sort: SortKey, lang: Lang): Html {
  const th = (key: SortKey, label: string, cls = '') =>
    html`<th scope="col"${cls ? html` class="${cls}"` : ''}${sort === key ? html` aria-sort="${key === 'year' || key === 'statements' ? 'descending' : 'ascending'}"` : ''}><a href="${url('/d', { sort: key })}">${label}</a>${sort === key ? ' ▾' : ''}</th>`;
  return html`<div class="table-scroll"><table class="doc-table">
<caption>${fmtNumber(rows.length, lang)} ${t(lang, 'documents').toLowerCase()}</caption>
<thead><tr>${th('title', L(lang, S.title))}<th scope="col">${L(lang, S.by)}</th>${th('year', L(lang, DS.year), 'num')}${th('type', L(lang, DS.type))}${th(
    'statements',
    L(lang, S.statements),
    'num',
  )}<th scope="col" class="num">${L(lang, KIND_PLURAL.mitigation)}</th><th scope="col" class="num">${L(lang, KIND_PLURAL.risk)}</th><th scope="col" class="num">${L(lang, KIND_PLURAL.principle)}</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr><td><a href="/d/${r.id}" lang="${r.language}">${r.title}</a> <span class="code muted">${r.id}</span>${
      r.sources > 1 ? html` <span class="small muted">${L(lang, S.sources).replace('{n}', fmtNumber(r.sources, lang))}</span>` : ''
    }</td><td lang="${r.language}">${shortAuthors(r.authors) || r.organisation || ''}</td><td class="num">${r.year ?? ''}</td><td>${docTypeName(r.doc_type, lang)}</td><td class="num">${fmtNumber(r.n, lang)}</td><td class="num">${fmtNumber(r.mitigation, lang)}</td><td class="num">${fmtNumber(r.risk, lang)}</td><td class="num">${fmtNumber(r.principle, lang)}</td></tr>`,
  )}</tbody></table></div>`;
}

/** /d/<id> and its JSON twin. */
async function documentPage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const twin = jsonTwin(c, c.req.param('id') ?? '');
  const id = twin.id;
  if (!isDocumentId(id)) return c.notFound();
  const db = ctx.store.db;
  const reg = ctx.store.taxonomies;
  const base = publicBaseUrl(ctx.config);
  // One read model for the page, its JSON twin and the API (src/store/read/document.ts). One work,
  // one page: the statements of every document carrying this work, each text once (statements with
  // the same text as another of the work are listed under "published by several sources").
  const view = await readDocument(db, id);
  if (!view) return twin.json ? twinNotFound(c, `No document "${id}".`) : c.notFound();
  if (twin.json) return sendTwin(c, documentPageJson(view, reg, base));
  const [{ blocks, text: docText }, groups] = await Promise.all([readOutline(db, id), sameTextGroups(db, reg, view.memberIds)]);
  const doc = view.document;
  const cite = documentCitation(doc, { baseUrl: base });
  const outline =
    blocks.length && docText !== undefined
      ? outlineSection({ documentId: id, language: doc.language, text: docText, blocks: blocks as BlockRow[], ...outlineParams((k) => c.req.query(k)) }, lang)
      : '';
  const body = documentBody({ view, id, reg, lang, blocks, outline, groups, cite });
  return c.html(
    renderPage(c, {
      title: doc.title,
      section: 'documents',
      body,
      description: byline(doc),
      head: html`<script src="${assetUrl('app.js')}" defer></script><link rel="canonical" href="${cite.url}">${twinLink(`/d/${doc.id}.json`)}`,
      crumbs: [[t(lang, 'home'), '/'], [t(lang, 'documents'), '/d'], [doc.id]],
    }),
  );
}

interface DocumentParts {
  view: DocumentView;
  id: string;
  reg: Registry;
  lang: Lang;
  blocks: { role: string }[];
  outline: Html | string;
  groups: Awaited<ReturnType<typeof sameTextGroups>>;
  cite: ReturnType<typeof documentCitation>;
}

/** The page of a document: heading, role counts, statements tree, charts, same-text groups, outline, metadata and cite box. */
function documentBody(p: DocumentParts): Html {
  const { view, id, reg, lang, outline, cite } = p;
  const { document: doc, work, memberIds, statements: stmts } = view;
  const total = view.statementTotal;
  const kinds = [...new Set(stmts.map((s) => s.kind))];
  const primIds = [...new Set(kinds.flatMap((k) => primaryTaxonomies(reg, k)))].filter((x) => reg.has(x));
  const extra = kinds.includes('mitigation') && reg.has('risk-domain') ? ['risk-domain'] : [];
  const shownTax = new Set([...primIds, ...extra]);
  const labels = groupLabels(view.labels.filter((l) => shownTax.has(l.taxonomy)));
  const charts = labelCharts(view.labelCounts, reg, id, lang);
  return html`${doc.retired_at ? html`<p class="notice error" role="status">${L(lang, S.retired)}</p>` : ''}
<p class="kicker sans small">${docTypeName(doc.doc_type, lang)} <span class="code">${doc.id}</span></p>
<h1 lang="${doc.language}">${doc.title}</h1>
<p class="byline lede" lang="${doc.language}">${byline(doc)}</p>
${outline ? roleCountsLine(p.blocks, id, lang) : ''}
<div class="grid grid-2">
<div class="main-col">
${work ? workSources(work, id, lang) : ''}
${doc.abstract ? html`<section aria-labelledby="abs-h"><h2 id="abs-h">${L(lang, DS.abstract)}</h2><p class="abstract" lang="${doc.language}">${doc.abstract}</p></section>` : ''}
<section aria-labelledby="counts-h"><h2 id="counts-h">${L(lang, S.counts)}</h2>
${charts.length ? html`<p class="small muted sans">${L(lang, S.countsHelp)}</p>${charts}` : html`<p class="muted">${L(lang, S.noLabels)}</p>`}
</section>
<section aria-labelledby="tree-h"><h2 id="tree-h">${L(lang, S.allStatements)} <span class="muted small">(${fmtNumber(total, lang)})</span></h2>
<p class="small muted sans">${L(lang, S.treeHelp)} <a href="${url('/search', { doc: id })}">${L(lang, S.searchIn)}</a> · ${L(lang, S.export)}: <a href="${url('/export.csv', { doc: id })}">CSV</a> · <a href="${url('/export.xlsx', { doc: id })}">XLSX</a> · <a href="${url('/export.json', { doc: id })}">JSON</a></p>
${statementTree(stmts, labels, reg, lang, { snippets: true, extraTaxonomies: extra })}
${total > stmts.length ? html`<p class="notice">${L(lang, S.shown).replace('{n}', fmtNumber(stmts.length, lang))} <a href="${url('/search', { doc: id })}">${L(lang, S.searchIn)}</a></p>` : ''}
</section>
${sameTextSection(p.groups, id, reg, lang, memberIds.length > 1)}
${outline}
</div>
<aside class="aside">
${metadataSection(view, reg, lang)}
${citeBox(doc.id, cite, lang)}
</aside>
</div>`;
}

/** How many blocks of the outline have each role, each a link to the outline filtered by it. */
function roleCountsLine(blocks: { role: string }[], id: string, lang: Lang): Html {
  const roleCounts = new Map<string, number>();
  for (const b of blocks) roleCounts.set(b.role, (roleCounts.get(b.role) ?? 0) + 1);
  return html`<p class="role-counts sans small">${ROLES.map(
    (r, i) => html`${i ? ' · ' : ''}<a href="${url(`/d/${id}`, { role: r })}#outline-h" class="role-link role-${r}">${fmtNumber(roleCounts.get(r) ?? 0, lang)} ${L(lang, ROLE_NAMES[r])}</a>`,
  )}</p>`;
}

/** Charts: one per taxonomy that has labels here, by top-level category (sub-codes rolled up), in the taxonomy files' display order. */
function labelCharts(counts: DocumentView['labelCounts'], reg: Registry, id: string, lang: Lang): Html[] {
  const byTax = new Map<string, Map<string, number>>();
  for (const r of counts) {
    if (!reg.has(r.taxonomy)) continue;
    const tax = reg.get(r.taxonomy);
    if (!tax.has(r.code)) continue;
    const top = tax.node(r.code).path[0] ?? r.code;
    let m = byTax.get(r.taxonomy);
    if (!m) byTax.set(r.taxonomy, (m = new Map()));
    m.set(top, (m.get(top) ?? 0) + r.n);
  }
  const order = reg.inDisplayOrder().map((x) => x.id);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return reg
    .list()
    .filter((tax) => byTax.has(tax.id))
    .sort((a, b) => rank(a.id) - rank(b.id))
    .map((tax) => {
      const m = byTax.get(tax.id)!;
      return barChart({
        id: `chart-${tax.id}`,
        lang,
        caption: taxName(tax, lang),
        labelWidth: 260,
        bars: tax.roots
          .filter((code) => m.has(code))
          .map((code) => ({
            label: `${/^[a-z]/.test(code) ? '' : code + ' '}${L(lang, tax.node(code).name)}`,
            value: m.get(code)!,
            href: url('/search', { doc: id, [tax.id]: code }),
            title: L(lang, tax.node(code).description),
          })),
      });
    });
}

/** "About this document": the metadata list and the licence. */
function metadataSection(view: DocumentView, reg: Registry, lang: Lang): Html {
  const doc = view.document;
  const href = safeHref(doc.url);
  const doi = doiHref(doc.doi);
  const legislative =
    doc.legislative_status && reg.has('legislative-status') && reg.get('legislative-status').has(doc.legislative_status)
      ? L(lang, reg.get('legislative-status').node(doc.legislative_status).name)
      : doc.legislative_status;
  return html`<section aria-labelledby="meta-h"><h2 id="meta-h">${L(lang, S.metadata)}</h2>
<dl class="kv">
  ${doc.authors ? html`<dt>${L(lang, DS.authors)}</dt><dd lang="${doc.language}">${doc.authors}</dd>` : ''}
  ${doc.organisation ? html`<dt>${L(lang, DS.organisation)}</dt><dd lang="${doc.language}">${doc.organisation}</dd>` : ''}
  ${doc.date || doc.year ? html`<dt>${L(lang, DS.date)}</dt><dd>${doc.date || String(doc.year)}</dd>` : ''}
  <dt>${L(lang, DS.type)}</dt><dd>${docTypeName(doc.doc_type, lang)}</dd>
  ${doc.jurisdiction ? html`<dt>${L(lang, DS.jurisdiction)}</dt><dd>${doc.jurisdiction}</dd>` : ''}
  ${legislative ? html`<dt>${L(lang, S.legislative)}</dt><dd>${legislative}</dd>` : ''}
  <dt>${L(lang, DS.language)}</dt><dd>${langName(doc.language, lang)}</dd>
  ${href ? html`<dt>${L(lang, DS.source)}</dt><dd><a href="${href}" rel="noopener noreferrer nofollow">${L(lang, DS.openSource)} ↗</a></dd>` : ''}
  ${doi ? html`<dt>${L(lang, DS.doi)}</dt><dd><a href="${doi}" rel="noopener noreferrer nofollow">${doc.doi}</a></dd>` : ''}
  <dt>${L(lang, S.statements)}</dt><dd>${fmtNumber(view.statementTotal, lang)}</dd>
</dl>
${licenceBlock(doc, lang)}
</section>`;
}

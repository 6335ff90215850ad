// Home: what the corpus holds at a glance (counts per mitigation category, risk domain and document
// type, as charts with their tables), a search box, and where to start browsing. With an empty
// database it says how to load data.
import type { Context, Hono } from 'hono';
import { readHomeStats, type HomeStats } from '../../store/read/stats.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { barChart, type Bar } from '../charts.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { t, UI } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { docTypeName } from '../components/document.ts';
import { primaryTaxonomies } from '../components/labels.ts';
import { DATASETS } from '../../importers/datasets.ts';

const S = {
  empty: { en: 'The database is empty', zh: '数据库为空' },
  emptyText: {
    en: 'Load the public datasets (each is downloaded from its publisher and imported with its licence and attribution), or a file you have:',
    zh: '加载公开数据集（每个数据集都从其发布方下载，并连同许可与署名一并导入），或导入您已有的文件：',
  },
  docs: { en: 'documents', zh: '份文件' },
  mitigations: { en: 'mitigations', zh: '条缓解措施' },
  risks: { en: 'risks', zh: '条风险' },
  principles: { en: 'principles', zh: '条原则' },
  labels: { en: 'current labels', zh: '个当前标签' },
  human: { en: 'by people', zh: '由人工给出' },
  glance: { en: 'The corpus at a glance', zh: '语料库概览' },
  browse: { en: 'Start here', zh: '从这里开始' },
  byCategory: { en: 'Mitigations by category', zh: '按类别统计的缓解措施' },
  byDomain: { en: 'Risks by risk domain', zh: '按风险领域统计的风险' },
  byPrimary: { en: 'Mitigations by primary risk domain', zh: '按主要风险领域统计的缓解措施' },
  byType: { en: 'Documents by type', zh: '按类型统计的文件' },
  searchLabel: { en: 'Search every statement', zh: '搜索全部条目' },
  cards: {
    search: { en: 'Full text and filters on every taxonomy; download exactly what you filtered.', zh: '全文检索，可按所有分类体系筛选；可下载筛选结果。' },
    documents: { en: 'Every source document with its statements, labels and licence.', zh: '每份来源文件及其条目、标签和许可。' },
    taxonomies: { en: 'The classification schemes, as trees with counts and descriptions.', zh: '各分类体系的树状结构、数量与说明。' },
    risks: { en: 'The 7 risk domains: the risks coded to each and the mitigations that address it.', zh: '7 个风险领域：各领域的风险及针对它的缓解措施。' },
    about: { en: 'Sources, licences, what the labels mean and how to cite.', zh: '数据来源、许可、标签含义及引用方式。' },
  },
  about: { en: 'About and licences', zh: '关于与许可' },
  datasets: { en: 'Datasets in this navigator', zh: '本导航器中的数据集' },
  datasetsNote: {
    en: 'Each dataset keeps its publisher’s licence; the attribution below travels with every statement taken from it.',
    zh: '每个数据集保留其发布方的许可；下列署名随其每一条目一并显示。',
  },
  statementsN: { en: 'statements', zh: '条条目' },
  labelNote: {
    en: 'Labels come from the source datasets’ human coders, from reviewers, or from classifiers; every label says which.',
    zh: '标签来自来源数据集的人工编码、审核人或分类器；每个标签都注明来源。',
  },
} as const;

type C = Context<AppEnv>;
type Lang = Parameters<typeof L>[0];
type Registry = AppContext['store']['taxonomies'];

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/', (c) => homePage(c, ctx));
}

async function homePage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const reg = ctx.store.taxonomies;
  // The taxonomies of the home charts come from the registry (primary taxonomies of mitigations and risks).
  const chartTaxonomies = (['mitigation', 'risk'] as const).flatMap((kind) => primaryTaxonomies(reg, kind));
  const stats = await readHomeStats(ctx.store.db, [...new Set(chartTaxonomies)]);
  const k = stats.totals;
  const body = html`<h1 class="home-title">govnav</h1>
<p class="lede">${L(lang, UI.tagline)}</p>
${k.docs === 0 ? emptyStoreSection(lang) : loadedSections(stats, homeCharts(stats, reg, lang), lang)}
${browseSection(lang)}`;
  return c.html(renderPage(c, { title: L(lang, UI.tagline), section: 'home', body }));
}

/** The charts at a glance: mitigations by category, risks by domain, mitigations by primary risk domain, documents by type. */
function homeCharts(stats: HomeStats, reg: Registry, lang: Lang): Html[] {
  const labelRows = stats.labels;
  const bars = (taxonomy: string, kind: string, href: (code: string) => string): Bar[] => {
    if (!reg.has(taxonomy)) return [];
    const tax = reg.get(taxonomy);
    const m = rolledUp(reg, labelRows, taxonomy, kind);
    return tax.roots
      .filter((code) => !tax.node(code).special || (m.get(code) ?? 0) > 0)
      .map((code) => ({ label: `${code} ${L(lang, tax.node(code).name)}`, value: m.get(code) ?? 0, href: href(code), title: L(lang, tax.node(code).description) }));
  };
  // The mitigation taxonomy most mitigations are labelled on (version 2 once classified, else version 1).
  const labelled = (tid: string) => labelRows.filter((r) => r.taxonomy === tid && r.kind === 'mitigation').reduce((a, r) => a + r.n, 0);
  const mitTax = labelled('mitigation-v2') >= labelled('mitigation-v1') ? 'mitigation-v2' : 'mitigation-v1';
  const nonEmpty = (b: Bar[]) => b.some((x) => x.value > 0);
  const catBars = bars(mitTax, 'mitigation', (code) => url('/search', { kind: 'mitigation', [mitTax]: code }));
  const domBars = bars('risk-domain', 'risk', (code) => `/risk/${code}`);
  const primBars = bars('risk-domain', 'mitigation', (code) => url('/search', { kind: 'mitigation', 'risk-domain': code }));
  const typeRows = stats.docTypes;
  return [
    nonEmpty(catBars)
      ? barChart({ id: 'c-category', lang, caption: `${L(lang, S.byCategory)} (${reg.has(mitTax) ? L(lang, reg.get(mitTax).data.shortName ?? reg.get(mitTax).data.name) : mitTax})`, labelWidth: 230, bars: catBars })
      : '',
    nonEmpty(domBars) ? barChart({ id: 'c-domain', lang, caption: L(lang, S.byDomain), labelWidth: 230, bars: domBars }) : '',
    nonEmpty(primBars) ? barChart({ id: 'c-primary', lang, caption: L(lang, S.byPrimary), labelWidth: 230, bars: primBars }) : '',
    typeRows.length
      ? barChart({ id: 'c-type', lang, caption: L(lang, S.byType), labelWidth: 230, bars: typeRows.map((r) => ({ label: docTypeName(r.doc_type, lang), value: r.n, href: url('/search', { doctype: r.doc_type }) })) })
      : '',
  ].filter((x): x is Html => x !== '');
}

/** Labels of one kind on one taxonomy, rolled up to their top-level category. */
function rolledUp(reg: Registry, labelRows: HomeStats['labels'], taxonomy: string, kind: string): Map<string, number> {
  const m = new Map<string, number>();
  if (!reg.has(taxonomy)) return m;
  const tax = reg.get(taxonomy);
  for (const r of labelRows) {
    if (r.taxonomy !== taxonomy || r.kind !== kind || !tax.has(r.code)) continue;
    const top = tax.node(r.code).path[0] ?? r.code;
    m.set(top, (m.get(top) ?? 0) + r.n);
  }
  return m;
}

function emptyStoreSection(lang: Lang): Html {
  return html`<section class="empty-state" aria-labelledby="empty-h"><h2 id="empty-h">${L(lang, S.empty)}</h2><p>${L(lang, S.emptyText)}</p>
<pre><code>npx govnav datasets list
npx govnav datasets fetch mit-airi-risk-db
npx govnav datasets fetch mit-airi-mitigations
npx govnav import path/to/file.xlsx</code></pre></section>`;
}

/** The search box, the counts, the charts and the datasets with their attribution. */
function loadedSections(stats: HomeStats, charts: Html[], lang: Lang): Html {
  const k = stats.totals;
  return html`<form class="home-search" role="search" method="get" action="/search">
  <label for="home-q">${L(lang, S.searchLabel)}</label>
  <div class="row"><input id="home-q" name="q" type="search" placeholder="${t(lang, 'searchPlaceholder')}"><button type="submit">${t(lang, 'search')}</button></div>
</form>
<div class="stat-row">
  <a class="stat" href="/d"><b>${fmtNumber(k.docs, lang)}</b><span>${L(lang, S.docs)}</span></a>
  <a class="stat" href="${url('/search', { kind: 'mitigation' })}"><b>${fmtNumber(k.mitigation, lang)}</b><span>${L(lang, S.mitigations)}</span></a>
  <a class="stat" href="${url('/search', { kind: 'risk' })}"><b>${fmtNumber(k.risk, lang)}</b><span>${L(lang, S.risks)}</span></a>
  <a class="stat" href="${url('/search', { kind: 'principle' })}"><b>${fmtNumber(k.principle, lang)}</b><span>${L(lang, S.principles)}</span></a>
  <div class="stat"><b>${fmtNumber(k.labels, lang)}</b><span>${L(lang, S.labels)} (${fmtNumber(k.human, lang)} ${L(lang, S.human)})</span></div>
</div>
<p class="small muted">${L(lang, S.labelNote)}</p>
<section aria-labelledby="glance-h"><h2 id="glance-h">${L(lang, S.glance)}</h2>
<div class="grid grid-2-even">${charts}</div></section>
<section class="home-datasets" aria-labelledby="datasets-h"><h2 id="datasets-h">${L(lang, S.datasets)}</h2>
<p class="small muted">${L(lang, S.datasetsNote)}</p>
<ul class="dataset-list">${stats.datasets.map(
    (d) => html`<li data-dataset="${d.id}"><b>${d.title ?? DATASETS.find((x) => x.name === d.id)?.title ?? d.id}</b> <span class="muted small">(${d.id}, ${d.version} · ${d.licence} · ${fmtNumber(d.n, lang)} ${L(lang, S.statementsN)})</span>
<br><span class="small">${d.attribution}</span>${d.source_url && /^https?:\/\//.test(d.source_url) ? html` <a class="small" href="${d.source_url}" rel="noopener">${d.source_url}</a>` : ''}</li>`,
  )}</ul></section>`;
}

function browseSection(lang: Lang): Html {
  const card = (href: string, title: string, text: string) => html`<a class="card panel" href="${href}"><h3>${title}</h3><p class="small">${text}</p></a>`;
  return html`<section aria-labelledby="browse-h"><h2 id="browse-h">${L(lang, S.browse)}</h2>
<div class="grid grid-3 cards">
${card('/search', t(lang, 'search'), L(lang, S.cards.search))}
${card('/d', t(lang, 'documents'), L(lang, S.cards.documents))}
${card('/t', t(lang, 'taxonomies'), L(lang, S.cards.taxonomies))}
${card('/risk', t(lang, 'risks'), L(lang, S.cards.risks))}
${card('/about', L(lang, S.about), L(lang, S.cards.about))}
</div></section>`;
}

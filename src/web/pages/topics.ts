// Topic pages, as pure functions from data to HTML (every document string is escaped by the html
// template or escapeHtml; highlighting escapes the text around each <mark>):
//   /topics                the topics with counts
//   /topics/<id>           per document, its statements on the topic with the attribution line
//   /topics/matrix         documents × topics heatmap (SVG) with the table behind it
//   /topics/compare?d=…    two or more documents side by side, topic by topic
// The routes that fetch the data and wrap these bodies in the page shell are in routes/topics.ts.
import { shortAuthors } from '../../text/authors.ts';
import type { Lang } from '../../model/index.ts';
import { cleanName, plainText } from '../../text/markup.ts';
import { attributionPieces } from '../../topics/attribution.ts';
import type { Comparison } from '../../topics/compare.ts';
import { topicSpans, type CompiledLexicon } from '../../topics/match.ts';
import type { CoverageMatrix, MatrixDocument } from '../../topics/matrix.ts';
import type { DocumentMeta, TopicPageData, TopicRow, TopicStatement, TopicWithCounts } from '../../topics/query.ts';
import { barChart } from '../charts.ts';
import { docTypeName } from '../components/document.ts';
import { KIND_PLURAL } from '../components/statements.ts';
import { escapeHtml, fmtNumber, highlight, html, L, raw, url, type Html } from '../html.ts';

export const TS = {
  topics: { en: 'Topics', zh: '主题' },
  intro: {
    en: 'Coarse topics such as security, privacy or human oversight, each defined by terms in English and Chinese. Every statement — principle, mitigation or risk — is linked to the topics whose terms it uses, so a topic page gathers what different documents, in either language, say about it.',
    zh: '安全防护、隐私、人类监督等粗粒度主题，每个主题由中英文术语界定。每个条目（原则、缓解措施或风险）都会与其所用术语对应的主题相关联，因此主题页汇集了不同文件（无论中文还是英文）对该主题的论述。',
  },
  topic: { en: 'Topic', zh: '主题' },
  statements: { en: 'Statements', zh: '条目' },
  documents: { en: 'Documents', zh: '文件' },
  matrix: { en: 'Coverage matrix', zh: '覆盖矩阵' },
  matrixIntro: {
    en: 'Documents (rows) against topics (columns). Each cell counts the document\'s statements linked to the topic; darker means more. A ring marks a topic that no other document in the matrix covers.',
    zh: '文件（行）与主题（列）的对照。每个单元格为该文件中关联到该主题的条目数，颜色越深数量越多。圆环标记矩阵中没有其他文件涉及的主题。',
  },
  compare: { en: 'Compare documents', zh: '比较文件' },
  compareIntro: {
    en: 'Pick two or more documents to see, topic by topic, what each of them says.',
    zh: '选择两份或更多文件，逐个主题查看它们各自的论述。',
  },
  compareButton: { en: 'Compare', zh: '比较' },
  chart: { en: 'Statements per topic', zh: '各主题的条目数' },
  terms: { en: 'Terms', zh: '术语' },
  matched: { en: 'matched', zh: '匹配' },
  score: { en: 'score', zh: '得分' },
  more: { en: '{n} more statements of this document on the topic', zh: '该文件另有 {n} 条涉及此主题' },
  none: { en: 'No statement is linked to this topic yet.', zh: '尚无条目关联到此主题。' },
  noneFiltered: { en: 'No statement matches these filters.', zh: '没有符合这些筛选条件的条目。' },
  filters: { en: 'Filter', zh: '筛选' },
  docType: { en: 'Document type', zh: '文件类型' },
  jurisdiction: { en: 'Jurisdiction', zh: '司法辖区' },
  year: { en: 'Year', zh: '年份' },
  kind: { en: 'Kind', zh: '类型' },
  clear: { en: 'Clear filters', zh: '清除筛选' },
  countLine: { en: '{s} statements in {d} documents', zh: '{d} 份文件中的 {s} 条' },
  order: {
    en: 'Order: documents whose statements on this topic are principles come first, then those with mitigations, then those with only risks and attack techniques (most statements first within each); within a document, principles and mitigations come before risks, each in the order of the document.',
    zh: '排序：在此主题上含有原则的文件在前，其次是含有缓解措施的文件，最后是只有风险和攻击技术的文件（同类中条目多者在前）；在同一文件内，原则和缓解措施排在风险之前，各按文件中的顺序排列。',
  },
  allOf: { en: 'all statements of this document on the topic', zh: '该文件中涉及此主题的全部条目' },
  sortBy: { en: 'Sort rows by', zh: '行排序' },
  sorts: {
    coverage: { en: 'topics covered', zh: '涵盖主题数' },
    title: { en: 'title', zh: '标题' },
    statements: { en: 'statements', zh: '条目数' },
    date: { en: 'date', zh: '日期' },
    organisation: { en: 'organisation', zh: '机构' },
  },
  covered: { en: 'Covered', zh: '涵盖' },
  onlyHere: { en: 'Only this document', zh: '仅此文件' },
  legendFew: { en: 'none', zh: '无' },
  legendMany: { en: 'most', zh: '最多' },
  noneCoversAll: { en: 'No document covers all {n} topics.', zh: '没有任何文件涵盖全部 {n} 个主题。' },
  someCoverAll: { en: 'Documents covering all {n} topics: {docs}.', zh: '涵盖全部 {n} 个主题的文件：{docs}。' },
  uncoveredTopics: { en: 'Topics no document here covers: {t}.', zh: '这些文件均未涉及的主题：{t}。' },
  csv: { en: 'Download CSV', zh: '下载 CSV' },
  tableBehind: { en: 'The numbers as a table', zh: '数据表' },
  rowsShown: { en: 'Showing {n} of {total} documents.', zh: '显示 {total} 份文件中的 {n} 份。' },
  showAll: { en: 'Show all', zh: '显示全部' },
  sharedBy: { en: 'Covered by all of them', zh: '各文件共同涉及' },
  onlyIn: { en: 'Only in {doc}', zh: '仅见于 {doc}' },
  noneOf: { en: 'Covered by none of them', zh: '均未涉及' },
  pickDocs: { en: 'Documents', zh: '文件' },
  pickHelp: { en: 'Hold Ctrl (⌘ on a Mac) to choose several.', zh: '按住 Ctrl（Mac 上为 ⌘）可多选。' },
  nothing: { en: '—', zh: '—' },
  otherLang: { en: 'In Chinese', zh: '英文名' },
  previous: { en: 'Previous', zh: '上一页' },
  next: { en: 'Next', zh: '下一页' },
  page: { en: 'Page {p} of {n}', zh: '第 {p} 页，共 {n} 页' },
} as const;

type Str = { en: string; zh: string };
const F = (lang: Lang, s: Str, vars: Record<string, string | number>) =>
  L(lang, s).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

export function topicLabel(t: Pick<TopicRow, 'name_en' | 'name_zh'>, lang: Lang): string {
  return lang === 'zh' ? (t.name_zh ?? t.name_en) : t.name_en;
}
function topicDescription(t: Pick<TopicRow, 'description_en' | 'description_zh'>, lang: Lang): string {
  return lang === 'zh' ? (t.description_zh ?? t.description_en) : t.description_en;
}
function kindName(kind: string, lang: Lang): string {
  return L(lang, KIND_PLURAL[kind as keyof typeof KIND_PLURAL] ?? { en: kind, zh: kind });
}

/** "published by <organisation> in <document>, <date>" with the title linking to the document. */
export function attributionHtml(doc: DocumentMeta, lang: Lang): Html {
  const parts = attributionPieces(doc, lang).map((p) =>
    'text' in p ? escapeHtml(p.text) : `<a href="/d/${escapeHtml(doc.id)}" lang="${escapeHtml(doc.language)}">${escapeHtml(p.title)}</a>`,
  );
  return html`<p class="prov attribution">${raw(parts.join(''))}</p>`;
}

// ------------------------------------------------------------------ /topics

export function topicsIndexBody(lang: Lang, topics: TopicWithCounts[], opts: { documents: number }): Html {
  const linked = topics.some((t) => t.statements > 0);
  return html`<h1>${L(lang, TS.topics)}</h1>
<p class="lede">${L(lang, TS.intro)}</p>
<p class="sans"><a href="/topics/matrix">${L(lang, TS.matrix)} →</a> · <a href="/topics/compare">${L(lang, TS.compare)} →</a></p>
${
  linked
    ? barChart({
        id: 'topic-chart',
        lang,
        caption: L(lang, TS.chart),
        labelWidth: 230,
        bars: topics.map((t) => ({ label: topicLabel(t, lang), value: t.statements, href: url(`/topics/${t.id}`, { lang }), title: topicDescription(t, lang) })),
      })
    : html`<p class="empty-state">${L(lang, TS.none)} <code>govnav topics link</code></p>`
}
<div class="table-scroll"><table class="topic-table">
<caption>${fmtNumber(topics.length, lang)} ${L(lang, TS.topics).toLowerCase()} · ${fmtNumber(opts.documents, lang)} ${L(lang, TS.documents).toLowerCase()}</caption>
<thead><tr><th scope="col">${L(lang, TS.topic)}</th><th scope="col" class="num">${L(lang, TS.statements)}</th><th scope="col" class="num">${L(lang, TS.documents)}</th></tr></thead>
<tbody>${topics.map(
    (t) => html`<tr><th scope="row"><a href="${url(`/topics/${t.id}`, { lang })}">${topicLabel(t, lang)}</a> <span class="code muted">${t.id}</span>
<div class="small muted">${topicDescription(t, lang)}</div></th><td class="num">${fmtNumber(t.statements, lang)}</td><td class="num">${fmtNumber(t.documents, lang)}</td></tr>`,
  )}</tbody></table></div>`;
}

// ------------------------------------------------------------------ /topics/<id>

export interface TopicQuery {
  doctype: string[];
  jurisdiction: string[];
  year: number[];
  kind: string[];
  doc: string[];
  page: number;
}

/** Read the topic page's query parameters (unknown values are simply matched against nothing). */
export function parseTopicQuery(params: URLSearchParams): TopicQuery {
  const all = (k: string) => params.getAll(k).map((v) => v.trim()).filter(Boolean).slice(0, 50);
  return {
    doctype: all('doctype'),
    jurisdiction: all('jurisdiction'),
    year: all('year').map(Number).filter((n) => Number.isInteger(n)),
    kind: all('kind'),
    doc: all('doc').filter((d) => /^D\d{4,}$/.test(d)),
    page: Math.max(1, Math.min(10_000, Number(params.get('page')) || 1)),
  };
}

function toggle(path: string, params: URLSearchParams, key: string, value: string): string {
  const p = new URLSearchParams();
  let removed = false;
  for (const [k, v] of params) {
    if (k === 'page') continue;
    if (k === key && v === value) removed = true;
    else p.append(k, v);
  }
  if (!removed) p.append(key, value);
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

function facetBlock<T extends string | number>(
  lang: Lang,
  path: string,
  params: URLSearchParams,
  key: string,
  title: Str,
  values: { value: T; n: number }[],
  label: (v: T) => string,
): Html {
  if (!values.length) return html``;
  const selected = params.getAll(key);
  return html`<section class="facet"><h3>${L(lang, title)}</h3><ul class="facet-list">${values.map((v) => {
    const on = selected.includes(String(v.value));
    return html`<li><a href="${toggle(path, params, key, String(v.value))}"${on ? raw(' aria-current="true"') : ''}>${on ? '☑ ' : '☐ '}${label(v.value)}</a> <span class="n">${fmtNumber(v.n, lang)}</span></li>`;
  })}</ul></section>`;
}

function statementItem(s: TopicStatement, doc: DocumentMeta, lang: Lang, topicId: string, lex: CompiledLexicon): Html {
  const name = cleanName(s.name);
  const plain = s.text ? plainText(s.text) : '';
  const nameHtml = name ? highlight(name, topicSpans(lex, name, topicId)) : '';
  const textHtml = plain ? highlight(plain, topicSpans(lex, plain, topicId)) : '';
  const terms = s.matched_terms.map((m) => L(lang, { en: m.label.en, zh: m.label.zh ?? m.label.en }));
  return html`<li id="${s.id}">
<div class="stmt-head"><a class="stmt-name" href="/m/${s.id}" lang="${s.language}">${name ? nameHtml : s.id}</a> <span class="code muted">${s.id}</span>${s.locator_ref ? html` <span class="small muted">${s.locator_ref}</span>` : ''}</div>
${textHtml ? html`<div class="excerpt" lang="${s.language}">${textHtml}</div>` : ''}
<div class="stmt-meta">${kindName(s.kind, lang)} · ${L(lang, TS.matched)}: ${terms.join(', ')} · ${L(lang, TS.score)} ${s.score}</div>
${attributionHtml(doc, lang)}
</li>`;
}

export function topicBody(lang: Lang, data: TopicPageData, params: URLSearchParams, lex: CompiledLexicon): Html {
  const t = data.topic;
  const path = `/topics/${t.id}`;
  const filtered = ['doctype', 'jurisdiction', 'year', 'kind', 'doc'].some((k) => params.getAll(k).length);
  const otherName = lang === 'zh' ? t.name_en : t.name_zh;
  const terms = t.terms.map((x) => L(lang, { en: x.label.en, zh: x.label.zh ?? x.label.en }));
  const pageHref = (p: number) => {
    const q = new URLSearchParams(params);
    q.set('page', String(p));
    return `${path}?${q.toString()}`;
  };
  return html`<p class="kicker sans small"><a href="${url('/topics', { lang })}">${L(lang, TS.topics)}</a></p>
<h1>${topicLabel(t, lang)}${otherName ? html` <span class="muted small" lang="${lang === 'zh' ? 'en' : 'zh-Hans'}">${otherName}</span>` : ''}</h1>
<p class="lede">${topicDescription(t, lang)}</p>
<p class="small sans"><span class="muted">${L(lang, TS.terms)}:</span> ${terms.join(' · ')}</p>
<div class="stat-row">
  <div class="stat"><b>${fmtNumber(data.totalStatements, lang)}</b><span>${L(lang, TS.statements)}</span></div>
  <div class="stat"><b>${fmtNumber(data.totalDocuments, lang)}</b><span>${L(lang, TS.documents)}</span></div>
</div>
<p class="small muted sans topic-order">${L(lang, TS.order)}</p>
<div class="grid grid-2">
<div>
${
  data.documents.length
    ? data.documents.map(
        (d) => html`<section class="topic-doc" aria-labelledby="h-${d.id}">
<h2 id="h-${d.id}"><a href="/d/${d.id}" lang="${d.language}">${d.title}</a> <span class="muted small">(${fmtNumber(d.count, lang)})</span></h2>
<p class="prov">${[d.organisation ?? shortAuthors(d.authors), d.date ?? (d.year ? String(d.year) : ''), docTypeName(d.doc_type, lang), d.jurisdiction ?? ''].filter(Boolean).join(' · ')}</p>
<ol class="stmt-list">${d.statements.map((s) => statementItem(s, d, lang, t.id, lex))}</ol>
${
  d.count > d.statements.length
    ? html`<p class="sans small"><a href="${url(path, { doc: d.id, lang })}">${F(lang, TS.more, { n: fmtNumber(d.count - d.statements.length, lang) })} →</a></p>`
    : ''
}
</section>`,
      )
    : html`<p class="empty-state">${filtered ? L(lang, TS.noneFiltered) : L(lang, TS.none)}</p>`
}
${
  data.pages > 1
    ? html`<nav class="pager" aria-label="${L(lang, TS.page).replace(/\{.*/, '').trim() || 'Pages'}">${
        data.page > 1 ? html`<a href="${pageHref(data.page - 1)}" rel="prev">← ${L(lang, TS.previous)}</a>` : ''
      }<span>${F(lang, TS.page, { p: data.page, n: data.pages })}</span>${data.page < data.pages ? html`<a href="${pageHref(data.page + 1)}" rel="next">${L(lang, TS.next)} →</a>` : ''}</nav>`
    : ''
}
</div>
<aside class="aside facets" aria-label="${L(lang, TS.filters)}">
<h2>${L(lang, TS.filters)}</h2>
${filtered ? html`<p><a href="${url(path, { lang })}">${L(lang, TS.clear)}</a></p>` : ''}
${facetBlock(lang, path, params, 'kind', TS.kind, data.facets.kind, (v) => kindName(v, lang))}
${facetBlock(lang, path, params, 'doctype', TS.docType, data.facets.docType, (v) => docTypeName(v, lang))}
${facetBlock(lang, path, params, 'jurisdiction', TS.jurisdiction, data.facets.jurisdiction, (v) => v)}
${facetBlock(lang, path, params, 'year', TS.year, data.facets.year, (v) => String(v))}
<p class="small"><a href="${url('/topics/matrix', { lang })}">${L(lang, TS.matrix)}</a></p>
</aside>
</div>`;
}

// ------------------------------------------------------------------ /topics/matrix

const SHADES = ['#f3efe6', '#d6e4f0', '#a9c6e0', '#6c9dc8', '#2f6aa3', '#173f66'];

function shade(n: number, max: number): string {
  if (n <= 0) return SHADES[0]!;
  const r = Math.log1p(n) / Math.log1p(Math.max(1, max));
  return SHADES[Math.min(SHADES.length - 1, 1 + Math.floor(r * (SHADES.length - 2) + 0.5))]!;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
}

/** The heatmap as SVG markup (text escaped; colours as presentation attributes for the strict CSP). */
/** The coverage heatmap, built with the escaping template (titles and topic names are data). */
export function heatmapSvg(m: CoverageMatrix, docs: MatrixDocument[], lang: Lang): Html {
  const cell = 26;
  const labelW = 290;
  const headH = 170;
  const sumW = 150;
  const legendH = 40;
  const width = labelW + m.topics.length * cell + sumW;
  const height = headH + docs.length * cell + 10 + legendH;
  const max = Math.max(1, ...docs.flatMap((d) => Object.values(d.cells)));
  const sumX = labelW + m.topics.length * cell + 8;
  const heads = m.topics.map((t, j) => {
    const x = labelW + j * cell + cell / 2;
    return html`<a href="${url(`/topics/${t.id}`, { lang })}"><text transform="translate(${x + 4},${headH - 6}) rotate(-55)" font-size="12" fill="#1d232b">${clip(topicLabel(t, lang), 28)}</text></a>`;
  });
  const rows = docs.map((d, i) => {
    const y = headH + i * cell;
    const cells = m.topics.map((t, j) => {
      const n = d.cells[t.id] ?? 0;
      const x = labelW + j * cell;
      const only = d.only.includes(t.id);
      const tip = `${d.title} × ${topicLabel(t, lang)}: ${n}${only ? ` (${L(lang, TS.onlyHere)})` : ''}`;
      const rect = html`<rect x="${x + 1}" y="${y + 1}" width="${cell - 2}" height="${cell - 2}" rx="2" fill="${shade(n, max)}"${
        n === 0 ? html` stroke="#d9d2c3" stroke-width="1"` : ''
      }><title>${tip}</title></rect>`;
      const ring = only ? html`<circle cx="${x + cell / 2}" cy="${y + cell / 2}" r="${cell / 2 - 4}" fill="none" stroke="#b5651d" stroke-width="2.5"/>` : '';
      return n ? html`<a href="${url(`/topics/${t.id}`, { doc: d.id, lang })}">${rect}${ring}</a>` : rect;
    });
    const full = d.covered === m.topics.length;
    return html`<a href="/d/${d.id}"><text x="${labelW - 8}" y="${y + cell / 2 + 4}" text-anchor="end" font-size="12" fill="#1d232b">${clip(d.title, 40)}<title>${d.id} ${d.title}</title></text></a>${cells}<text x="${sumX}" y="${y + cell / 2 + 4}" font-size="12" fill="${full ? '#2e6b3a' : '#4a5360'}">${d.covered}/${m.topics.length}</text>`;
  });
  // Legend: the shades from none to most, and the ring.
  const ly = headH + docs.length * cell + 22;
  const rx = labelW + SHADES.length * 20 + 110;
  const legend = html`<text x="${labelW - 8}" y="${ly + 13}" text-anchor="end" font-size="12" fill="#4a5360">${L(lang, TS.legendFew)}</text>${SHADES.map(
    (c, i) => html`<rect x="${labelW + i * 20}" y="${ly}" width="18" height="18" rx="2" fill="${c}"${i === 0 ? html` stroke="#d9d2c3" stroke-width="1"` : ''}/>`,
  )}<text x="${labelW + SHADES.length * 20 + 6}" y="${ly + 13}" font-size="12" fill="#4a5360">${L(lang, TS.legendMany)} (${max})</text><circle cx="${rx + 9}" cy="${ly + 9}" r="8" fill="none" stroke="#b5651d" stroke-width="2.5"/><text x="${rx + 24}" y="${ly + 13}" font-size="12" fill="#4a5360">${L(lang, TS.onlyHere)}</text>`;
  return html`<svg role="img" aria-labelledby="matrix-cap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${heads}<text x="${sumX}" y="${headH - 6}" font-size="12" fill="#4a5360">${L(lang, TS.covered)}</text>${rows}${legend}</svg>`;
}

export function matrixBody(lang: Lang, m: CoverageMatrix, params: URLSearchParams, opts: { limit: number }): Html {
  const docs = m.documents.slice(0, opts.limit);
  const q = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(over)) {
      if (v === undefined) p.delete(k);
      else p.set(k, v);
    }
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  const uncovered = m.topics.filter((t) => m.topicTotals[t.id]!.documents === 0);
  const sortLink = (key: string, label: string) =>
    m.sort === key ? html`<strong aria-current="true">${label}</strong>` : html`<a href="/topics/matrix${q({ sort: key })}">${label}</a>`;
  return html`<p class="kicker sans small"><a href="${url('/topics', { lang })}">${L(lang, TS.topics)}</a></p>
<h1>${L(lang, TS.matrix)}</h1>
<p class="lede">${L(lang, TS.matrixIntro)}</p>
<p class="notice ${m.fullCoverage.length ? 'ok' : 'error'}">${
    m.fullCoverage.length
      ? F(lang, TS.someCoverAll, { n: m.topics.length, docs: m.fullCoverage.join(', ') })
      : F(lang, TS.noneCoversAll, { n: m.topics.length })
  }${uncovered.length ? ' ' + F(lang, TS.uncoveredTopics, { t: uncovered.map((t) => topicLabel(t, lang)).join(', ') }) : ''}</p>
<p class="sans small">${L(lang, TS.sortBy)}: ${(['coverage', 'title', 'statements', 'date', 'organisation'] as const).map(
    (k, i) => html`${i ? ' · ' : ''}${sortLink(k, L(lang, TS.sorts[k]))}`,
  )} · <a href="/topics/matrix.csv${q({ sort: undefined, limit: undefined })}" download>${L(lang, TS.csv)}</a></p>
${m.documents.length > docs.length ? html`<p class="sans small">${F(lang, TS.rowsShown, { n: docs.length, total: m.documents.length })} <a href="/topics/matrix${q({ limit: String(m.documents.length) })}">${L(lang, TS.showAll)}</a></p>` : ''}
<figure class="chart matrix">
<div class="table-scroll">${heatmapSvg(m, docs, lang)}</div>
<figcaption id="matrix-cap">${L(lang, TS.matrix)}: ${fmtNumber(docs.length, lang)} ${L(lang, TS.documents).toLowerCase()} × ${fmtNumber(m.topics.length, lang)} ${L(lang, TS.topics).toLowerCase()}</figcaption>
<details><summary>${L(lang, TS.tableBehind)}</summary>
<div class="table-scroll"><table class="matrix-table">
<caption>${L(lang, TS.matrix)}</caption>
<thead><tr><th scope="col">${L(lang, TS.documents)}</th>${m.topics.map(
    (t) => html`<th scope="col" class="num"><a href="/topics/matrix${q({ sort: `topic:${t.id}` })}" title="${L(lang, TS.sortBy)}: ${topicLabel(t, lang)}">${topicLabel(t, lang)}</a></th>`,
  )}<th scope="col" class="num">${L(lang, TS.covered)}</th><th scope="col">${L(lang, TS.onlyHere)}</th></tr></thead>
<tbody>${docs.map(
    (d) => html`<tr><th scope="row"><a href="/d/${d.id}" lang="${d.language}">${d.title}</a> <span class="code muted">${d.id}</span></th>${m.topics.map((t) => {
      const n = d.cells[t.id] ?? 0;
      return html`<td class="num">${n ? html`<a href="${url(`/topics/${t.id}`, { doc: d.id, lang })}">${fmtNumber(n, lang)}</a>` : html`<span class="muted">0</span>`}</td>`;
    })}<td class="num">${d.covered}/${m.topics.length}</td><td>${d.only.map((id) => topicLabel(m.topics.find((t) => t.id === id)!, lang)).join(', ')}</td></tr>`,
  )}</tbody></table></div>
</details>
</figure>`;
}

// ------------------------------------------------------------------ /topics/compare

export function comparePicker(lang: Lang, docs: { id: string; title: string; n: number }[], selected: string[]): Html {
  return html`<form method="get" action="/topics/compare" class="form-row">
<label for="cmp-d">${L(lang, TS.pickDocs)}</label>
<select id="cmp-d" name="d" multiple size="${Math.min(12, Math.max(4, docs.length))}">${docs.map(
    (d) => html`<option value="${d.id}"${selected.includes(d.id) ? raw(' selected') : ''}>${d.id} · ${clip(d.title, 90)} (${fmtNumber(d.n, lang)})</option>`,
  )}</select>
<span class="hint">${L(lang, TS.pickHelp)}</span>
<input type="hidden" name="lang" value="${lang}">
<button type="submit">${L(lang, TS.compareButton)}</button>
</form>`;
}

export function compareBody(lang: Lang, cmp: Comparison, lex: CompiledLexicon, picker: Html, allTopics: TopicRow[] = []): Html {
  const noneName = (id: string) => {
    const t = allTopics.find((x) => x.id === id);
    return t ? topicLabel(t, lang) : id;
  };
  const title = (id: string) => cmp.documents.find((d) => d.id === id)?.title ?? id;
  const topicName = (id: string) => {
    const t = cmp.topics.find((x) => x.topic.id === id)?.topic;
    return t ? topicLabel(t, lang) : id;
  };
  return html`<p class="kicker sans small"><a href="${url('/topics', { lang })}">${L(lang, TS.topics)}</a></p>
<h1>${L(lang, TS.compare)}</h1>
<ul class="sans">
<li>${L(lang, TS.sharedBy)}: ${cmp.shared.map(topicName).join(', ') || L(lang, TS.nothing)}</li>
${cmp.documents.map((d) => html`<li>${F(lang, TS.onlyIn, { doc: `${d.id} ${d.title}` })}: ${cmp.onlyIn[d.id]!.map(topicName).join(', ') || L(lang, TS.nothing)}</li>`)}
${cmp.none.length ? html`<li>${L(lang, TS.noneOf)}: ${cmp.none.map((id) => noneName(id)).join(', ')}</li>` : ''}
</ul>
<div class="table-scroll"><table class="compare-table">
<caption>${L(lang, TS.compare)}</caption>
<thead><tr><th scope="col">${L(lang, TS.topic)}</th>${cmp.documents.map(
    (d) => html`<th scope="col"><a href="/d/${d.id}" lang="${d.language}">${d.title}</a> <span class="code muted">${d.id}</span><div class="prov">${[d.organisation ?? shortAuthors(d.authors), d.date ?? (d.year ? String(d.year) : '')].filter(Boolean).join(' · ')}</div></th>`,
  )}</tr></thead>
<tbody>${cmp.topics.map(
    (row) => html`<tr><th scope="row"><a href="${url(`/topics/${row.topic.id}`, { lang })}">${topicLabel(row.topic, lang)}</a>${
      row.coveredBy.length === 1 ? html`<div class="small">${F(lang, TS.onlyIn, { doc: title(row.coveredBy[0]!) })}</div>` : ''
    }</th>${cmp.documents.map((d) => {
      const cell = row.cells[d.id];
      if (!cell) return html`<td class="muted">—</td>`;
      return html`<td><ul class="stmt-list">${cell.statements.map((s) => {
        const plain = plainText(s.text);
        const label = cleanName(s.name) || plain.slice(0, 120);
        const text = cleanName(s.name) ? plain : '';
        return html`<li><a class="stmt-name" href="/m/${s.id}" lang="${s.language}">${highlight(label, topicSpans(lex, label, row.topic.id))}</a>${
          text ? html`<div class="small" lang="${s.language}">${highlight(clip(text, 400), topicSpans(lex, clip(text, 400), row.topic.id))}</div>` : ''
        }</li>`;
      })}</ul>${
        cell.count > cell.statements.length
          ? html`<p class="small"><a href="${url(`/topics/${row.topic.id}`, { doc: d.id, lang })}">+${fmtNumber(cell.count - cell.statements.length, lang)}</a></p>`
          : ''
      }</td>`;
    })}</tr>`,
  )}</tbody></table></div>
<details><summary>${L(lang, TS.compareIntro)}</summary>${picker}</details>`;
}

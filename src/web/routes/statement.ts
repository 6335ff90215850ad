// The statement page, /m/<id>, for mitigations, principles and risks: its category with the
// category's description and parent, the verbatim excerpt, the reasoning of the label, the
// statement's children and the rest of its document in source order, the document block with
// licence and attribution, every other label with its provenance, where in the document it sits,
// and a box to cite it.
import { shortAuthors } from '../../text/authors.ts';
import type { Context, Hono } from 'hono';
import { publicBaseUrl } from '../../cite/public-url.ts';
import { alsoPublishedIn, sameAsNotice } from '../components/work.ts';
import { statementCitation } from '../../cite/index.ts';
import type { Lang, StatementKind } from '../../model/index.ts';
import type { ClassificationRow } from '../../store/index.ts';
import { isStatementId, readStatement, type StatementView } from '../../store/read/statement.ts';
import { statementDetail } from '../../api/routes.ts';
import { jsonTwin, sendTwin, twinLink, twinNotFound } from '../twin.ts';
import type { Taxonomy } from '../../taxonomy/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { renderText } from '../../text/markup.ts';
import { fmtNumber, html, L, raw, type Html } from '../html.ts';
import { t } from '../i18n.ts';
import { explained, renderPage } from '../layout.ts';
import { assetUrl } from '../static.ts';
import { citeBox } from '../components/cite.ts';
import { documentBlock } from '../components/document.ts';
import { chip, labelBlock, LS, otherLabels, primaryTaxonomies, provenance, taxName } from '../components/labels.ts';
import { groupLabels, KIND, KIND_HELP, statementTree, titleOf } from '../components/statements.ts';
import { historyLink } from '../components/review-history.ts';
import { suggestLink } from '../components/suggest.ts';
import { noteView } from '../../review/views.ts';

const S = {
  reasoning: { en: 'Reasoning', zh: '理由' },
  reasoningHelp: {
    en: 'Why the label was chosen, as recorded with the label (a model’s explanation or a coder’s note).',
    zh: '选择该标签的理由，随标签一并记录（模型的解释或编码人员的说明）。',
  },
  noReasoning: { en: 'No reasoning was recorded with this label.', zh: '此标签未记录理由。' },
  category: { en: 'Category', zh: '类别' },
  children: { en: 'Parts of this statement', zh: '本条目的组成部分' },
  siblings: { en: 'Statements of this document', zh: '本文件的条目' },
  siblingsHelp: { en: 'In source order; this statement is highlighted.', zh: '按原文顺序排列；本条目已高亮。' },
  more: { en: 'The document has {n} statements; see them all on the document page.', zh: '该文件共有 {n} 个条目；请在文件页面查看全部。' },
  classification: { en: 'Classification', zh: '分类' },
  alsoClassified: { en: 'Also classified on', zh: '其他分类体系' },
  location: { en: 'Where in the document', zh: '在文件中的位置' },
  section: { en: 'Section', zh: '章节' },
  page: { en: 'Page', zh: '页码' },
  chars: { en: 'Characters', zh: '字符位置' },
  ref: { en: 'Reference', zh: '引用位置' },
  noLocation: { en: 'The source gives no page or section for this statement.', zh: '来源未给出此条目的页码或章节。' },
  retired: {
    en: 'This statement is no longer in the current version of its source dataset. Its page is kept so that citations keep working.',
    zh: '此条目已不在其来源数据集的当前版本中。为保证引用有效，页面予以保留。',
  },
  primaryRisk: { en: 'Primary risk domain', zh: '主要风险领域' },
  excerpt: { en: 'Text', zh: '原文' },
  excerptHelp: { en: 'Verbatim from the source; not edited by govnav.', zh: '逐字摘自来源，govnav 未作改动。' },
  principleBy: { en: 'published by', zh: '发布者' },
  topics: { en: 'Topics', zh: '主题' },
  topicsHelp: {
    en: 'Topics found in the text by govnav’s bilingual topic lexicon (matched terms shown); a word match, not a judgement.',
    zh: '由 govnav 双语主题词表在文本中识别的主题（显示匹配的词语）；仅为词语匹配，并非判断。',
  },
  matched: { en: 'matched', zh: '匹配词' },
  suggested: { en: 'Suggested', zh: '建议' },
  suggestedHelp: {
    en: 'The classifier’s confidence is below its threshold, so this is only a suggestion for a reviewer, not the category.',
    zh: '分类器的置信度低于其阈值，因此这只是供审核者参考的建议，并非类别。',
  },
} as const;

/** A label as shown in this language: its Chinese reasoning on the Chinese interface, when recorded. */
function localised(l: ClassificationRow, lang: Lang): ClassificationRow {
  return lang === 'zh' && l.reasoning_zh ? { ...l, reasoning: l.reasoning_zh } : l;
}

/** The newest suggestion among labels (below the classifier's threshold; never current, never the category). */
function suggestionOf(labels: ClassificationRow[]): ClassificationRow | undefined {
  return labels.find((l) => l.suggested && !l.is_current && l.review_status !== 'rejected');
}

/** "Suggested: <code> · confidence 0.42", marked as a suggestion, with its reasoning. */
function suggestionLine(tax: Taxonomy, sug: ClassificationRow, lang: Lang, withReasoning: boolean): Html {
  const l = localised(sug, lang);
  return html`<div class="suggestion" data-taxonomy="${tax.id}"><p class="small sans"><abbr class="explained" title="${L(lang, S.suggestedHelp)}">${L(lang, S.suggested)}</abbr>: <span class="suggested">${chip(tax, l.code, lang)}</span>${
    l.confidence !== null && l.confidence !== undefined ? html` · ${L(lang, LS.confidence)} ${fmtNumber(Math.round(l.confidence * 100) / 100, lang)}` : ''
  }</p>${withReasoning && l.reasoning ? html`<p class="small reasoning">${l.reasoning}</p>` : ''}</div>`;
}

type C = Context<AppEnv>;
type Registry = AppContext['store']['taxonomies'];

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/m/:id', (c) => statementPage(c, ctx));
}

/** What the parts of the page are built from: the read model and the labels sorted out for display. */
interface StatementParts {
  view: StatementView;
  id: string;
  reg: Registry;
  lang: Lang;
  /** Labels shown, per taxonomy (suggestions that are not current left out), localised. */
  byTax: Map<string, ClassificationRow[]>;
  /** The newest suggestion per taxonomy: shown as "suggested" with its confidence, never as the category. */
  suggestions: Map<string, ClassificationRow>;
  /** The taxonomy that gives the category, and its current label. */
  primTax?: Taxonomy;
  prim?: ClassificationRow;
  cite: ReturnType<typeof statementCitation>;
}

/** /m/<id> and its JSON twin. */
async function statementPage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const twin = jsonTwin(c, c.req.param('id') ?? '');
  const id = twin.id;
  if (!isStatementId(id)) return c.notFound();
  const db = ctx.store.db;
  const reg = ctx.store.taxonomies;
  const base = publicBaseUrl(ctx.config);
  // One read model for the page, its JSON twin and the API (src/store/read/statement.ts).
  const view = await readStatement(db, reg, id, { baseUrl: base });
  if (!view) return twin.json ? twinNotFound(c, `No statement "${id}".`) : c.notFound();
  if (twin.json) return sendTwin(c, statementDetail(view, reg, base));
  noteView(db, id);
  const { statement: st, document: doc } = view;
  const { byTax, suggestions } = labelsForDisplay(view.labels, lang);
  const { primTax, prim } = mainCategory(reg, primaryTaxonomies(reg, st.kind), byTax);
  const cite = statementCitation(st, doc, { baseUrl: base });
  const title = titleOf(st, 120);
  const body = statementBody({ view, id, reg, lang, byTax, suggestions, primTax, prim, cite }, title);
  return c.html(
    renderPage(c, {
      title,
      body,
      description: titleOf(st, 200),
      head: html`<script src="${assetUrl('app.js')}" defer></script><link rel="canonical" href="${cite.url}">${twinLink(`/m/${st.id}.json`)}<link rel="alternate" type="application/vnd.citationstyles.csl+json" href="/cite/${st.id}.json">`,
      crumbs: [
        [t(lang, 'home'), '/'],
        [t(lang, 'documents'), '/d'],
        [doc.title.length > 60 ? doc.title.slice(0, 59).trimEnd() + '…' : doc.title, `/d/${doc.id}`],
        [st.id],
      ],
    }),
  );
}

/** Labels per taxonomy as shown (localised; suggestions that are not current kept apart, newest per taxonomy). */
function labelsForDisplay(labels: ClassificationRow[], lang: Lang): { byTax: Map<string, ClassificationRow[]>; suggestions: Map<string, ClassificationRow> } {
  const byTax = new Map<string, ClassificationRow[]>();
  const suggestions = new Map<string, ClassificationRow>();
  for (const l of labels) if (!suggestions.has(l.taxonomy) && suggestionOf([l])) suggestions.set(l.taxonomy, l);
  for (const l0 of labels) {
    if (l0.suggested && !l0.is_current) continue;
    const l = localised(l0, lang);
    const list = byTax.get(l.taxonomy);
    if (list) list.push(l);
    else byTax.set(l.taxonomy, [l]);
  }
  return { byTax, suggestions };
}

/** The main category: mitigation-v2 when labelled there, else mitigation-v1; risk-domain for risks. */
function mainCategory(reg: Registry, primaryIds: string[], byTax: Map<string, ClassificationRow[]>): { primTax?: Taxonomy; prim?: ClassificationRow } {
  for (const tid of primaryIds) {
    const cur = byTax.get(tid)?.find((l) => l.is_current);
    if (cur) return { primTax: reg.get(tid), prim: cur };
  }
  return { primTax: primaryIds.length ? reg.get(primaryIds[0]!) : undefined };
}

function statementBody(p: StatementParts, title: string): Html {
  const { view, id, reg, lang, prim } = p;
  const { statement: st, document: doc, siblings, sameText } = view;
  const sameNote = sameText.find((r) => r.canonical);
  const sibLabels = groupLabels(view.siblingLabels);
  const total = view.siblingTotal;
  return html`${st.retired_at ? html`<p class="notice error" role="status">${L(lang, S.retired)}</p>` : ''}
<article class="statement" aria-labelledby="st-title">
<p class="kicker sans small"><abbr class="explained" title="${L(lang, KIND_HELP[st.kind])}">${L(lang, KIND[st.kind])}</abbr> <span class="code">${st.id}</span>${
    st.kind === 'principle' ? html` · ${L(lang, S.principleBy)} <span lang="${doc.language}">${doc.organisation || shortAuthors(doc.authors)}</span>` : ''
  }</p>
<h1 id="st-title" lang="${st.language}">${title}</h1>
${sameNote ? sameAsNotice(sameNote, lang) : alsoPublishedIn(sameText, lang)}
<div class="grid grid-2">
<div class="main-col">
${categoryBlock(p)}
${excerptSection(view, lang)}
${
  prim
    ? html`<section aria-labelledby="reason-h"><h2 id="reason-h">${explained(L(lang, S.reasoning), L(lang, S.reasoningHelp))}</h2>
  ${prim.reasoning ? html`<p class="reasoning">${prim.reasoning}</p>` : html`<p class="muted small">${L(lang, S.noReasoning)}</p>`}
  <p>${provenance(prim, lang)}</p></section>`
    : ''
}
${
  view.children.length
    ? html`<section aria-labelledby="children-h"><h2 id="children-h">${L(lang, S.children)}</h2>
  ${statementTree(view.children.map((x) => ({ ...x, parent_id: null })), sibLabels, reg, lang, { snippets: true })}</section>`
    : ''
}
<section aria-labelledby="siblings-h"><h2 id="siblings-h">${L(lang, S.siblings)}</h2>
  <p class="small muted sans">${L(lang, S.siblingsHelp)}</p>
  ${statementTree(siblings, sibLabels, reg, lang, { current: id })}
  ${total > siblings.length ? html`<p class="sans small"><a href="/d/${doc.id}">${L(lang, S.more).replace('{n}', fmtNumber(total, lang))}</a></p>` : ''}
</section>
</div>
<aside class="aside" aria-label="${L(lang, S.classification)}">
${documentBlock(doc, lang)}
${classificationSection(p)}
${topicsSection(view.topics, lang)}
${citeBox(st.id, p.cite, lang)}
${historyLink(st.id, lang)}
</aside>
</div>
</article>`;
}

/** The category at the top, or "not labelled" with a suggestion when there is one. */
function categoryBlock({ primTax, prim, byTax, suggestions, lang }: StatementParts): Html {
  if (!primTax) return html``;
  if (prim) return categoryHeader(primTax, prim, byTax.get(primTax.id) ?? [], lang);
  return html`<div class="category"><p class="small sans">${taxName(primTax, lang)}: <span class="not-labelled">${L(lang, LS.notLabelled)}</span></p>${
    suggestions.has(primTax.id) ? suggestionLine(primTax, suggestions.get(primTax.id)!, lang, true) : ''
  }</div>`;
}

/** The verbatim text and where in the document it sits. */
function excerptSection(view: StatementView, lang: Lang): Html {
  const { statement: st, document: doc } = view;
  const loc = locationRows(st, lang);
  return html`<section aria-labelledby="excerpt-h">
  <h2 id="excerpt-h" class="visually-hidden">${L(lang, S.excerpt)}</h2>
  <blockquote class="excerpt" lang="${st.language}" title="${L(lang, S.excerptHelp)}">${
    // Rendered from the source markup into allow-listed HTML (src/text/markup.ts); never raw.
    st.text ? raw(renderText(st.text, (st.meta as Record<string, unknown> | null)?.markup, { base: doc.url ?? undefined })) : titleOf(st)
  }</blockquote>
  ${loc.length ? html`<dl class="kv location small">${loc}</dl>` : ''}
</section>`;
}

/**
 * The classification column: the other taxonomies of this kind in the taxonomy files' display
 * order, then the primary taxonomies that did not give the category.
 */
function sideTaxonomies({ view, reg, byTax, primTax }: StatementParts): string[] {
  const kind = view.statement.kind;
  const primaryIds = primaryTaxonomies(reg, kind);
  const sideIds = [
    ...reg
      .inDisplayOrder()
      .filter((x) => x.data.appliesTo.includes(kind) && !primaryIds.includes(x.id))
      .map((x) => x.id),
    ...primaryIds.filter((x) => x !== primTax?.id),
  ].filter((x, i, a) => a.indexOf(x) === i && reg.get(x).data.appliesTo.includes(kind));
  // Labels on taxonomies that do not apply to this kind (rare, but shown rather than hidden).
  for (const tid of byTax.keys()) if (!sideIds.includes(tid) && tid !== primTax?.id && reg.has(tid)) sideIds.push(tid);
  return sideIds;
}

function classificationSection(p: StatementParts): Html | string {
  const { reg, byTax, suggestions, lang, id } = p;
  const kind = p.view.statement.kind;
  const sideIds = sideTaxonomies(p);
  if (!sideIds.length) return '';
  return html`<section aria-labelledby="class-h"><h2 id="class-h">${L(lang, S.classification)}</h2>
  ${sideIds.map(
    (tid) =>
      html`${labelBlock(reg.get(tid), byTax.get(tid) ?? [], lang, { heading: tid === 'risk-domain' && kind === 'mitigation' ? L(lang, S.primaryRisk) : undefined, statementId: id })}${
        suggestions.has(tid) && !(byTax.get(tid) ?? []).some((l) => l.is_current) ? suggestionLine(reg.get(tid), suggestions.get(tid)!, lang, true) : ''
      }`,
  )}
</section>`;
}

function topicsSection(topics: StatementView['topics'], lang: Lang): Html | string {
  if (!topics.length) return '';
  return html`<section aria-labelledby="topics-h"><h2 id="topics-h"><abbr class="explained" title="${L(lang, S.topicsHelp)}">${L(lang, S.topics)}</abbr></h2>
  <ul class="plain topic-links">${topics.map(
    (tp) => html`<li><a class="label" href="/topics/${encodeURIComponent(tp.id)}"${
      tp.description_en ? html` title="${L(lang, { en: tp.description_en, zh: tp.description_zh ?? undefined })}"` : ''
    }>${L(lang, { en: tp.name_en, zh: tp.name_zh ?? undefined })}</a>${
      Array.isArray(tp.matched_terms) && tp.matched_terms.length
        ? html` <span class="small muted">${L(lang, S.matched)}: ${tp.matched_terms.slice(0, 5).map((m) => (typeof m === 'string' ? m : (m as { term?: string }).term ?? '')).filter(Boolean).join(', ')}</span>`
        : ''
    }</li>`,
  )}</ul></section>`;
}

/** The category at the top of the page: code and name, the node's description, and "Also in <parent>". */
function categoryHeader(tax: Taxonomy, label: ClassificationRow, all: ClassificationRow[], lang: Lang): Html {
  if (!tax.has(label.code)) return html``;
  const node = tax.node(label.code);
  const parent = node.parent ? tax.node(node.parent) : undefined;
  const others = all.filter((l) => l !== label);
  return html`<div class="category" data-taxonomy="${tax.id}">
  <p class="small sans muted"><abbr class="explained" title="${L(lang, tax.data.description)}">${taxName(tax, lang)}</abbr></p>
  <p class="category-label">${chip(tax, label.code, lang)}</p>
  ${node.description ? html`<p class="category-desc">${L(lang, node.description)}</p>` : ''}
  ${parent ? html`<p class="also-in sans small">${t(lang, 'alsoIn')} ${chip(tax, parent.code, lang)}</p>` : ''}
  ${others.length ? otherLabels(tax, others, lang) : ''}
  ${suggestLink(label.statement_id, tax.id, lang)}
</div>`;
}

function locationRows(
  st: { heading_path: string[]; page: number | null; page_end: number | null; char_start: number | null; char_end: number | null; locator_ref: string | null; language: string },
  lang: Lang,
): Html[] {
  const out: Html[] = [];
  if (st.heading_path.length) out.push(html`<dt>${L(lang, S.section)}</dt><dd lang="${st.language}">${st.heading_path.join(' › ')}</dd>`);
  if (st.page) out.push(html`<dt>${L(lang, S.page)}</dt><dd>${st.page_end && st.page_end !== st.page ? `${st.page}–${st.page_end}` : String(st.page)}</dd>`);
  if (st.char_start !== null && st.char_end !== null) out.push(html`<dt>${L(lang, S.chars)}</dt><dd>${st.char_start}–${st.char_end}</dd>`);
  if (st.locator_ref) out.push(html`<dt>${L(lang, S.ref)}</dt><dd>${st.locator_ref}</dd>`);
  if (!out.length) out.push(html`<dt>${L(lang, S.location)}</dt><dd class="muted">${L(lang, S.noLocation)}</dd>`);
  return out;
}

// The review queue page's pieces: the filter form, one queue item (excerpt in its document
// context, machine label with reasoning and confidence, candidate codes with descriptions, the
// statement's other labels, open proposals, and the decision forms), the code type-ahead lists and
// the tabs between the review pages. Every form works without JavaScript; static/review.js adds
// the keyboard (j/k move, a accept, r reject, c correct, s skip).
import type { Lang } from '../../model/index.ts';
import type { ContextBlock, OpenProposal, ReviewContext } from '../../review/context.ts';
import type { PageQueueFilter, PageQueueRow } from '../../review/page-queue.ts';
import { typeaheadLabel } from '../../review/codes.ts';
import type { ClassificationRow } from '../../store/classifications.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { chip, LS, taxName } from './labels.ts';

export const RS = {
  title: { en: 'Review', zh: '审核' },
  queue: { en: 'Queue', zh: '队列' },
  proposals: { en: 'Suggestions', zh: '建议' },
  coding: { en: 'My double coding', zh: '我的双人编码' },
  adjudication: { en: 'Adjudication', zh: '裁定' },
  extraction: { en: 'Extraction', zh: '抽取' },
  agreement: { en: 'Agreement', zh: '一致性' },
  learning: { en: 'Learning curve', zh: '学习曲线' },
  assign: { en: 'Assign a sample', zh: '分配样本' },
  keys: {
    en: 'Keys: j / k next / previous item · a accept · r reject · c correct (type a code or a name, English or Chinese) · s skip.',
    zh: '快捷键：j / k 下一项 / 上一项 · a 接受 · r 否决 · c 修正（输入代码或中英文名称）· s 跳过。',
  },
  accept: { en: 'Accept', zh: '接受' },
  reject: { en: 'Reject', zh: '否决' },
  correct: { en: 'Correct to', zh: '修正为' },
  skip: { en: 'Skip', zh: '跳过' },
  reason: { en: 'Reason (optional)', zh: '理由（可选）' },
  machine: { en: 'Machine label', zh: '机器标签' },
  candidates: { en: 'Candidates', zh: '候选类别' },
  otherLabels: { en: 'Other labels on this statement', zh: '本条目的其他标签' },
  openProposals: { en: 'Open suggestions', zh: '待处理的建议' },
  context: { en: 'In the document', zh: '在文件中' },
  contested: { en: 'contested', zh: '有异议' },
  viewed: { en: 'views', zh: '浏览' },
  disagree: { en: 'the sources disagree', zh: '来源之间有分歧' },
  empty: { en: 'Nothing to review with these filters.', zh: '按这些条件没有需要审核的内容。' },
  filter: { en: 'Filter', zh: '筛选' },
  any: { en: 'any', zh: '全部' },
  taxonomy: { en: 'Taxonomy', zh: '分类体系' },
  dataset: { en: 'Dataset', zh: '数据集' },
  document: { en: 'Document id', zh: '文件编号' },
  source: { en: 'Source', zh: '来源' },
  maxConfidence: { en: 'Confidence at most', zh: '置信度不高于' },
  onlyDisagreement: { en: 'Only contested labels', zh: '仅显示有异议的标签' },
  total: { en: '{n} labels to review', zh: '共 {n} 个待审核标签' },
  next: { en: 'Next page', zh: '下一页' },
  bulk: { en: 'Accept all {n} unreviewed labels of this document', zh: '接受本文件全部 {n} 个未审核标签' },
  bulkReject: { en: 'Reject all of them', zh: '全部否决' },
  readOnly: {
    en: 'Deciding labels needs the reviewer role. Your own suggestions are listed below.',
    zh: '决定标签需要审核人角色。下面列出您自己的建议。',
  },
  none: { en: 'none', zh: '无' },
  from: { en: 'from', zh: '来自' },
  reader: { en: 'a reader', zh: '读者' },
} as const;

export type ReviewTab = 'queue' | 'proposals' | 'coding' | 'adjudication' | 'extraction' | 'agreement' | 'learning' | 'assign';

/** The tabs between the review pages (the assign tab for admins only). */
export function reviewTabs(active: ReviewTab, lang: Lang, opts: { admin: boolean; reviewer: boolean; codingLeft?: number }): Html {
  const tabs: [ReviewTab, string, string][] = [
    ['queue', '/review', L(lang, RS.queue)],
    ['proposals', '/review/proposals', L(lang, RS.proposals)],
  ];
  if (opts.reviewer)
    tabs.push(
      ['coding', '/review/coding', L(lang, RS.coding) + (opts.codingLeft ? ` (${opts.codingLeft})` : '')],
      ['adjudication', '/review/adjudication', L(lang, RS.adjudication)],
      ['extraction', '/review/extraction', L(lang, RS.extraction)],
      ['agreement', '/review/agreement', L(lang, RS.agreement)],
      ['learning', '/review/learning', L(lang, RS.learning)],
    );
  if (opts.admin) tabs.push(['assign', '/review/assign', L(lang, RS.assign)]);
  return html`<nav class="review-tabs sans" aria-label="${L(lang, RS.title)}"><ul class="plain inline">${tabs.map(
    ([k, href, label]) => html`<li>${k === active ? html`<a href="${href}" aria-current="page"><strong>${label}</strong></a>` : html`<a href="${href}">${label}</a>`}</li>`,
  )}</ul></nav>`;
}

/** <datalist> of every assignable code of these taxonomies ("code — English / 中文"), for the type-ahead. */
export function codeLists(taxonomies: Taxonomy[]): Html {
  return html`${taxonomies.map(
    (t) => html`<datalist id="codes-${t.id}">${t.assignableCodes().map((c) => html`<option value="${typeaheadLabel(t, c)}"></option>`)}</datalist>`,
  )}`;
}

export function filterForm(f: PageQueueFilter, reg: TaxonomyRegistry, datasets: string[], lang: Lang): Html {
  const opt = (v: string, cur: string | undefined, label: string) => html`<option value="${v}"${v === (cur ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/review" class="review-filter sans small">
  <label>${L(lang, RS.taxonomy)} <select name="taxonomy">${opt('', f.taxonomy, L(lang, RS.any))}${reg
    .list()
    .filter((t) => t.data.appliesTo.length)
    .map((t) => opt(t.id, f.taxonomy, taxName(t, lang)))}</select></label>
  <label>${L(lang, RS.dataset)} <select name="dataset">${opt('', f.dataset, L(lang, RS.any))}${datasets.map((d) => opt(d, f.dataset, d))}</select></label>
  <label>${L(lang, RS.document)} <input name="document" size="8" pattern="D[0-9]{4,}" value="${f.document ?? ''}"></label>
  <label>${L(lang, RS.source)} <select name="source">${opt('', f.source, L(lang, RS.any))}${['embedded', 'llm', 'imported'].map((s) => opt(s, f.source, s))}</select></label>
  <label>${L(lang, RS.maxConfidence)} <input name="max_confidence" type="number" min="0" max="1" step="0.05" value="${f.maxConfidence ?? ''}"></label>
  <label><input type="checkbox" name="disagreement" value="1"${f.disagreement ? html` checked` : ''}> ${L(lang, RS.onlyDisagreement)}</label>
  <button type="submit" class="secondary">${L(lang, RS.filter)}</button>
</form>`;
}

function contextList(blocks: ContextBlock[] | undefined, row: PageQueueRow): Html {
  if (!blocks?.length) return html`<blockquote class="excerpt">${row.text || row.name}</blockquote>`;
  return html`<ol class="review-context plain">${blocks.map(
    (b) => html`<li class="${b.self ? 'self' : 'around'}">${b.self ? html`<mark>${b.text}</mark>` : b.text}</li>`,
  )}</ol>`;
}

function candidate(t: Taxonomy, code: string, lang: Lang): Html {
  if (!t.has(code)) return html``;
  const n = t.node(code);
  return html`<dt>${chip(t, code, lang)}</dt><dd class="small">${n.description ? L(lang, n.description) : ''}</dd>`;
}

function otherLabelList(reg: TaxonomyRegistry, labels: ClassificationRow[], except: number, lang: Lang): Html {
  const others = labels.filter((l) => Number(l.id) !== except && l.review_status !== 'rejected');
  if (!others.length) return html`<p class="small muted">${L(lang, RS.none)}</p>`;
  return html`<ul class="plain small">${others.map((l) => {
    const t = reg.has(l.taxonomy) ? reg.get(l.taxonomy) : undefined;
    return html`<li>${t ? html`${taxName(t, lang)}: ${chip(t, l.code, lang)}` : `${l.taxonomy} ${l.code}`} <span class="muted">${l.source}${
      l.is_current ? html` · ${L(lang, LS.current)}` : ''
    }${l.review_status !== 'unreviewed' ? ` · ${l.review_status}` : ''}</span></li>`;
  })}</ul>`;
}

export interface ItemOptions {
  csrf: Html;
  back: string;
  canDecide: boolean;
}

function decisionForms(row: PageQueueRow, lang: Lang, o: ItemOptions): Html {
  if (!o.canDecide) return html``;
  const hidden = html`${o.csrf}<input type="hidden" name="back" value="${o.back}">`;
  return html`<div class="review-actions sans">
  <form method="post" action="/review/label/${row.labelId}/accept" class="inline" data-key="a">${hidden}<button type="submit">${L(lang, RS.accept)} <kbd>a</kbd></button></form>
  <form method="post" action="/review/label/${row.labelId}/reject" class="inline" data-key="r">${hidden}<button type="submit" class="secondary">${L(lang, RS.reject)} <kbd>r</kbd></button></form>
  <form method="post" action="/review/label/${row.labelId}/correct" class="inline correct-form" data-key="c">${hidden}
    <label>${L(lang, RS.correct)} <kbd>c</kbd> <input name="code" list="codes-${row.taxonomy}" autocomplete="off" required size="28" class="code-input"></label>
    <label class="visually-hidden" for="why-${row.labelId}">${L(lang, RS.reason)}</label><input id="why-${row.labelId}" name="reason" maxlength="500" placeholder="${L(lang, RS.reason)}" size="20">
    <button type="submit">${L(lang, RS.correct)}</button></form>
  <a href="#item-next-${row.labelId}" class="skip-link" data-key="s">${L(lang, RS.skip)} <kbd>s</kbd></a>
</div>`;
}

function proposalLines(reg: TaxonomyRegistry, props: OpenProposal[], lang: Lang, o: ItemOptions): Html {
  if (!props.length) return html``;
  return html`<section class="review-proposals"><h4>${L(lang, RS.openProposals)}</h4><ul class="plain small">${props.map((p) => {
    const t = reg.has(p.taxonomy) ? reg.get(p.taxonomy) : undefined;
    return html`<li>${t ? chip(t, p.code, lang) : p.code} — “${p.reason}” <span class="muted">${L(lang, RS.from)} ${p.username ?? L(lang, RS.reader)} (${p.origin})</span>${
      o.canDecide ? proposalForms(p.id, lang, o) : ''
    }</li>`;
  })}</ul></section>`;
}

export function proposalForms(id: number, lang: Lang, o: Pick<ItemOptions, 'csrf' | 'back'>): Html {
  const hidden = html`${o.csrf}<input type="hidden" name="back" value="${o.back}">`;
  return html` <form method="post" action="/review/proposals/${id}/accept" class="inline">${hidden}<button type="submit">${L(lang, RS.accept)}</button></form>
  <form method="post" action="/review/proposals/${id}/reject" class="inline">${hidden}<button type="submit" class="secondary">${L(lang, RS.reject)}</button></form>`;
}

/** One queue item. `nextId` is the anchor the skip link jumps to. */
export function queueItem(reg: TaxonomyRegistry, row: PageQueueRow, cx: ReviewContext, lang: Lang, o: ItemOptions, nextId?: number): Html {
  const t = reg.has(row.taxonomy) ? reg.get(row.taxonomy) : undefined;
  const labels = cx.labels.get(row.statementId) ?? [];
  const props = (cx.proposals.get(row.statementId) ?? []).filter((p) => p.taxonomy === row.taxonomy);
  const codes = [row.code, ...labels.filter((l) => l.taxonomy === row.taxonomy && l.review_status !== 'rejected').map((l) => l.code), ...props.map((p) => p.code)];
  const cands = [...new Set(codes)];
  const disagree = cands.length > 1;
  return html`<article class="review-item" id="item-${row.labelId}" data-label="${row.labelId}" tabindex="-1" aria-labelledby="item-h-${row.labelId}">
  <span id="item-next-${row.labelId}" data-next="${nextId ?? ''}"></span>
  <h3 id="item-h-${row.labelId}" class="sans small"><a href="/m/${row.statementId}">${row.statementId}</a> · ${t ? taxName(t, lang) : row.taxonomy}${
    row.tier === 0 ? html` · <strong class="badge">${L(lang, RS.contested)}</strong>` : ''
  }${row.views ? html` · ${fmtNumber(row.views, lang)} ${L(lang, RS.viewed)}` : ''}${disagree ? html` · <span class="badge">${L(lang, RS.disagree)}</span>` : ''}</h3>
  <p class="small muted sans">${row.documentTitle}${row.headingPath.length ? html` › ${row.headingPath.join(' › ')}` : ''}</p>
  <div class="grid grid-2">
  <section><h4 class="visually-hidden">${L(lang, RS.context)}</h4>${contextList(cx.blocks.get(row.statementId), row)}</section>
  <section>
    <h4>${L(lang, RS.machine)}</h4>
    <p class="machine-label">${t ? chip(t, row.code, lang) : row.code} <span class="small muted">${row.source}${row.model ? ` / ${row.model}` : ''}${
      row.confidence !== null ? html` · ${L(lang, LS.confidence)} <span class="confidence">${row.confidence.toFixed(2)}</span>` : ''
    }</span></p>
    ${row.reasoning ? html`<p class="small reasoning">${row.reasoning}</p>` : ''}
    <h4>${L(lang, RS.candidates)}</h4><dl class="candidates">${t ? cands.map((c) => candidate(t, c, lang)) : ''}</dl>
    <h4>${L(lang, RS.otherLabels)}</h4>${otherLabelList(reg, labels, row.labelId, lang)}
    ${proposalLines(reg, props, lang, o)}
  </section>
  </div>
  ${decisionForms(row, lang, o)}
</article>`;
}

/** The link to the next page of the queue, keeping the filters. */
export function nextPageLink(f: PageQueueFilter, offset: number, lang: Lang): Html {
  return html`<p class="sans"><a href="${url('/review', {
    taxonomy: f.taxonomy,
    dataset: f.dataset,
    document: f.document,
    source: f.source,
    max_confidence: f.maxConfidence,
    disagreement: f.disagreement ? 1 : undefined,
    offset,
  })}" rel="next">${L(lang, RS.next)}</a></p>`;
}

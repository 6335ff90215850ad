// One work, one page: on a document page, the sources that carry the same work (dataset, version,
// licence, attribution, their own statement counts), the statements several of them publish with
// the same text (shown once, with every provenance and the labels each source gives, reconciled),
// and statements repeated inside one document.
import type { Lang } from '../../model/index.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { Db, WorkInfo } from '../../store/index.ts';
import { fmtNumber, html, L, type Html } from '../html.ts';
import { datasetLabel, datasetVersionLabel } from './document.ts';
import { chip, primaryTaxonomies } from './labels.ts';
import { titleOf } from './statements.ts';
import { readSameTextGroups, type SameTextGroup } from '../../store/read/same-text.ts';

export const WS = {
  sources: { en: 'Sources of this work', zh: '本作品的来源' },
  sourcesHelp: {
    en: 'These documents are the same work, published or coded by different datasets or added from its file. This page shows them together; statements with the same text are shown and counted once.',
    zh: '以下文件是同一作品，分别由不同数据集收录或编码，或由原文件导入。本页合并显示；文本相同的条目只显示并计数一次。',
  },
  document: { en: 'Document', zh: '文件' },
  dataset: { en: 'Dataset', zh: '数据集' },
  licence: { en: 'Licence and attribution', zh: '许可与署名' },
  statements: { en: 'Its statements', zh: '其条目' },
  matched: { en: 'Matched by', zh: '匹配依据' },
  thisPage: { en: 'this page', zh: '本页' },
  shared: { en: 'Published by several sources', zh: '多个来源收录的条目' },
  sharedHelp: {
    en: 'Statements whose text appears in more than one source of this work: shown once, with each source’s id and labels.',
    zh: '文本出现在本作品多个来源中的条目：只显示一次，并列出各来源的编号和标签。',
  },
  alsoIn: { en: 'also published in', zh: '亦见于' },
  as: { en: 'as', zh: '编号' },
  humanWins: { en: 'a person’s label is used:', zh: '采用人工标签：' },
  disagree: { en: 'the sources disagree:', zh: '各来源标签不一致：' },
  agree: { en: 'the sources agree:', zh: '各来源标签一致：' },
  repeated: { en: 'Repeated inside this document', zh: '本文件内重复的条目' },
  repeatedHelp: {
    en: 'These statements of this document have the same text as another statement of the work; they keep their ids and pages but are counted once.',
    zh: '本文件的这些条目与本作品中另一条目文本相同；保留其编号和页面，但只计数一次。',
  },
  sameAs: { en: 'same text as', zh: '文本同' },
  more: { en: 'and {n} more', zh: '另有 {n} 条' },
} as const;

const MATCH: Record<string, { en: string; zh: string }> = {
  own: { en: 'first in the store', zh: '最早收录' },
  doi: { en: 'same DOI', zh: 'DOI 相同' },
  title: { en: 'same title and year', zh: '标题与年份相同' },
  statements: { en: 'same statement texts', zh: '条目文本相同' },
  human: { en: 'confirmed by a maintainer', zh: '维护者确认' },
};

/** The table of sources; empty when the work has one document only. */
export function workSources(work: WorkInfo, currentId: string, lang: Lang): Html | '' {
  const live = work.members.filter((m) => !m.retired);
  if (live.length < 2) return '';
  return html`<section aria-labelledby="work-h" class="work-sources"><h2 id="work-h">${L(lang, WS.sources)} <span class="code muted small">${work.id}</span></h2>
<p class="small muted sans">${L(lang, WS.sourcesHelp)}</p>
<div class="table-scroll"><table class="doc-table">
<thead><tr><th scope="col">${L(lang, WS.document)}</th><th scope="col">${L(lang, WS.dataset)}</th><th scope="col">${L(lang, WS.licence)}</th><th scope="col" class="num">${L(lang, WS.statements)}</th><th scope="col">${L(lang, WS.matched)}</th></tr></thead>
<tbody>${live.map(
    (m) => html`<tr${m.id === currentId ? html` aria-current="page"` : ''}><td>${m.id === currentId ? html`<strong class="code">${m.id}</strong> <span class="muted small">(${L(lang, WS.thisPage)})</span>` : html`<a class="code" href="/d/${m.id}">${m.id}</a>`}</td>
<td>${datasetLabel(m.dataset, lang)}${datasetVersionLabel(m.dataset, m.dataset_version) ? html` <span class="muted">${datasetVersionLabel(m.dataset, m.dataset_version)}</span>` : ''}</td>
<td class="small">${m.licence}. ${m.attribution}</td>
<td class="num">${fmtNumber(m.statements, lang)}</td>
<td class="small">${L(lang, MATCH[m.work_match ?? 'own'] ?? MATCH.own!)}</td></tr>`,
  )}</tbody></table></div>
</section>`;
}

export { type GroupRow, type SameTextGroup } from '../../store/read/same-text.ts';

/** Same-text groups among the work's documents (src/store/read/same-text.ts), primary taxonomies first. */
export function sameTextGroups(db: Db, registry: TaxonomyRegistry, documentIds: string[]): Promise<SameTextGroup[]> {
  return readSameTextGroups(db, registry, documentIds, (kind) => primaryTaxonomies(registry, kind));
}

const SHOWN = 200;

/** The section listing same-text statements across the work's sources (or inside one document). */
export function sameTextSection(groups: SameTextGroup[], currentId: string, registry: TaxonomyRegistry, lang: Lang, multiSource: boolean): Html | '' {
  if (!groups.length) return '';
  const shown = groups.slice(0, SHOWN);
  const labelLine = (g: SameTextGroup) =>
    g.labels.map((l) => {
      const tax = registry.get(l.taxonomy);
      const src = (b: { dataset: string; id: string; code: string; human: boolean }) =>
        html`<span class="nowrap">${datasetLabel(b.dataset, lang)} <a class="code" href="/m/${b.id}">${b.id}</a>: ${chip(tax, b.code, lang)}</span>`;
      if (l.verdict === 'human')
        return html`<li class="small">${L(lang, WS.humanWins)} ${chip(tax, l.chosen!, lang)}${
          l.bySource.some((b) => b.code !== l.chosen) ? html` — ${l.bySource.filter((b) => b.code !== l.chosen).map((b, i) => html`${i ? '; ' : ''}${src(b)}`)}` : ''
        }</li>`;
      if (l.verdict === 'agree') return html`<li class="small">${L(lang, WS.agree)} ${chip(tax, l.chosen!, lang)}</li>`;
      return html`<li class="small work-disagree"><strong>${L(lang, WS.disagree)}</strong> ${l.bySource.map((b, i) => html`${i ? '; ' : ''}${src(b)}`)}</li>`;
    });
  return html`<section aria-labelledby="same-h" class="work-same"><h2 id="same-h">${L(lang, multiSource ? WS.shared : WS.repeated)} <span class="muted small">(${fmtNumber(groups.length, lang)})</span></h2>
<p class="small muted sans">${L(lang, multiSource ? WS.sharedHelp : WS.repeatedHelp)}</p>
<ul class="stmt-list">${shown.map(
    (g) => html`<li id="same-${g.canonical.id}"><div class="stmt-head"><a class="stmt-name" href="/m/${g.canonical.id}" lang="${g.canonical.language}">${titleOf(g.canonical)}</a></div>
<div class="stmt-meta small"><span class="code">${g.canonical.id}</span> · ${datasetLabel(g.canonical.dataset, lang)}${g.canonical.document_id === currentId ? '' : html` (<a href="/d/${g.canonical.document_id}">${g.canonical.document_id}</a>)`}</div>
<ul class="work-also">${g.others.map(
      (o) =>
        html`<li class="small">${o.document_id === g.canonical.document_id ? L(lang, WS.sameAs) + ' ' + g.canonical.id + ':' : L(lang, WS.alsoIn) + ' ' + datasetLabel(o.dataset, lang)} ${L(lang, WS.as)} <a class="code" href="/m/${o.id}">${o.id}</a>${o.document_id === g.canonical.document_id ? '' : html` (<a href="/d/${o.document_id}">${o.document_id}</a>)`}</li>`,
    )}${labelLine(g)}</ul></li>`,
  )}</ul>
${groups.length > SHOWN ? html`<p class="notice">${L(lang, WS.more).replace('{n}', fmtNumber(groups.length - SHOWN, lang))}</p>` : ''}
</section>`;
}

/** On a duplicate statement's page: "same text as <canonical>", linking there. */
export function sameAsNotice(canonical: { id: string; document_id: string; dataset: string }, lang: Lang): Html {
  return html`<p class="notice work-same-as" role="note">${L(lang, WS.sameAs)} <a class="code" href="/m/${canonical.id}">${canonical.id}</a> (${datasetLabel(canonical.dataset, lang)}, <a href="/d/${canonical.document_id}">${canonical.document_id}</a>) — ${L(
    lang,
    { en: 'counted and listed once, there.', zh: '在该条目处计数并列出一次。' },
  )}</p>`;
}

/** On a canonical statement's page: where else the same text is published. */
export function alsoPublishedIn(others: { id: string; document_id: string; dataset: string }[], lang: Lang): Html | '' {
  if (!others.length) return '';
  return html`<p class="small work-also" role="note">${others.map(
    (o, i) => html`${i ? '; ' : ''}${L(lang, WS.alsoIn)} ${datasetLabel(o.dataset, lang)} ${L(lang, WS.as)} <a class="code" href="/m/${o.id}">${o.id}</a>`,
  )}</p>`;
}

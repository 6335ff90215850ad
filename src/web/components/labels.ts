// Label chips and their provenance: what a label says (code, name, description on hover) and who
// made it (a human coder, the publisher's data, a language model with its prompt version, or the
// embedded classifier with its model version), how sure it was and whether anyone reviewed it.
import type { Lang, StatementKind } from '../../model/index.ts';
import type { ClassificationRow } from '../../store/index.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { fmtNumber, html, L, type Html } from '../html.ts';
import { suggestLink } from './suggest.ts';

export const LS = {
  notLabelled: { en: 'not yet labelled', zh: '尚未标注' },
  notLabelledLong: {
    en: 'No label on this taxonomy yet: neither the source data nor a classifier has assigned one.',
    zh: '此分类体系下尚无标签：来源数据和分类器都未给出。',
  },
  human: { en: 'Human coder', zh: '人工编码' },
  humanImported: { en: 'Human coders of the source dataset', zh: '来源数据集的人工编码' },
  imported: { en: 'Imported from the source dataset', zh: '从来源数据集导入' },
  llm: { en: 'Language model', zh: '大语言模型' },
  embedded: { en: 'Embedded classifier', zh: '内置分类器' },
  annotation: { en: 'govnav project annotation', zh: 'govnav 项目标注' },
  prompt: { en: 'prompt', zh: '提示词版本' },
  modelVersion: { en: 'model version', zh: '模型版本' },
  confidence: { en: 'confidence', zh: '置信度' },
  unreviewed: { en: 'not reviewed', zh: '未经审核' },
  accepted: { en: 'reviewed and accepted', zh: '已审核并接受' },
  corrected: { en: 'corrected by a reviewer', zh: '经审核人修正' },
  rejected: { en: 'rejected by a reviewer', zh: '已被审核人否决' },
  adjudicated: { en: 'adjudicated after double coding', zh: '经双人编码后裁定' },
  by: { en: 'by', zh: '审核人' },
  asPublished: { en: 'as published', zh: '原始取值' },
  labelled: { en: 'labelled', zh: '标注于' },
  otherLabels: { en: 'Other labels on this taxonomy (not current)', zh: '此分类体系下的其他标签（非当前）' },
  secondary: { en: 'also', zh: '另见' },
  current: { en: 'current', zh: '当前' },
  whyCurrent: {
    en: 'The current label is chosen by rule: a human judgement beats a machine, a reviewed label beats an unreviewed one, and among equals the newest wins.',
    zh: '当前标签按规则选出：人工判断优先于机器，已审核优先于未审核，同等条件下取最新。',
  },
  sourceExplained: {
    human: { en: 'Assigned by a person coding this statement.', zh: '由人工编码人员为该条目指定。' },
    imported: {
      en: 'Taken from the published dataset this statement comes from.',
      zh: '取自该条目所属的已发布数据集。',
    },
    llm: {
      en: 'Proposed by a large language model from the statement text; it may be wrong.',
      zh: '由大语言模型根据条目文本提出；可能有误。',
    },
    embedded: {
      en: 'Proposed by govnav’s offline classifier trained on human-coded examples; it may be wrong.',
      zh: '由 govnav 基于人工编码样本训练的离线分类器提出；可能有误。',
    },
    annotation: {
      en: 'From the govnav project’s own annotated set (govnav-annotations): decided by reading the text against the written annotation guidelines, with the reason given. Not the source dataset’s coding.',
      zh: '来自 govnav 项目自建的标注集（govnav-annotations）：依据成文的标注指南阅读文本后确定，并附理由。并非来源数据集的编码。',
    },
  },
} as const;

/** A taxonomy's short name (or full name) in the interface language. */
export function taxName(tax: Taxonomy, lang: Lang): string {
  return L(lang, tax.data.shortName ?? tax.data.name);
}

/** A chip for one code: links to the taxonomy node page, description on hover. */
export function chip(tax: Taxonomy, code: string, lang: Lang): Html {
  if (!tax.has(code)) return html`<span class="label"><span class="code">${code}</span></span>`;
  const n = tax.node(code);
  const desc = n.description ? L(lang, n.description) : undefined;
  const showCode = !/^[a-z]/.test(code); // slugs like "plan-design" are not shown as codes
  return html`<a class="label" href="/t/${tax.id}/${encodeURIComponent(code)}"${desc ? html` title="${desc}"` : ''}>${
    showCode ? html`<span class="code">${code}</span> ` : ''
  }${L(lang, n.name)}</a>`;
}

/** "Human coder" / "Language model gpt-x, prompt v3" …, with the source explained on hover. */
export function provenance(r: ClassificationRow, lang: Lang): Html {
  const who =
    r.source === 'human'
      ? html`<span class="human">${L(lang, LS.human)}</span>${r.reviewer ? html` (${r.reviewer})` : ''}`
      : r.source === 'imported'
        ? r.human
          ? html`<span class="human">${L(lang, LS.humanImported)}</span>`
          : html`<span>${L(lang, LS.imported)}</span>`
        : r.source === 'annotation'
          ? html`<span>${L(lang, LS.annotation)}</span>`
          : r.source === 'llm'
          ? html`<span class="machine">${L(lang, LS.llm)}</span>${r.model ? html` <code>${r.model}</code>` : ''}${
              r.prompt_version ? html`, ${L(lang, LS.prompt)} <code>${r.prompt_version}</code>` : ''
            }`
          : html`<span class="machine">${L(lang, LS.embedded)}</span>${r.model ? html` <code>${r.model}</code>` : ''}${
              r.model_version ? html`, ${L(lang, LS.modelVersion)} <code>${r.model_version}</code>` : ''
            }`;
  const parts: Html[] = [html`<abbr class="explained" title="${L(lang, LS.sourceExplained[r.source])}">${who}</abbr>`];
  if (r.confidence !== null && r.confidence !== undefined)
    parts.push(html`${L(lang, LS.confidence)} ${fmtNumber(Math.round(r.confidence * 100) / 100, lang)}`);
  if (!r.human || r.review_status !== 'unreviewed')
    parts.push(
      html`<span class="review-${r.review_status}">${L(lang, LS[r.review_status])}${
        r.reviewer && r.review_status !== 'unreviewed' && r.source !== 'human' ? html` ${L(lang, LS.by)} ${r.reviewer}` : ''
      }</span>`,
    );
  if (r.source_value) parts.push(html`${L(lang, LS.asPublished)}: “${r.source_value}”`);
  return html`<span class="prov">${parts.map((p, i) => (i ? html` · ${p}` : p))}</span>`;
}

/**
 * One taxonomy's block on a statement page: the current label with its description and provenance,
 * secondary codes, and the other labels that exist (not current) folded away.
 */
export function labelBlock(
  tax: Taxonomy,
  labels: ClassificationRow[],
  lang: Lang,
  opts: { heading?: string; showDescription?: boolean; /** adds "Suggest a different label" */ statementId?: string } = {},
): Html {
  const current = labels.find((l) => l.is_current);
  const others = labels.filter((l) => l !== current);
  const title = opts.heading ?? taxName(tax, lang);
  const desc = L(lang, tax.data.description);
  return html`<div class="label-block" data-taxonomy="${tax.id}">
  <h3><abbr class="explained" title="${desc}">${title}</abbr></h3>
  ${
    current
      ? html`<p class="label-line">${chip(tax, current.code, lang)}${
          current.secondary.length ? html` <span class="small muted">${L(lang, LS.secondary)}:</span> ${current.secondary.map((s) => html`${chip(tax, s, lang)} `)}` : ''
        }</p>
  ${opts.showDescription !== false && tax.has(current.code) && tax.node(current.code).description ? html`<p class="small label-desc">${L(lang, tax.node(current.code).description)}</p>` : ''}
  ${current.reasoning ? html`<p class="small reasoning">${current.reasoning}</p>` : ''}
  <p>${provenance(current, lang)}</p>`
      : html`<p class="not-labelled small"><abbr class="explained" title="${L(lang, LS.notLabelledLong)}">${L(lang, LS.notLabelled)}</abbr></p>`
  }
  ${others.length ? otherLabels(tax, others, lang) : ''}
  ${opts.statementId ? suggestLink(opts.statementId, tax.id, lang) : ''}
</div>`;
}

export function otherLabels(tax: Taxonomy, others: ClassificationRow[], lang: Lang): Html {
  return html`<details class="other-labels"><summary>${L(lang, LS.otherLabels)} (${others.length})</summary>
  <p class="small muted">${L(lang, LS.whyCurrent)}</p>
  <ul class="plain">${others.map(
    (o) => html`<li>${chip(tax, o.code, lang)} ${provenance(o, lang)}${o.reasoning ? html`<div class="small">${o.reasoning}</div>` : ''}</li>`,
  )}</ul></details>`;
}

/** What list chips need of a label. */
export type LabelLite = Pick<ClassificationRow, 'statement_id' | 'taxonomy' | 'code'>;

/** The taxonomies that give a statement of this kind its main category, in order (the taxonomy files' `display`). */
export function primaryTaxonomies(registry: TaxonomyRegistry, kind: StatementKind): string[] {
  return registry.primaryFor(kind);
}

/** Pick the primary label among a statement's current labels. */
export function primaryLabel(
  registry: TaxonomyRegistry,
  kind: StatementKind,
  current: Map<string, LabelLite> | undefined,
): { tax: Taxonomy; label: LabelLite } | undefined {
  for (const id of primaryTaxonomies(registry, kind)) {
    const l = current?.get(id);
    if (l && registry.has(id)) return { tax: registry.get(id), label: l };
  }
  return undefined;
}

/** A compact code chip for lists (the primary label, as on the seed pages' statement lists). */
export function codeChip(registry: TaxonomyRegistry, kind: StatementKind, current: Map<string, LabelLite> | undefined, lang: Lang): Html {
  const p = primaryLabel(registry, kind, current);
  if (!p) return html`<span class="label unlabelled">${L(lang, LS.notLabelled)}</span>`;
  return chip(p.tax, p.label.code, lang);
}

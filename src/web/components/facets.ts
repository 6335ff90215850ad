// Facets for pages built on the shared query model (search, taxonomy nodes): every value is a link
// that adds or removes that filter, so the page works without JavaScript and every state has a
// shareable URL. Counts are numbers of matching statements with the value (the facet's own filter
// left out, so they say what choosing the value would give).
import type { Lang } from '../../model/index.ts';
import type { FacetValue } from '../../search/query.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { fmtNumber, html, L, type Html } from '../html.ts';
import { docTypeName, langName } from './document.ts';
import { taxName } from './labels.ts';
import { KIND_PLURAL } from './statements.ts';

export const FS = {
  kind: { en: 'Kind', zh: '类型' },
  doctype: { en: 'Document type', zh: '文件类型' },
  year: { en: 'Year', zh: '年份' },
  language: { en: 'Language of the text', zh: '文本语言' },
  dataset: { en: 'Source dataset', zh: '来源数据集' },
  review: { en: 'Who labelled it', zh: '标注来源' },
  doc: { en: 'Document', zh: '文件' },
  topic: { en: 'Topic', zh: '主题' },
  reviewValues: {
    human: { en: 'A person (coder or source)', zh: '人工（编码人员或来源）' },
    reviewed: { en: 'Reviewed by a person', zh: '经人工审核' },
    annotated: { en: 'govnav project annotation', zh: 'govnav 项目标注' },
    machine: { en: 'Machine, not reviewed', zh: '机器标注，未审核' },
    unlabelled: { en: 'No label yet', zh: '尚无标签' },
  },
  reviewHelp: {
    human: { en: 'At least one current label was made or confirmed by a person.', zh: '至少一个当前标签由人工给出或确认。' },
    reviewed: { en: 'A reviewer accepted or corrected at least one current label.', zh: '审核人接受或修正了至少一个当前标签。' },
    annotated: {
      en: 'At least one current label is from the govnav project\'s own annotated set (labelled against written guidelines; not a source\'s coders and not reviewed by a person).',
      zh: '至少一个当前标签来自 govnav 项目自己的标注集（按书面指南标注；并非来源的编码人员所标，也未经人工审核）。',
    },
    machine: { en: 'At least one current label comes from a classifier (embedded or LLM) and nobody has reviewed it.', zh: '至少一个当前标签来自分类器（内置或大语言模型）且未经审核。' },
    unlabelled: { en: 'The statement has no current label on any taxonomy.', zh: '该条目在任何分类体系下都没有当前标签。' },
  },
  more: { en: 'more', zh: '更多' },
  remove: { en: 'Remove filter', zh: '移除筛选' },
  add: { en: 'Add filter', zh: '添加筛选' },
} as const;

/** The URL of the same query with one value added (or removed, when present); the page number is dropped. */
export function toggleHref(path: string, params: URLSearchParams, key: string, value: string): string {
  const p = new URLSearchParams();
  let removed = false;
  for (const [k, v] of params) {
    if (k === 'page') continue;
    if (k === key && v === value) {
      removed = true;
      continue;
    }
    p.append(k, v);
  }
  if (!removed) p.append(key, value);
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export function facetLabel(facet: string, value: string, lang: Lang, registry: TaxonomyRegistry, docTitle?: string): string {
  switch (facet) {
    case 'kind':
      return L(lang, KIND_PLURAL[value as keyof typeof KIND_PLURAL] ?? { en: value, zh: value });
    case 'doctype':
      return docTypeName(value, lang);
    case 'language':
      return langName(value, lang) || value;
    case 'review':
      return L(lang, FS.reviewValues[value as keyof typeof FS.reviewValues] ?? { en: value, zh: value });
    case 'doc':
    case 'topic':
      return docTitle ?? value;
    default:
      if (registry.has(facet)) {
        const tax = registry.get(facet);
        if (tax.has(value)) return `${/^[a-z]/.test(value) ? '' : value + ' '}${L(lang, tax.node(value).name)}`;
      }
      return value;
  }
}

export function facetTitle(facet: string, lang: Lang, registry: TaxonomyRegistry): string {
  if (registry.has(facet)) return taxName(registry.get(facet), lang);
  return L(lang, (FS as unknown as Record<string, { en: string; zh: string }>)[facet] ?? { en: facet, zh: facet });
}

function valueLink(path: string, params: URLSearchParams, facet: string, v: FacetValue, label: string, n: number, lang: Lang, selected: boolean, title?: string): Html {
  return html`<a class="facet-value${selected ? ' selected' : ''}" href="${toggleHref(path, params, facet, v.value)}" rel="nofollow"${
    title ? html` title="${title}"` : ''
  }${selected ? html` aria-current="true"` : ''}><span class="box" aria-hidden="true">${selected ? '☑' : '☐'}</span><span class="v">${label}</span><span class="n">${fmtNumber(n, lang)}</span><span class="visually-hidden"> — ${
    selected ? L(lang, FS.remove) : L(lang, FS.add)
  }</span></a>`;
}

/** A flat facet (kind, year, …): values with counts; long lists fold after `show`. */
export function flatFacet(
  path: string,
  params: URLSearchParams,
  facet: string,
  values: FacetValue[],
  selected: string[],
  lang: Lang,
  registry: TaxonomyRegistry,
  opts: { show?: number; titles?: Map<string, string> } = {},
): Html {
  const show = opts.show ?? 8;
  // Selected values stay visible even when no statement matches them any more.
  const all = [...values];
  for (const s of selected) if (!all.some((v) => v.value === s)) all.push({ value: s, count: 0 });
  if (!all.length) return html``;
  const item = (v: FacetValue) =>
    html`<li>${valueLink(
      path,
      params,
      facet,
      v,
      facetLabel(facet, v.value, lang, registry, v.label ?? opts.titles?.get(v.value)),
      v.count,
      lang,
      selected.includes(v.value),
      facet === 'review' ? L(lang, FS.reviewHelp[v.value as keyof typeof FS.reviewHelp] ?? { en: '', zh: '' }) || undefined : undefined,
    )}</li>`;
  const head = all.slice(0, show);
  const rest = all.slice(show);
  return html`<section class="facet" aria-labelledby="f-${facet}"><h3 id="f-${facet}">${facetTitle(facet, lang, registry)}</h3>
<ul class="facet-list">${head.map(item)}</ul>
${rest.length ? html`<details${rest.some((v) => selected.includes(v.value)) ? html` open` : ''}><summary>${fmtNumber(rest.length, lang)} ${L(lang, FS.more)}</summary><ul class="facet-list">${rest.map(item)}</ul></details>` : ''}
</section>`;
}

/** A taxonomy facet: the codes that occur, as a tree; counts include sub-codes. */
export function taxonomyFacet(path: string, params: URLSearchParams, tax: Taxonomy, values: FacetValue[], selected: string[], lang: Lang, opts: { open?: boolean } = {}): Html {
  const byCode = new Map(values.map((v) => [v.value, v]));
  for (const s of selected) if (!byCode.has(s)) byCode.set(s, { value: s, count: 0, total: 0 });
  if (!byCode.size) return html``;
  const node = (code: string): Html => {
    const v = byCode.get(code)!;
    const n = tax.node(code);
    const kids = n.children.filter((ch) => byCode.has(ch));
    return html`<li>${valueLink(path, params, tax.id, v, `${/^[a-z]/.test(code) ? '' : code + ' '}${L(lang, n.name)}`, v.total ?? v.count, lang, selected.includes(code), n.description ? L(lang, n.description) : undefined)}${
      kids.length ? html`<ul class="facet-list">${kids.map(node)}</ul>` : ''
    }</li>`;
  };
  const roots = tax.roots.filter((r) => byCode.has(r));
  const open = selected.length > 0 || !!opts.open;
  return html`<details class="facet facet-tax"${open ? html` open` : ''}><summary><span id="f-${tax.id}">${taxName(tax, lang)}</span></summary>
<ul class="facet-list">${roots.map(node)}</ul></details>`;
}

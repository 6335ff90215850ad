// "Maps to": what a taxonomy code corresponds to in other taxonomies, from the SSSOM crosswalks
// in crosswalks/ (predicate explained on hover, justification in place, author named).
import type { Lang } from '../../model/index.ts';
import { crosswalks, mappingsOf, type CodeMapping, type Predicate } from '../../crosswalk/index.ts';
import { html, L, type Html } from '../html.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';

const PRED: Record<Predicate, { en: string; zh: string; hint: { en: string; zh: string } }> = {
  'skos:exactMatch': { en: 'same as', zh: '等同于', hint: { en: 'exactMatch: the two codes mean the same thing.', zh: 'exactMatch：两个代码含义相同。' } },
  'skos:closeMatch': { en: 'close to', zh: '接近', hint: { en: 'closeMatch: nearly the same meaning; interchangeable for most uses.', zh: 'closeMatch：含义几乎相同，多数情况下可互换。' } },
  'skos:broadMatch': { en: 'within', zh: '属于', hint: { en: 'broadMatch: the other code is broader and contains this one.', zh: 'broadMatch：对方代码更宽泛，包含本代码。' } },
  'skos:narrowMatch': { en: 'contains', zh: '包含', hint: { en: 'narrowMatch: the other code is narrower, a part of this one.', zh: 'narrowMatch：对方代码更窄，是本代码的一部分。' } },
  'skos:relatedMatch': { en: 'related to', zh: '相关', hint: { en: 'relatedMatch: related in meaning, neither the same nor contained.', zh: 'relatedMatch：含义相关，但既不相同也不包含。' } },
};
const INVERSE: Record<Predicate, Predicate> = {
  'skos:exactMatch': 'skos:exactMatch',
  'skos:closeMatch': 'skos:closeMatch',
  'skos:broadMatch': 'skos:narrowMatch',
  'skos:narrowMatch': 'skos:broadMatch',
  'skos:relatedMatch': 'skos:relatedMatch',
};
const S = {
  title: { en: 'Maps to other taxonomies', zh: '与其他分类体系的对应' },
  by: { en: 'crosswalk', zh: '对照表' },
};

function item(m: CodeMapping, lang: Lang, registry: TaxonomyRegistry): Html {
  const pred = m.direction === 'to' ? m.predicate : INVERSE[m.predicate];
  const p = PRED[pred];
  const tax = m.other.taxonomy && registry.has(m.other.prefix) ? registry.get(m.other.prefix) : undefined;
  const name = tax ? L(lang, tax.node(m.other.code).name) : m.other.label;
  const target = tax
    ? html`<a class="label" href="/t/${m.other.prefix}/${encodeURIComponent(m.other.code)}"><span class="code">${m.other.code}</span> ${name}</a> <span class="small muted">(${L(lang, tax.data.name)})</span>`
    : html`<span class="label">${m.other.prefix}:${m.other.code} ${name}</span>`;
  return html`<li><abbr title="${lang === 'zh' ? p.hint.zh : p.hint.en}">${lang === 'zh' ? p.zh : p.en}</abbr> ${target}<div class="small muted">${m.comment ?? m.justification} — ${m.author}, ${L(lang, S.by)} <code>${m.crosswalk}</code></div></li>`;
}

/** The section for a taxonomy node page, or an empty fragment when no crosswalk mentions the code. */
export async function crosswalkSection(lang: Lang, registry: TaxonomyRegistry, taxonomy: string, code: string): Promise<Html> {
  const maps = mappingsOf(await crosswalks(), taxonomy, code);
  if (!maps.length) return html``;
  return html`<h2>${L(lang, S.title)}</h2><ul class="crosswalk">${maps.map((m) => item(m, lang, registry))}</ul>`;
}

/** A compact line for a label on a statement page: "close to 2.3.2 Access & Security Controls (v2)". */
export async function crosswalkInline(lang: Lang, registry: TaxonomyRegistry, taxonomy: string, code: string): Promise<Html> {
  const maps = mappingsOf(await crosswalks(), taxonomy, code).filter((m) => m.other.taxonomy);
  if (!maps.length) return html``;
  return html`<span class="small muted crosswalk-inline">${maps.map((m, i) => {
    const pred = m.direction === 'to' ? m.predicate : INVERSE[m.predicate];
    const p = PRED[pred];
    const tax = registry.get(m.other.prefix);
    return html`${i ? '; ' : '→ '}<abbr title="${(lang === 'zh' ? p.hint.zh : p.hint.en) + ' ' + (m.comment ?? m.justification)}">${lang === 'zh' ? p.zh : p.en}</abbr> <a href="/t/${m.other.prefix}/${encodeURIComponent(m.other.code)}">${m.other.code} ${L(lang, tax.node(m.other.code).name)}</a>`;
  })}</span>`;
}

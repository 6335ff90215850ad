// Result lists for search, risk-domain and taxonomy pages: each statement with its main category,
// its name and a snippet, and where it comes from (document, heading path, year).
import type { Lang } from '../../model/index.ts';
import type { StatementHit } from '../../search/query.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { html, L, type Html } from '../html.ts';
import { chip, codeChip, primaryTaxonomies, type LabelLite } from './labels.ts';
import { KIND, snippet, titleOf } from './statements.ts';
import { alsoPublishedIn } from './work.ts';

export function hitList(
  hits: StatementHit[],
  labels: Map<string, Map<string, LabelLite>>,
  registry: TaxonomyRegistry,
  lang: Lang,
  opts: { start?: number; extraTaxonomies?: string[]; showDocument?: boolean; also?: Map<string, { id: string; document_id: string; dataset: string }[]> } = {},
): Html {
  return html`<ol class="stmt-list results"${opts.start && opts.start > 1 ? html` start="${opts.start}"` : ''}>${hits.map((h) => {
    const cur = labels.get(h.id);
    const primary = primaryTaxonomies(registry, h.kind);
    const extras = (opts.extraTaxonomies ?? [])
      .filter((tid) => !primary.includes(tid))
      .map((tid) => {
        const l = cur?.get(tid);
        return l && registry.has(tid) ? chip(registry.get(tid), l.code, lang) : undefined;
      })
      .filter((x): x is Html => !!x);
    return html`<li>
  <div class="stmt-head"><a class="stmt-name" href="/m/${h.id}" lang="${h.language}">${titleOf(h)}</a></div>
  ${h.name.trim() && h.text.trim() ? html`<div class="stmt-text small" lang="${h.language}">${snippet(h.text, 280)}</div>` : ''}
  <div class="stmt-meta">${codeChip(registry, h.kind, cur, lang)}${extras.length ? html` ${extras.map((e, i) => (i ? html` ${e}` : e))}` : ''} <span class="code">${h.id}</span> · ${L(lang, KIND[h.kind])}${
    opts.showDocument !== false
      ? html` · <a href="/d/${h.document_id}">${h.document_title}</a>${h.document_year ? html` (${h.document_year})` : ''}`
      : ''
  }${h.heading_path?.length ? html` · <span class="heading-path" lang="${h.language}">${h.heading_path.join(' › ')}</span>` : ''}</div>
  ${alsoPublishedIn(opts.also?.get(h.id) ?? [], lang)}
</li>`;
  })}</ol>`;
}

// Statement lists: a document's statements as a parent/child tree in source order, each with its
// id, primary code and name; and the flat result lists of search and taxonomy pages.
import type { Lang, StatementKind } from '../../model/index.ts';
import type { Db } from '../../store/index.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { cleanName, plainText } from '../../text/markup.ts';
import { readCurrentLabels } from '../../store/read/labels.ts';
import { listTitle } from '../../store/read/title.ts';
import { html, L, type Html } from '../html.ts';
import { chip, codeChip, LS, primaryTaxonomies, type LabelLite } from './labels.ts';

export const KIND = {
  mitigation: { en: 'Mitigation', zh: '缓解措施' },
  principle: { en: 'Principle', zh: '原则' },
  risk: { en: 'Risk', zh: '风险' },
} as const;
export const KIND_PLURAL = {
  mitigation: { en: 'Mitigations', zh: '缓解措施' },
  principle: { en: 'Principles', zh: '原则' },
  risk: { en: 'Risks', zh: '风险' },
} as const;
export const KIND_HELP = {
  mitigation: {
    en: 'An action, measure or control proposed to reduce a risk from AI.',
    zh: '为降低人工智能风险而提出的行动、措施或控制。',
  },
  principle: {
    en: 'A paragraph of a principles document, declaration or consensus statement.',
    zh: '原则文件、宣言或共识声明中的一个段落。',
  },
  risk: { en: 'A description of a risk from AI, as a source states it.', zh: '来源所述的一项人工智能风险。' },
} as const;

export interface ListStatement {
  id: string;
  kind: StatementKind;
  parent_id: string | null;
  ord: number;
  name: string;
  text: string;
  language: string;
  heading_path?: string[];
}

/** A display title: the cleaned name, else the start of the text without its markup. */
export function titleOf(s: { name: string; text: string }, n = 140): string {
  return listTitle(s, n);
}

/** A one-line preview: the text without its markup (Markdown/HTML), cut at n characters. */
export function snippet(text: string, n = 260, markup?: unknown): string {
  // A text cut short by the query (left(text, 400)) can end inside markup that no longer parses: an
  // unclosed **bold** or [label](url. Those remnants are dropped from the preview.
  const t = plainText(text, markup)
    .replace(/\[([^\]\n]*)\]\([^)\s]*\)?/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/(^|\n)\s*#{1,6}\s+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > n ? t.slice(0, n - 1).trimEnd() + '…' : t;
}

/** Current labels of these statements on these taxonomies: statement id → taxonomy → label. */
export async function currentLabelsOn(db: Db, ids: string[], taxonomyIds: string[]): Promise<Map<string, Map<string, LabelLite>>> {
  return groupLabels(await readCurrentLabels(db, ids, taxonomyIds));
}

/** statement id → taxonomy → label. */
export function groupLabels(rows: LabelLite[]): Map<string, Map<string, LabelLite>> {
  const out = new Map<string, Map<string, LabelLite>>();
  for (const r of rows) {
    let m = out.get(r.statement_id);
    if (!m) out.set(r.statement_id, (m = new Map()));
    m.set(r.taxonomy, r);
  }
  return out;
}

/**
 * A parent/child tree of statements in source order. Statements whose parent is not in the list
 * are roots. `current` marks one statement as the page's own.
 */
export function statementTree(
  rows: ListStatement[],
  labels: Map<string, Map<string, LabelLite>>,
  registry: TaxonomyRegistry,
  lang: Lang,
  opts: { current?: string; snippets?: boolean; extraTaxonomies?: string[] } = {},
): Html {
  const ids = new Set(rows.map((r) => r.id));
  const kids = new Map<string | null, ListStatement[]>();
  for (const r of rows) {
    const p = r.parent_id && ids.has(r.parent_id) ? r.parent_id : null;
    const list = kids.get(p);
    if (list) list.push(r);
    else kids.set(p, [r]);
  }
  const item = (r: ListStatement, depth: number): Html => {
    const children = kids.get(r.id) ?? [];
    const isCurrent = r.id === opts.current;
    const cur = labels.get(r.id);
    return html`<li id="s-${r.id}"${isCurrent ? html` class="is-current"` : ''}>
  <div class="stmt-head">${
    isCurrent
      ? html`<strong class="stmt-name" aria-current="page" lang="${r.language}">${titleOf(r)}</strong>`
      : html`<a class="stmt-name" href="/m/${r.id}" lang="${r.language}">${titleOf(r)}</a>`
  }</div>
  ${opts.snippets && r.name.trim() && r.text.trim() ? html`<div class="stmt-text small" lang="${r.language}">${snippet(r.text)}</div>` : ''}
  <div class="stmt-meta">${codeChip(registry, r.kind, cur, lang)}${
    (opts.extraTaxonomies ?? []).filter((tid) => !primaryTaxonomies(registry, r.kind).includes(tid)).map((tid) => {
      const l = cur?.get(tid);
      return l && registry.has(tid) ? html` ${chip(registry.get(tid), l.code, lang)}` : '';
    })
  } <span class="code">${r.id}</span> · ${L(lang, KIND[r.kind])}</div>
  ${children.length && depth < 8 ? html`<ul>${children.map((ch) => item(ch, depth + 1))}</ul>` : ''}
</li>`;
  };
  const roots = kids.get(null) ?? [];
  if (!roots.length) return html`<p class="muted">${L(lang, { en: 'No statements.', zh: '没有条目。' })}</p>`;
  return html`<ul class="stmt-list stmt-tree">${roots.map((r) => item(r, 0))}</ul>`;
}

export { LS };

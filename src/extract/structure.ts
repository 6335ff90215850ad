// Roled blocks → statements. One statement per measure however the document lays it out:
//   - a numbered article, clause, point or checklist item is one statement, its number the `ref`;
//   - a list item's nested items are its children (parentKey); a lead-in paragraph ending in ":"
//     is the parent of the list under it;
//   - a list item with a lead-in ("Constrain model behaviour: …") is named by the lead-in;
//   - a heading followed by the paragraphs that state one measure under it is one statement
//     named by the heading;
//   - a table row is one statement: the id-like cell is the ref, the longest prose cell the text
//     (with its exact span), the other cells `meta.columns`.
// Keys follow the scheme of src/ingest/segment.ts (hash of heading path + normalised text), so
// statements that did not change keep their ids when a document is ingested again.
import { createHash } from 'node:crypto';
import { cellOffsets, type Block, type Extracted } from '../ingest/types.ts';
import { squash, statementName } from '../ingest/segment.ts';
import { detectLanguage } from '../ingest/detect.ts';
import type { StatementKind } from '../model/index.ts';
import { isStatementRole, type ExtractedStatement, type OutlineBlock } from './types.ts';

const CJK_LANGS = new Set(['zh', 'ja', 'ko']);

/** A cell that is an identifier ("GV-1.1-001", "MAP 1.1", "A.3", "4", "LLM01"), not prose. */
export function isIdCell(cell: string): boolean {
  const c = cell.trim();
  if (!c || c.length > 24) return false;
  if (/\s/.test(c) && c.split(/\s+/).length > 3) return false;
  return /\d/.test(c) && /^[A-Za-z]{0,8}[-\s.]?[0-9]+(?:[-.][0-9A-Za-z]+)*[a-z]?[.)]?$/u.test(c) || /^[A-Z]{1,4}[-.]?\d+(?:[-.]\d+)*$/u.test(c) || /^\(?[a-z0-9]{1,3}[.)]$/u.test(c);
}

function proseScore(cell: string): number {
  const t = cell.trim();
  if (!t) return 0;
  const letters = t.match(/\p{L}/gu)?.length ?? 0;
  return letters;
}

export interface TableRowParts {
  refCell?: number;
  textCell: number;
  /** Offsets of the text cell inside the block's text. */
  span: [number, number];
  columns: Record<string, string>;
}

/** Split a table-row block into its id cell, its statement cell and the other columns. */
export function tableRowParts(b: Extract<Block, { kind: 'table-row' }>): TableRowParts {
  const cells = b.cells;
  const offs = cellOffsets(cells);
  let refCell: number | undefined;
  for (let i = 0; i < cells.length; i++) {
    if (isIdCell(cells[i]!)) {
      refCell = i;
      break;
    }
  }
  let textCell = 0;
  let best = -1;
  cells.forEach((c, i) => {
    if (i === refCell) return;
    const s = proseScore(c);
    if (s > best) {
      best = s;
      textCell = i;
    }
  });
  const columns: Record<string, string> = {};
  cells.forEach((c, i) => {
    if (i === textCell || i === refCell || !c.trim()) return;
    const h = b.header?.[i]?.trim();
    columns[h || `column ${i + 1}`] = c.trim();
  });
  return { refCell, textCell, span: offs[textCell] ?? [0, b.text.length], columns };
}

export interface BuildOptions {
  language: string;
  /** anchors of blocks a maintainer asked to split out of their group. */
  split?: Set<string>;
  /** groups of anchors a maintainer asked to merge into one statement. */
  merge?: string[][];
}

/** Trim whitespace off a [start, end) span of `text`. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

/**
 * Build statements from an outline whose blocks already have roles (and heading paths).
 * Sets `statementKey` on the outline blocks that went into a statement.
 */
export function buildStatements(ex: Extracted, outline: OutlineBlock[], opts: BuildOptions): ExtractedStatement[] {
  const out: ExtractedStatement[] = [];
  const keyCount = new Map<string, number>();
  const docCjk = CJK_LANGS.has(opts.language);
  const keyOf = (path: string[], text: string) => {
    const h = createHash('sha256').update(squash(path.join('\u0001')) + '\u0002' + squash(text)).digest('hex').slice(0, 16);
    const n = (keyCount.get(h) ?? 0) + 1;
    keyCount.set(h, n);
    return n === 1 ? h : `${h}~${n}`;
  };
  const langOf = (text: string) => {
    const l = detectLanguage(text);
    if (!l || l === opts.language) return opts.language;
    return CJK_LANGS.has(l) !== docCjk || text.length > 300 ? l : opts.language;
  };

  // Groups: consecutive statement blocks that form one statement. First version: merge requests only.
  const groupOf = new Map<number, number>(); // outline index → group leader index
  for (const anchors of opts.merge ?? []) {
    const idx = anchors.map((a) => outline.findIndex((o) => o.anchor === a)).filter((i) => i >= 0).sort((a, b) => a - b);
    if (idx.length < 2) continue;
    for (const i of idx) groupOf.set(i, idx[0]!);
  }

  let itemAtDepth: (string | undefined)[] = [];
  let intro: string | undefined;
  const done = new Set<number>();
  for (let i = 0; i < outline.length; i++) {
    const o = outline[i]!;
    const b = o.block;
    if (b.kind === 'heading') {
      itemAtDepth = [];
      intro = undefined;
      continue;
    }
    if (done.has(i)) continue;
    const role = o.decision.role;
    if (!isStatementRole(role)) {
      if (b.kind !== 'item') {
        itemAtDepth = [];
        intro = undefined;
      }
      continue;
    }
    const kind: StatementKind = role;
    const members = groupOf.has(i) ? [...groupOf.entries()].filter(([, g]) => g === groupOf.get(i)).map(([k]) => k).sort((a, b2) => a - b2) : [i];
    for (const m of members) done.add(m);
    const last = outline[members[members.length - 1]!]!.block;

    let text: string;
    let charStart: number;
    let charEnd: number;
    let ref: string | undefined;
    let name: string | undefined;
    const meta: Record<string, unknown> = { role: o.decision };
    if (b.kind === 'table-row' && members.length === 1) {
      const parts = tableRowParts(b);
      [charStart, charEnd] = trimSpan(ex.text, b.start + parts.span[0], b.start + parts.span[1]);
      text = ex.text.slice(charStart, charEnd);
      if (parts.refCell !== undefined) ref = b.cells[parts.refCell]!.trim();
      if (Object.keys(parts.columns).length) meta.columns = parts.columns;
      meta.table = b.table;
    } else {
      [charStart, charEnd] = trimSpan(ex.text, b.start, last.end);
      text = members.length === 1 ? b.text : ex.text.slice(charStart, charEnd);
    }
    if (!text.trim()) continue;
    const key = keyOf(o.headingPath, text);
    let parentKey: string | undefined;
    if (b.kind === 'item') {
      for (let d = b.depth - 1; d >= 0 && !parentKey; d--) parentKey = itemAtDepth[d];
      parentKey ??= intro;
      itemAtDepth = itemAtDepth.slice(0, b.depth);
      itemAtDepth[b.depth] = key;
      if (b.marker && b.marker !== '•' && !/^[\u2022\u25cf\u25aa\u25a0\-–—*·\uf000-\uf8ff]$/u.test(b.marker)) ref = b.marker;
    } else if (b.kind !== 'table-row') {
      itemAtDepth = [];
      const next = outline[i + 1]?.block;
      intro = /[:：]$/.test(b.text.trim()) && next?.kind === 'item' ? key : undefined;
    }
    name ??= statementName(text);
    const page = b.page;
    const pageEnd = last.pageEnd ?? last.page;
    const st: ExtractedStatement = {
      key,
      parentKey,
      ord: out.length,
      kind,
      name,
      text,
      headingPath: o.headingPath,
      page,
      pageEnd: pageEnd && pageEnd !== page ? pageEnd : undefined,
      charStart,
      charEnd,
      ref,
      language: langOf(text),
      blocks: members,
      meta,
    };
    for (const m of members) outline[m]!.statementKey = key;
    out.push(st);
  }
  return out;
}

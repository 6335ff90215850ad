// Page layout analysis for the PDF reader, on lines that keep their horizontal segments (runs of
// text items separated by gaps wider than word spacing): gutter line numbers, two-column and
// parallel-column pages (read column by column), contents pages (dot leaders, trailing page
// numbers), and page furniture ("Page 7", "- 7 -", "12/144", "Continued on next page").
import type { BlockHint } from '../types.ts';

/** A run of text items on one line with no gap wider than word spacing between them. */
export interface Seg {
  x: number;
  xEnd: number;
  y: number;
  size: number;
  bold: boolean;
  text: string;
  /** The text items of the segment (to split it again at a table's column edge). */
  parts: { x: number; xEnd: number; y: number; str: string; size: number; bold: boolean }[];
}

/** Captions: "Figure 3:", "Fig. 1.", "Table 2 –", "图1", "表 1". */
export const CAPTION =
  /^(?:(?:figure|fig\.|table|exhibit|box|chart|diagram)\s*[A-Z]?\d+(?:[.-]\d+)*[a-z]?\s*[:.：—–-]|(?:figure|table)\s+[A-Z]?\d+(?:[.-]\d+)*$|[图表]\s*[A-Z]?\d+(?:[.-]\d+)*(?=[\s:：、]|$))/i;

/** Split a segment where an item starts at x = `at` (a column edge), if an item starts there. */
export function splitSegAt(s: Seg, at: number, tol: number): [Seg, Seg] | undefined {
  const k = s.parts.findIndex((p, i) => i > 0 && Math.abs(p.x - at) <= tol && s.parts[i - 1]!.xEnd <= p.x + 1);
  if (k < 0) return undefined;
  const make = (ps: Seg['parts']): Seg => {
    let text = '';
    let end = -Infinity;
    for (const p of ps) {
      if (text && p.x - end > 0.15 * p.size && !/\s$/.test(text) && !(CJK.test(text.slice(-1)) && CJK.test(p.str[0] ?? ''))) text += ' ';
      text += p.str;
      end = p.xEnd;
    }
    const chars = ps.reduce((n, p) => n + p.str.length, 0);
    const boldChars = ps.reduce((n, p) => n + (p.bold ? p.str.length : 0), 0);
    return { x: ps[0]!.x, xEnd: ps[ps.length - 1]!.xEnd, y: ps[0]!.y, size: s.size, bold: boldChars > chars / 2, text: text.replace(/\s+/g, ' ').trim(), parts: ps };
  };
  return [make(s.parts.slice(0, k)), make(s.parts.slice(k))];
}

export interface Line {
  page: number;
  x: number;
  xEnd: number;
  y: number;
  size: number;
  bold: boolean;
  font: string;
  text: string;
  segs: Seg[];
  /** Height of the page the line is on (for "near the foot of the page"). */
  pageHeight: number;
  hint?: BlockHint;
  /** Language of the column the line is in, on parallel bilingual pages. */
  lang?: string;
  /** Set on lines that belong to a detected table (they are emitted as table rows). */
  table?: TableFrag;
}

export interface PageLines {
  page: number;
  width: number;
  height: number;
  lines: Line[];
  /** The page number printed on the page, when found in a dropped footer/header. */
  printed?: string;
}

/** A part of a table on one page; parts on consecutive pages share `id`. */
export interface TableFrag {
  id: number;
  page: number;
  ncols: number;
  colX: number[];
  header?: string[];
  rows: { cells: string[]; page: number; pageEnd?: number }[];
  /** The first line of the fragment in reading order (rows are emitted there). */
  first: Line;
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

/** Join a line to the text before it: no space between CJK characters, de-hyphenate "regu-" + "lation". */
export function appendLine(text: string, line: string): string {
  if (!text) return line;
  if (!line) return text;
  if (/[a-z]-$/.test(text) && /^[a-z]/.test(line)) return text.slice(0, -1) + line;
  if (CJK.test(text.slice(-1)) && CJK.test(line[0] ?? '')) return text + line;
  return text + ' ' + line;
}

// ------------------------------------------------------------------ gutter line numbers

/**
 * Line numbers printed in a gutter or margin (5, 10, 15 … as separate text items sharing one x
 * position on the page, going up down the page): the indexes of those items, to drop them before
 * lines are formed (they would otherwise join the text beside them).
 */
export function lineNumberItems(items: { str: string; x: number; y: number }[]): Set<number> {
  const byX = new Map<number, number[]>();
  items.forEach((it, i) => {
    const t = it.str.trim();
    if (!/^\d{1,3}$/.test(t) || +t % 5 !== 0 || +t === 0) return;
    const k = Math.round(it.x / 3);
    byX.set(k, [...(byX.get(k) ?? []), i]);
  });
  const drop = new Set<number>();
  for (const group of byX.values()) {
    if (group.length < 3) continue;
    // Down the page (y falling) the numbers rise, in steps of a few fives.
    const sorted = [...group].sort((a, b) => items[b]!.y - items[a]!.y);
    const values = sorted.map((i) => +items[i]!.str.trim());
    if (values.every((v, i) => i === 0 || (v > values[i - 1]! && v - values[i - 1]! <= 25))) for (const i of group) drop.add(i);
  }
  return drop;
}

/** A copy of `l` holding only `segs`. */
export function relineFrom(l: Line, segs: Seg[]): Line {
  const text = segs.map((s) => s.text).join(' ');
  return { ...l, segs, x: segs[0]!.x, xEnd: segs[segs.length - 1]!.xEnd, y: Math.max(...segs.map((s) => s.y)), text };
}

// ------------------------------------------------------------------ columns

/**
 * Two text columns side by side (newspaper style or parallel translations): find a vertical
 * gutter that no segment crosses (full-width lines such as titles aside) with enough prose on both
 * sides, and reorder the page: within each band between full-width lines, the left column's lines
 * top to bottom, then the right column's. Returns true when the page was split.
 */
export function splitColumns(p: PageLines): boolean {
  const body = p.lines.filter((l) => l.y < p.height * 0.94 && l.y > p.height * 0.05);
  const segs = body.flatMap((l) => l.segs);
  if (segs.length < 10) return false;
  const W = p.width;
  let best: { x: number; cross: number } | undefined;
  const scan: { x: number; cross: number }[] = [];
  for (let x = Math.round(W * 0.3); x <= W * 0.7; x += 2) {
    let cross = 0;
    let left = 0;
    let right = 0;
    for (const s of segs) {
      if (s.x < x - 1 && s.xEnd > x + 1) cross++;
      else if (s.xEnd <= x + 1) left++;
      else right++;
    }
    if (left < 5 || right < 5) continue;
    scan.push({ x, cross });
    if (!best || cross < best.cross) best = { x, cross };
  }
  if (best) {
    // The middle of the widest run of positions as clear as the best one.
    let run: number[] = [];
    let widest: number[] = [];
    for (const c of scan) {
      if (c.cross === best.cross && (!run.length || c.x - run[run.length - 1]! <= 2)) run.push(c.x);
      else run = c.cross === best.cross ? [c.x] : [];
      if (run.length > widest.length) widest = [...run];
    }
    best = { x: widest[Math.floor(widest.length / 2)]!, cross: best.cross };
  }
  if (!best || best.cross > Math.max(4, segs.length * 0.06)) return false;
  const gx = best.x;
  const leftSegs = segs.filter((s) => s.xEnd <= gx + 1);
  const rightSegs = segs.filter((s) => s.x >= gx - 1);
  const minX = Math.min(...leftSegs.map((s) => s.x));
  const maxX = Math.max(...rightSegs.map((s) => s.xEnd));
  // Both columns must be wide (a narrow id or label column is a table, not a text column) …
  if (gx - minX < W * 0.28 || maxX - gx < W * 0.28) return false;
  // … and hold prose: most of their lines run most of the column's width.
  const full = (ss: Seg[], from: number, to: number) => ss.filter((s) => s.xEnd - s.x >= 0.6 * (to - from)).length / ss.length;
  if (full(leftSegs, minX, gx) < 0.4 || full(rightSegs, gx, maxX) < 0.4) return false;
  // Lines on both sides at the same height are merged into one line: split them again.
  const out: Line[] = [];
  let band: { left: Line[]; right: Line[] } = { left: [], right: [] };
  const flush = () => {
    out.push(...band.left, ...band.right);
    band = { left: [], right: [] };
  };
  for (const l of p.lines) {
    const crossing = l.segs.some((s) => s.x < gx - 1 && s.xEnd > gx + 1);
    if (crossing) {
      flush();
      out.push(l);
      continue;
    }
    const ls = l.segs.filter((s) => s.xEnd <= gx + 1);
    const rs = l.segs.filter((s) => s.xEnd > gx + 1);
    if (ls.length) band.left.push(relineFrom(l, ls));
    if (rs.length) band.right.push(relineFrom(l, rs));
  }
  flush();
  p.lines = out;
  // Parallel translations (English | French): tag each side with its language.
  const lt = guessLang(leftSegs.map((x) => x.text).join(' '));
  const rt = guessLang(rightSegs.map((x) => x.text).join(' '));
  if (lt && rt && lt !== rt)
    for (const l of out) {
      const crossing = l.segs.some((s) => s.x < gx - 1 && s.xEnd > gx + 1);
      if (!crossing) l.lang = l.xEnd <= gx + 1 ? lt : rt;
    }
  return true;
}

const FR_WORDS = /\b(?:le|la|les|des|du|une|et|est|sont|pour|dans|qui|aux|au|ne|pas|sur|par|cette|ou)\b/gi;
const EN_WORDS = /\b(?:the|and|of|to|is|are|for|that|which|by|with|an|this|or|be)\b/gi;

/** English or French, when one clearly dominates the text (for parallel columns). */
function guessLang(text: string): 'en' | 'fr' | undefined {
  const fr = text.match(FR_WORDS)?.length ?? 0;
  const en = text.match(EN_WORDS)?.length ?? 0;
  if (fr + en < 10) return undefined;
  if (fr > 2 * en) return 'fr';
  if (en > 2 * fr) return 'en';
  return undefined;
}

// ------------------------------------------------------------------ contents pages

const TOC_TITLE = /^(?:table\s+of\s+contents|contents|目\s*[录錄次]|list\s+of\s+(?:tables|figures|boxes|abbreviations))$/i;
/** A dot leader (". . . .", "……", "····"), possibly followed by a page number. */
const LEADER = /(?:\.{4,}|(?:\.\s){4,}|…{2,}|·{4,}|\u2026\s*\u2026)\s*(?:\d{1,4}|[ivxlc]{1,6})?\s*$/i;
const PAGE_REF = /^(?:\d{1,4}|[ivxlc]{1,6})$/i;

/** Whether a line looks like a contents entry: a dot leader, or a page number set apart at its end. */
function tocLike(l: Line): boolean {
  if (LEADER.test(l.text) || /(?:\.{2,}|…)\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$/i.test(l.text)) return true;
  const last = l.segs[l.segs.length - 1]!;
  return l.segs.length >= 2 && PAGE_REF.test(last.text.trim());
}

/**
 * Mark the lines of contents pages (title, entries, wrapped entries) with hint 'toc', and merge
 * a wrapped entry's lines into one. A page is a contents page when it carries a contents title,
 * or holds at least three dot-leader lines, or follows a contents page and holds at least three
 * entry-like lines.
 */
export function markContents(pages: PageLines[]): number {
  let marked = 0;
  let prevWasToc = false;
  for (const p of pages) {
    const title = p.lines.findIndex((l) => TOC_TITLE.test(l.text.replace(/\s+/g, ' ').trim()) && l.y > p.height * 0.4);
    const leaders = p.lines.filter((l) => LEADER.test(l.text)).length;
    const entries = p.lines.filter(tocLike).length;
    const isToc = title >= 0 || leaders >= 3 || (prevWasToc && entries >= 3);
    if (!isToc) {
      // A stray dot-leader line elsewhere is still a contents entry.
      for (const l of p.lines)
        if (LEADER.test(l.text) && /\d\s*$/.test(l.text)) {
          l.hint = 'toc';
          marked++;
        }
      prevWasToc = false;
      continue;
    }
    prevWasToc = true;
    const out: Line[] = [];
    // Lines of an entry that wraps before its page number, held until the entry's last line.
    let pending: Line[] = [];
    const start = title >= 0 ? title : 0;
    p.lines.forEach((l, i) => {
      if (i < start) return void out.push(l);
      if (i === title || (i > title && TOC_TITLE.test(l.text.trim()))) {
        out.push(...pending);
        pending = [];
        l.hint = 'toc';
        marked++;
        return void out.push(l);
      }
      if (tocLike(l)) {
        const all = [...pending, l];
        const entry: Line = { ...all[0]!, text: all.map((x) => x.text).reduce(appendLine, ''), segs: all.flatMap((x) => x.segs), hint: 'toc' };
        entry.text = cleanTocText(entry.text);
        pending = [];
        marked++;
        return void out.push(entry);
      }
      pending.push(l);
      // More than three lines without a page number: not a wrapped entry but text after the contents.
      if (pending.length > (title >= 0 ? 6 : 3)) {
        out.push(...pending);
        pending = [];
      }
    });
    out.push(...pending);
    p.lines = out;
  }
  return marked;
}

/** A contents entry without its dot leader: "Scope ........ 4" → "Scope 4". */
function cleanTocText(s: string): string {
  return s
    .replace(/\s*(?:\.{2,}|(?:\.\s){2,}|…+|·{2,})[\s.…·]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ------------------------------------------------------------------ page furniture

const CONTINUED = /^(?:\(?continued(?:\s+on\s+(?:the\s+)?next\s+page)?\)?|\(?continued\s+from\s+(?:the\s+)?previous\s+page\)?|\(?cont(?:’|')?d\.?\)?|续表|（续）|\(续\))$/i;

/** "Continued on next page", "(Continued)" and the like, anywhere on a page. */
export function isContinuation(text: string): boolean {
  return CONTINUED.test(text.trim());
}

/** The page number printed in a header/footer line, if it has one clearly. */
export function printedNumber(text: string): string | undefined {
  const t = text.trim();
  let m = /^(?:page\s+)?[-–—(\[]?\s*(\d{1,3}|[ivxlc]{1,6})\s*[-–—)\]]?(?:\s*(?:of|\/)\s*\d+)?$/i.exec(t);
  if (m) return m[1];
  m = /(?:^|\s)(\d{1,3})\s*\/\s*\d{1,3}$/.exec(t);
  if (m) return m[1];
  m = /\bpage\s+(\d{1,3}|[ivxlc]{1,6})\b/i.exec(t);
  if (m) return m[1];
  const nums = t.match(/\d+/g) ?? [];
  if (nums.length === 1) {
    // A number at the end or start of a header line, not a section or article number.
    m = /(?:^|[\s|])(?<!(?:section|part|article|chapter|annex|schedule|title|no\.)\s)(\d{1,3})$/i.exec(t) ?? /^(\d{1,3})(?:[\s|])/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

// PDF → blocks with pdfjs-dist (legacy build for Node). From the text layer of every page, text
// items are grouped into lines by baseline, lines into paragraphs by vertical gaps, indentation and
// list markers; headings are lines set larger than the body text (or bold at body size, standing
// alone). Running headers/footers (the same line, digits aside, at the top or bottom of most pages)
// and bare page numbers are dropped. Page numbers are kept on every block.
// Layout comes first (pdf-layout.ts, pdf-table.ts): lines keep their segments (runs of items
// without a wide gap), so gutter line numbers, two-column pages, contents pages and tables are
// found before lines become paragraphs; contents lines and table cells never become headings.
import { parseMarker, type Marker } from '../markers.ts';
import { buildText, tidyInline } from '../build.ts';
import { normaliseMetaDate, usefulTitle } from '../detect.ts';
import { IngestError, TABLE_CELL_SEPARATOR, type Extracted, type RawBlock } from '../types.ts';
import {
  appendLine,
  CAPTION,
  lineNumberItems,
  isContinuation,
  markContents,
  printedNumber,
  splitColumns,
  type Line,
  type PageLines,
  type Seg,
} from './pdf-layout.ts';
import { detectTables } from './pdf-table.ts';
import { noteIgnored } from '../../util/errors.ts';

interface Item {
  str: string;
  x: number;
  y: number;
  w: number;
  size: number;
  font: string;
}


export interface PdfOptions {
  onPage?: (page: number, total: number) => void;
  /** Stop after this many pages (benchmarks); default all. */
  maxPages?: number;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | undefined;
function pdfjs(): Promise<PdfJs> {
  return (pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

function joinItems(items: Item[]): string {
  let out = '';
  let prevEnd = -Infinity;
  let prevSize = 0;
  for (const it of items) {
    if (!it.str) continue;
    const gap = it.x - prevEnd;
    if (out && !/\s$/.test(out) && !/^\s/.test(it.str)) {
      const cjkJoin = CJK.test(out.slice(-1)) && CJK.test(it.str[0]!);
      if (gap > 0.15 * Math.max(prevSize, it.size) && !cjkJoin) out += ' ';
    }
    out += it.str;
    prevEnd = it.x + it.w;
    prevSize = it.size;
  }
  return out.replace(/\s+/g, ' ').trim();
}

const round = (n: number) => Math.round(n * 2) / 2;
const digitKey = (s: string) => s.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
const PAGE_NUMBER = /^(?:page\s*)?[-–—(\[]?\s*(?:#|[ivxlc]+)\s*[-–—)\]]?(?:\s*(?:of|\/)\s*#)?$/i;
const TERMINAL = /[.!?;:。！？；：]["'”’)\]]?$/;

type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

async function openPdf(buf: Uint8Array, source: string): Promise<PdfDoc> {
  const lib = await pdfjs();
  try {
    return await lib.getDocument({
      data: new Uint8Array(buf), // pdfjs takes ownership of the array it is given
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (e) {
    const err = e as Error;
    if (err.name === 'PasswordException')
      throw new IngestError(
        source,
        'is encrypted: it needs a password to open.',
        'Remove the protection first (e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and ingest the decrypted copy.',
      );
    throw new IngestError(source, `could not be read as a PDF (${err.message}).`, 'The file may be damaged or truncated.');
  }
}

/** One page's lines, with the count of its text characters and of the gutter line numbers dropped from it. */
async function readPage(doc: PdfDoc, p: number, fontNames: Map<string, string>): Promise<{ lines: PageLines; chars: number; gutter: number }> {
  const page = await doc.getPage(p);
  const [left, , right, top] = page.view as number[];
  const tc = await page.getTextContent();
  let items: Item[] = [];
  for (const raw of tc.items as { str?: string; transform?: number[]; width?: number; fontName?: string }[]) {
    if (typeof raw.str !== 'string' || !raw.transform) continue;
    const t = raw.transform;
    const size = Math.hypot(t[2]!, t[3]!) || Math.abs(t[3]!) || 1;
    // Private-use-area glyphs are symbol-font bullets.
    const str = raw.str.replace(/[\ue000-\uf8ff]/g, '•');
    items.push({ str, x: t[4]!, y: t[5]!, w: raw.width ?? 0, size, font: raw.fontName ?? '' });
  }
  // Real font names (for boldness) are only known once the page's fonts are loaded; load them
  // once per new font.
  if (items.some((i) => i.font && !fontNames.has(i.font))) {
    try {
      await page.getOperatorList();
      for (const i of items)
        if (i.font && !fontNames.has(i.font)) {
          const f = page.commonObjs.has(i.font) ? (page.commonObjs.get(i.font) as { name?: string; bold?: boolean }) : undefined;
          fontNames.set(i.font, (f?.bold ? 'bold ' : '') + (f?.name ?? ''));
        }
    } catch (e) {
      // Font names only help find headings; a page whose fonts cannot be read is still read.
      noteIgnored(`reading the font names of page ${p}`, e);
      for (const i of items) if (i.font && !fontNames.has(i.font)) fontNames.set(i.font, '');
    }
  }
  const gutter = lineNumberItems(items);
  if (gutter.size) items = items.filter((_, i) => !gutter.has(i));
  const chars = items.reduce((n, i) => n + i.str.replace(/\s/g, '').length, 0);
  const height = top || 842;
  const lines: PageLines = { page: p, lines: toLines(items, p, fontNames, height), height, width: (right ?? 595) - (left ?? 0) || 595 };
  page.cleanup();
  return { lines, chars, gutter: gutter.size };
}

/** Page layout: columns, running lines, contents, tables; then blocks. Notes say what was done. */
function layoutBlocks(pages: PageLines[], numbers: number, notes: string[]): RawBlock[] {
  let twoCol = 0;
  for (const p of pages) {
    if (splitColumns(p)) twoCol++;
  }
  if (numbers) notes.push(`${numbers} gutter line number(s) dropped`);
  if (twoCol) notes.push(`${twoCol} page(s) read as two columns`);
  const dropped = dropRunningLines(pages);
  if (dropped) notes.push(`${dropped} running header/footer line(s) dropped`);
  const toc = markContents(pages);
  if (toc) notes.push(`${toc} contents line(s) marked`);
  const tables = detectTables(pages);
  if (tables.length) notes.push(`${new Set(tables.map((t) => t.id)).size} table(s) read as rows`);
  return toBlocks(pages);
}

export async function readPdf(buf: Uint8Array, source: string, opts: PdfOptions = {}): Promise<Extracted> {
  const doc = await openPdf(buf, source);
  try {
    const info = ((await doc.getMetadata().catch(() => ({ info: {} }))).info ?? {}) as Record<string, unknown>;
    const total = Math.min(doc.numPages, opts.maxPages ?? Infinity);
    const fontNames = new Map<string, string>();
    const pages: PageLines[] = [];
    let chars = 0;
    let emptyPages = 0;
    let numbers = 0;
    for (let p = 1; p <= total; p++) {
      const r = await readPage(doc, p, fontNames);
      numbers += r.gutter;
      chars += r.chars;
      if (!r.chars) emptyPages++;
      pages.push(r.lines);
      opts.onPage?.(p, total);
    }
    if (chars === 0)
      throw new IngestError(
        source,
        `has no text layer (${total} page${total === 1 ? '' : 's'} of images only; it is probably scanned).`,
        'Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the OCR\'d file.',
      );
    const notes: string[] = [];
    if (emptyPages) notes.push(`${emptyPages} page(s) without a text layer were skipped`);
    const { text, blocks: placed } = buildText(layoutBlocks(pages, numbers, notes));
    return {
      format: 'pdf',
      text,
      blocks: placed,
      pages: total,
      notes,
      meta: {
        title: usefulTitle(typeof info.Title === 'string' ? info.Title : undefined),
        author: typeof info.Author === 'string' && info.Author.trim() ? info.Author.trim() : undefined,
        // The creation date is only a fallback: the date the text states wins.
        fallbackDate: normaliseMetaDate(typeof info.CreationDate === 'string' ? info.CreationDate : undefined),
        language: typeof info.Language === 'string' && info.Language ? info.Language.split(/[-_]/)[0]!.toLowerCase() : undefined,
      },
    };
  } finally {
    await doc.destroy();
  }
}

const isBoldName = (name: string) => /bold|black|heavy|semibold|demi/i.test(name);

function toLines(items: Item[], page: number, fontNames: Map<string, string>, pageHeight: number): Line[] {
  const sorted = items.filter((i) => i.str.length > 0).sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Item[][] = [];
  for (const it of sorted) {
    const cur = lines[lines.length - 1];
    if (cur && Math.abs(cur[0]!.y - it.y) <= 0.4 * Math.max(it.size, cur[0]!.size)) cur.push(it);
    else lines.push([it]);
  }
  const out: Line[] = [];
  for (const l of lines) {
    l.sort((a, b) => a.x - b.x);
    // Segments: runs of items with no gap wider than word spacing (table cells, columns, the page
    // number of a contents entry are separate segments).
    const groups: Item[][] = [];
    let prevEnd = -Infinity;
    let prevSize = 0;
    for (const it of l) {
      if (!it.str.trim()) continue;
      const g = groups[groups.length - 1];
      if (g && it.x - prevEnd <= 1.1 * Math.max(prevSize, it.size)) g.push(it);
      else groups.push([it]);
      prevEnd = Math.max(prevEnd, it.x + it.w);
      prevSize = it.size;
    }
    const segs: Seg[] = [];
    for (const g of groups) {
      const text = bullet(joinItems(g));
      if (!text) continue;
      let boldChars = 0;
      let all = 0;
      for (const i of g) {
        all += i.str.length;
        if (isBoldName(fontNames.get(i.font) ?? '')) boldChars += i.str.length;
      }
      const last = g[g.length - 1]!;
      const parts = g.map((i) => ({ x: i.x, xEnd: i.x + i.w, y: i.y, str: i.str, size: i.size, bold: isBoldName(fontNames.get(i.font) ?? '') }));
      segs.push({ x: g[0]!.x, xEnd: last.x + last.w, y: g[0]!.y, size: styleOf(g).size, bold: boldChars > all / 2, text, parts });
    }
    if (!segs.length) continue;
    const text = bullet(joinItems(l));
    if (!text) continue;
    // The style of the line is the style of most of its characters.
    const { size, font } = styleOf(l);
    const name = fontNames.get(font) ?? '';
    out.push({
      page,
      x: segs[0]!.x,
      xEnd: segs[segs.length - 1]!.xEnd,
      y: l[0]!.y,
      size,
      font,
      bold: isBoldName(name),
      text,
      segs,
      pageHeight,
    });
  }
  return out;
}

/** A bullet glyph stuck to its text gets the space a list marker needs. */
const bullet = (s: string) => s.replace(/^•(?=[^\s•])/, '• ');

function styleOf(items: Item[]): { size: number; font: string } {
  const bySize = new Map<number, number>();
  const byFont = new Map<string, number>();
  for (const i of items) {
    bySize.set(round(i.size), (bySize.get(round(i.size)) ?? 0) + i.str.length);
    byFont.set(i.font, (byFont.get(i.font) ?? 0) + i.str.length);
  }
  return { size: [...bySize].sort((a, b) => b[1] - a[1])[0]![0], font: [...byFont].sort((a, b) => b[1] - a[1])[0]![0] };
}

/**
 * Drop running headers/footers and bare page numbers in the top and bottom 10% of pages, and
 * "Continued on next page" lines anywhere. The number printed in a dropped line is kept as the
 * page's printed number.
 */
function dropRunningLines(pages: PageLines[]): number {
  const inZone = (l: Line, h: number) => l.y > h * 0.9 || l.y < h * 0.1;
  const count = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) if (inZone(l, p.height)) seen.add(digitKey(l.text));
    for (const k of seen) count.set(k, (count.get(k) ?? 0) + 1);
  }
  const need = Math.max(2, Math.ceil(pages.length * 0.5));
  let dropped = 0;
  for (const p of pages) {
    const keep = p.lines.filter((l) => {
      if (isContinuation(l.text)) {
        dropped++;
        return false;
      }
      const k = digitKey(l.text);
      const bare = PAGE_NUMBER.test(k) && (l.y > p.height * 0.87 || l.y < p.height * 0.13);
      if (!bare && !inZone(l, p.height)) return true;
      if (bare || (pages.length >= 2 && (count.get(k) ?? 0) >= need)) {
        // The number of the whole line, or of a segment that is a bare page number ("2021-2022   8   70-71 Eliz. II").
        const lone = l.segs.find((sg) => l.segs.length > 1 && PAGE_NUMBER.test(digitKey(sg.text)));
        const n = printedNumber(l.text) ?? (lone ? printedNumber(lone.text) : undefined);
        if (n && (bare || !p.printed)) p.printed = n;
        dropped++;
        return false;
      }
      return true;
    });
    p.lines = keep;
    // A lone page number a little above the bottom zone ("Page 7" over a footer band).
    if (p.printed === String(p.page)) p.printed = undefined;
  }
  return dropped;
}

const FOOTNOTE = /^(?:\d{1,3}|\(\d{1,3}\)|[*†‡§])\s*\S/;

/** The body text style (the size carrying the most characters), and the heading sizes above it. */
interface BodyStyle {
  body: number;
  isHeadingStyle: (l: Line) => boolean;
  levelOf: (l: Line) => number;
}

function bodyStyle(all: Line[]): BodyStyle {
  // Body style: the size (and boldness) carrying the most characters.
  const sizeChars = new Map<number, number>();
  let boldChars = 0;
  let total = 0;
  for (const l of all) {
    sizeChars.set(l.size, (sizeChars.get(l.size) ?? 0) + l.text.length);
    if (l.bold) boldChars += l.text.length;
    total += l.text.length;
  }
  const body = [...sizeChars].sort((a, b) => b[1] - a[1])[0]![0];
  const bodyBold = boldChars > total / 2;
  const headingSizes = [...sizeChars.keys()].filter((s) => s >= body * 1.15).sort((a, b) => b - a);
  const isHeadingStyle = (l: Line) =>
    l.size >= body * 1.15 || (!bodyBold && l.bold && l.size >= body * 0.95 && l.text.length <= 150 && !TERMINAL.test(l.text));
  const levelOf = (l: Line) => {
    const i = headingSizes.indexOf(l.size);
    return Math.min(6, (i >= 0 ? i : headingSizes.filter((s) => s > l.size).length) + 1);
  };
  return { body, isHeadingStyle, levelOf };
}

type OpenBlock = { block: RawBlock; last: Line; x: number };

/** Lines → blocks: one open block at a time, list nesting by marker indentation and style. */
class BlockAssembler {
  readonly blocks: RawBlock[] = [];
  private open: OpenBlock | undefined;
  // Nesting of list items: a stack of (x of marker, style).
  private listStack: { x: number; style: string }[] = [];
  constructor(private readonly style: BodyStyle) {}

  close(): void {
    const open = this.open;
    if (open) {
      open.block.text = tidyInline(open.block.text);
      if (open.last.lang) open.block.lang = open.last.lang;
      this.blocks.push(open.block);
    }
    this.open = undefined;
  }

  private itemDepth(m: Marker, x: number): number {
    const tol = 3;
    const stack = this.listStack;
    while (stack.length && stack[stack.length - 1]!.x > x + tol) stack.pop();
    const top = stack[stack.length - 1];
    if (!top || x > top.x + tol) {
      stack.push({ x, style: m.style });
    } else if (top.style !== m.style) {
      // Same indentation, another style: back to an enclosing level of that style, or one deeper.
      const at = stack.findIndex((s) => s.style === m.style && Math.abs(s.x - x) <= tol);
      if (at >= 0) stack.length = at + 1;
      else stack.push({ x, style: m.style });
    }
    return stack.length - 1;
  }

  /** Start a block of its own (closing the open one and any list). */
  private startAlone(block: RawBlock, l: Line, keepOpen: boolean): void {
    this.close();
    this.listStack = [];
    if (keepOpen) this.open = { block, last: l, x: l.x };
    else this.blocks.push(block);
  }

  /** A table's rows are emitted where its first line is; its other lines are in the rows. */
  private table(l: Line): void {
    if (l.table!.first !== l) return;
    this.close();
    this.listStack = [];
    const t = l.table!;
    for (const r of t.rows)
      this.blocks.push({
        kind: 'table-row',
        cells: r.cells,
        text: r.cells.join(TABLE_CELL_SEPARATOR),
        table: t.id,
        page: r.page,
        ...(r.pageEnd && r.pageEnd !== r.page ? { pageEnd: r.pageEnd } : {}),
        ...(t.header ? { header: t.header } : {}),
      });
  }

  private special(l: Line): 'caption' | 'footnote' | undefined {
    const prev = this.open?.last;
    const samePage = prev && prev.page === l.page;
    if (CAPTION.test(l.text)) return 'caption';
    return l.size <= this.style.body * 0.9 &&
      l.y < l.pageHeight * 0.3 &&
      FOOTNOTE.test(l.text) &&
      // A footnote's next line that happens to start with a number ("21 May 2024.") continues it.
      !(this.open?.block.hint === 'footnote' && samePage && !TERMINAL.test(prev!.text))
      ? 'footnote'
      : undefined;
  }

  /** Whether a plain line continues the open block (a wrapped line, or a paragraph carried over a page break). */
  private continues(l: Line): boolean {
    const open = this.open;
    if (!open || open.block.kind === 'heading') return false;
    const prev = open.last;
    if (prev.page === l.page) {
      const gap = prev.y - l.y;
      const indented = open.block.kind === 'paragraph' && l.x > open.x + 1.5 * l.size && TERMINAL.test(prev.text);
      return gap > 0 && gap <= Math.max(prev.size, l.size) * 1.6 && Math.abs(l.size - prev.size) < 1 && !indented;
    }
    // A paragraph carries over a page break when its last line does not end a sentence.
    return !TERMINAL.test(prev.text) && Math.abs(l.size - prev.size) < 1;
  }

  line(l: Line): void {
    if (l.table) return this.table(l);
    if (l.hint === 'toc') return this.startAlone({ kind: 'paragraph', text: l.text, page: l.page, hint: 'toc' }, l, false);
    const special = this.special(l);
    if (special) return this.startAlone({ kind: 'paragraph', text: l.text, page: l.page, hint: special }, l, true);
    const open = this.open;
    const prev = open?.last;
    if (this.style.isHeadingStyle(l)) {
      // Consecutive lines of the same heading style close together form one heading.
      if (open?.block.kind === 'heading' && prev!.page === l.page && prev!.size === l.size && prev!.bold === l.bold && prev!.y - l.y <= l.size * 1.6) {
        open.block.text = appendLine(open.block.text, l.text);
        open.last = l;
        return;
      }
      return this.startAlone({ kind: 'heading', level: this.style.levelOf(l), text: l.text, page: l.page }, l, true);
    }
    const m = parseMarker(l.text);
    if (m) {
      this.close();
      const block: RawBlock = { kind: 'item', depth: this.itemDepth(m, l.x), marker: m.marker, ordered: m.ordered, text: l.text.slice(m.length), page: l.page };
      this.open = { block, last: l, x: l.x };
      return;
    }
    if (this.continues(l)) {
      open!.block.text = appendLine(open!.block.text, l.text);
      if (l.page !== (open!.block as { page?: number }).page) (open!.block as { pageEnd?: number }).pageEnd = l.page;
      open!.last = l;
      return;
    }
    this.close();
    if (!this.listStack.length || l.x <= this.listStack[0]!.x + 3) this.listStack = [];
    this.open = { block: { kind: 'paragraph', text: l.text, page: l.page }, last: l, x: l.x };
  }
}

function toBlocks(pages: PageLines[]): RawBlock[] {
  const all = pages.flatMap((p) => p.lines);
  if (!all.length) return [];
  const style = bodyStyle(all);
  const asm = new BlockAssembler(style);
  for (const l of all) asm.line(l);
  asm.close();
  const blocks = asm.blocks;
  // Printed page numbers that differ from the physical page, and the cover page.
  const printed = new Map(pages.filter((p) => p.printed).map((p) => [p.page, p.printed!]));
  const first = pages[0];
  const cover =
    pages.length >= 3 &&
    first &&
    first.lines.reduce((n, l) => n + l.text.length, 0) < 400 &&
    first.lines.some((l) => l.size >= style.body * 1.4);
  for (const b of blocks) {
    const pp = b.page !== undefined ? printed.get(b.page) : undefined;
    if (pp) b.printedPage = pp;
    if (cover && b.page === first!.page && !b.hint) b.hint = 'cover';
  }
  return blocks;
}

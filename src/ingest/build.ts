// Assembles the extracted plain text from reader blocks and records each block's character span.
import { TABLE_CELL_SEPARATOR, type Block, type RawBlock } from './types.ts';

const LIGATURES: Record<string, string> = {
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': 'st',
  '\ufb06': 'st',
};

/** Typographic ligatures (ﬁ, ﬂ, ﬀ …) written out as the letters they stand for. */
export function normaliseGlyphs(s: string): string {
  return s.replace(/[\ufb00-\ufb06]/g, (c) => LIGATURES[c]!);
}

/** Collapse runs of spaces and tabs, trim each line, and drop empty lines (keeps single line breaks). */
export function tidyLines(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t ]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

/** All whitespace (including line breaks) collapsed to single spaces. */
export function tidyInline(s: string): string {
  return s.replace(/[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ').trim();
}

/**
 * The longest block (paragraph, list item, table row) a document may have, in characters. A real
 * paragraph is a few thousand characters at most; a longer one means a file without paragraph
 * breaks (one line of 50 MB, say), whose extraction would take memory out of all proportion.
 * Statements are made from single blocks, so this also caps the size of a statement.
 */
export const MAX_BLOCK_CHARS = 50_000;

/** A block longer than MAX_BLOCK_CHARS: ingest stops with a message naming the file (src/ingest/index.ts). */
export class BlockTooLongError extends Error {
  constructor(
    readonly chars: number,
    readonly limit = MAX_BLOCK_CHARS,
  ) {
    super(
      `has a paragraph of ${chars.toLocaleString('en')} characters, longer than the ${limit.toLocaleString('en')}-character limit for one paragraph or statement.`,
    );
    this.name = 'BlockTooLongError';
  }
}

/** Throw BlockTooLongError when a block's text is longer than the limit (checked before any copy of it is made). */
export function checkBlockSize(text: string): void {
  if (text.length > MAX_BLOCK_CHARS) throw new BlockTooLongError(text.length);
}

export class TextBuilder {
  private parts: string[] = [];
  private length = 0;
  readonly blocks: Block[] = [];

  /**
   * Append a block. `prefix` (e.g. a list marker) is written before the block text but is not part
   * of its span. Blocks whose text is empty are skipped.
   */
  add(block: RawBlock, prefix = ''): void {
    if (block.kind === 'table-row') {
      // The text of a row is always its cells joined, so every cell keeps an exact span.
      for (const c of block.cells) checkBlockSize(c);
      const cells = block.cells.map((c) => normaliseGlyphs(tidyInline(c)));
      if (!cells.some((c) => c)) return;
      block = { ...block, cells, text: cells.join(TABLE_CELL_SEPARATOR), ...(block.header ? { header: block.header.map((c) => normaliseGlyphs(tidyInline(c))) } : {}) };
      if (this.length > 0) this.push('\n\n');
      const start = this.length;
      this.push(block.text);
      this.blocks.push({ ...block, start, end: this.length } as Block);
      return;
    }
    checkBlockSize(block.text);
    const text = normaliseGlyphs(block.text).trim();
    if (!text) return;
    if (this.length > 0) this.push('\n\n');
    if (prefix) this.push(prefix);
    const start = this.length;
    this.push(text);
    this.blocks.push({ ...block, text, start, end: this.length } as Block);
  }

  private push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  get text(): string {
    return this.parts.join('');
  }
}

const MAX_INDENT_DEPTH = 12;

/** Marker prefix for an item in the extracted text: the marker itself, indented by depth (up to MAX_INDENT_DEPTH levels). */
export function itemPrefix(b: RawBlock): string {
  if (b.kind !== 'item') return '';
  // Deeper levels are not indented further: 10,000 nested lists must not make the text quadratic.
  const indent = '  '.repeat(Math.min(b.depth, MAX_INDENT_DEPTH));
  return indent + (b.marker ?? '•') + ' ';
}

export function buildText(blocks: RawBlock[]): { text: string; blocks: Block[] } {
  const tb = new TextBuilder();
  for (const b of blocks) tb.add(b, itemPrefix(b));
  return { text: tb.text, blocks: tb.blocks };
}

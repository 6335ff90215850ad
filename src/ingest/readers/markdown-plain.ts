// A single pass over Markdown that uses only the plainest constructs: ATX headings, paragraphs and
// flat lists (bullets "-" and "+", numbers "1." and "1)"), with no inline markup at all. Such a
// file (a long generated list, a plain policy text) is most of what takes time to parse, and for it
// the blocks are certain without a full CommonMark parser. Anything else (emphasis, links, code,
// quotes, nested or indented lists, setext headings, a list that interrupts a paragraph, HTML,
// escapes, entities, tabs, leading or trailing white space on a line) makes this reader give up
// (undefined), and readMarkdown parses the file with mdast-util-from-markdown as before.
// test/ingest/markdown-plain.test.ts checks that whenever this reader answers, its blocks are the
// ones the full parser gives, on generated documents full of near misses.
import { tidyInline } from '../build.ts';
import type { RawBlock } from '../types.ts';

/** Characters that can start inline markup (or raw HTML, entities, escapes), and tabs, CR and NUL. */
const NOT_PLAIN = /[\\`*_[\]<>&~\t\r\0]/;
/** A line that starts or ends with white space: indentation, hard breaks and the like. */
const EDGE_SPACE = /^\s|\s$/;
const HEADING = /^(#{1,6}) (.+)$/;
const ITEM = /^(?:([-+])|(\d{1,9})([.)])) (.+)$/;
/** What may not start a paragraph line, or the text of an item (it would open another block). */
const BLOCK_START = /^(?:[#>\-+*=_`~<|]|\d+[.)])/;

interface OpenList {
  /** The bullet character or the number's delimiter: a different one starts a new list. */
  type: string;
  ordered: boolean;
  next: number;
}

/** Blocks of a plain Markdown body, or undefined when it uses anything beyond the plainest constructs. */
export function plainMarkdownBlocks(body: string): RawBlock[] | undefined {
  if (NOT_PLAIN.test(body)) return undefined;
  const blocks: RawBlock[] = [];
  // The open paragraph or list item: its lines, and the item's fields.
  let lines: string[] = [];
  let item: { ordered: boolean; marker: string } | undefined;
  let mode: 'none' | 'para' | 'item' = 'none';
  let list: OpenList | undefined;
  const flush = () => {
    if (mode === 'para') blocks.push({ kind: 'paragraph', text: tidyInline(lines.join('\n')) });
    else if (mode === 'item') blocks.push({ kind: 'item', depth: 0, ordered: item!.ordered, marker: item!.marker, text: tidyInline(lines.join('\n')) });
    mode = 'none';
    lines = [];
  };
  for (const line of body.split('\n')) {
    if (line === '') {
      flush();
      continue;
    }
    if (EDGE_SPACE.test(line)) return undefined;
    const h = HEADING.exec(line);
    if (h) {
      const text = h[2]!;
      // Heading text is inline only; a closing sequence of #s is not kept out here, so leave it to the parser.
      if (text.endsWith('#')) return undefined;
      flush();
      list = undefined;
      blocks.push({ kind: 'heading', level: h[1]!.length, text: tidyInline(text) });
      continue;
    }
    const m = ITEM.exec(line);
    if (m) {
      const text = m[4]!;
      // A list that interrupts a paragraph follows rules of its own; an item's text that opens a block nests one.
      if (mode === 'para' || BLOCK_START.test(text)) return undefined;
      flush();
      const ordered = m[2] !== undefined;
      const type = ordered ? m[3]! : m[1]!;
      if (!list || list.type !== type) list = { type, ordered, next: ordered ? Number(m[2]) : 0 };
      const num = list.next++;
      item = { ordered, marker: ordered ? `${num}.` : '•' };
      lines = [text];
      mode = 'item';
      continue;
    }
    if (BLOCK_START.test(line)) return undefined;
    // A paragraph line: it continues the open paragraph or item (lazily), or opens a paragraph, which closes any list.
    if (mode === 'none') {
      list = undefined;
      mode = 'para';
    }
    lines.push(line);
  }
  flush();
  return blocks;
}

// The pre-extraction segmenter, kept for the benchmark and for tests that recreate documents
// ingested before roles (its keys are the keys those statements were stored under). Ingest itself
// now goes through src/extract (every block gets a role; only the three statement kinds become
// statements). Here: headings build the heading path ("Section > Subsection"); paragraphs and
// list items become statements. A list item's nested items are its children, and a paragraph that
// ends with ":" right before a list is the parent of that list's top-level items. Every statement
// keeps the character span of its block in the extracted text, and its page(s).
import { createHash } from 'node:crypto';
import { detectLanguage } from './detect.ts';
import type { Block, Extracted } from './types.ts';
import type { StatementKind } from '../model/index.ts';

export interface Segment {
  /** Stable within the document: derived from the heading path and the normalised text. */
  key: string;
  parentKey?: string;
  ord: number;
  name: string;
  text: string;
  headingPath: string[];
  page?: number;
  pageEnd?: number;
  charStart: number;
  charEnd: number;
  ref?: string;
  language: string;
  block: 'paragraph' | 'item';
  depth?: number;
  marker?: string;
}

/** Text normalised for keys and fingerprints: NFKC, lower case, no whitespace at all. */
export function squash(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\u00a0\u3000]+/g, '');
}

const CJK_LANGS = new Set(['zh', 'ja', 'ko']);

/** A short title for a statement: its lead-in ("Model memorisation: …") or first sentence, clipped. */
export function statementName(text: string): string {
  const lead = /^(.{2,80}?)\s*[:：]\s+\S/.exec(text);
  if (lead && !/[.!?。！？]/.test(lead[1]!) && lead[1]!.split(/\s+/).length <= 12) return lead[1]!.trim();
  const sentence = /^(.+?[.!?。！？])(?:\s|$)/.exec(text)?.[1] ?? text;
  const cjk = /[\u3400-\u9fff]/.test(sentence.slice(0, 20));
  const max = cjk ? 40 : 100;
  if ([...sentence].length <= max) return sentence.trim();
  const clipped = [...sentence].slice(0, max).join('');
  const cut = cjk ? clipped : clipped.replace(/\s+\S*$/, '');
  return cut.replace(/[\s,;:–—-]+$/, '') + '…';
}

function hasWords(text: string): boolean {
  return (text.match(/\p{L}/gu)?.length ?? 0) >= 2;
}

export interface SegmentOptions {
  language: string;
}

export function segment(ex: Extracted, opts: SegmentOptions): Segment[] {
  const out: Segment[] = [];
  const headings: { level: number; text: string }[] = [];
  let itemAtDepth: (string | undefined)[] = [];
  let intro: string | undefined; // a paragraph ending in ":" that leads into a list
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
    // Switch only when the script differs (a Chinese clause in an English document) or the text is long.
    return CJK_LANGS.has(l) !== docCjk || text.length > 300 ? l : opts.language;
  };

  const blocks: Block[] = ex.blocks;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.kind === 'heading') {
      while (headings.length && headings[headings.length - 1]!.level >= b.level) headings.pop();
      headings.push({ level: b.level, text: b.text });
      itemAtDepth = [];
      intro = undefined;
      continue;
    }
    if (!hasWords(b.text)) continue;
    const headingPath = headings.map((h) => h.text);
    const key = keyOf(headingPath, b.text);
    let parentKey: string | undefined;
    if (b.kind === 'item') {
      for (let d = b.depth - 1; d >= 0 && !parentKey; d--) parentKey = itemAtDepth[d];
      parentKey ??= intro;
      itemAtDepth = itemAtDepth.slice(0, b.depth);
      itemAtDepth[b.depth] = key;
    } else {
      itemAtDepth = [];
      const next = blocks[i + 1];
      intro = /[:：]$/.test(b.text) && next?.kind === 'item' ? key : undefined;
    }
    const seg: Segment = {
      key,
      parentKey,
      ord: out.length,
      name: statementName(b.text),
      text: b.text,
      headingPath,
      page: b.page,
      pageEnd: b.pageEnd && b.pageEnd !== b.page ? b.pageEnd : undefined,
      charStart: b.start,
      charEnd: b.end,
      language: langOf(b.text),
      block: b.kind === 'table-row' ? 'paragraph' : b.kind,
    };
    if (b.kind === 'item') {
      seg.depth = b.depth;
      seg.marker = b.marker;
      seg.ref = b.marker && b.marker !== '•' ? b.marker : undefined;
    }
    if (!seg.ref && b.page) seg.ref = seg.pageEnd ? `pp. ${b.page}–${seg.pageEnd}` : `p. ${b.page}`;
    out.push(seg);
  }
  return out;
}

export type { StatementKind };

// Plain text → blocks. Paragraphs are separated by blank lines; a line that starts with a list
// marker ("1.", "(a)", "iv)", "•", "Article 3", "第三条") starts an item, whose depth follows the
// order in which marker styles appear. Headings, from the top level down: short standalone lines in
// capitals and lines underlined with ===; "Part/Chapter" lines (and lines underlined with ---);
// "Section" lines; standalone "Article N" lines; short "2.1 Scope"-style lines (one level per number).
import { buildText, tidyInline } from '../build.ts';
import { MarkerDepth, parseMarker } from '../markers.ts';
import type { Extracted, RawBlock } from '../types.ts';

const CHAPTER = /^(part|title|chapter|章)\s+[\divxlc]+\b|^第[一二三四五六七八九十百\d]+[编章]/i;
const SECTION = /^(section)\s+[\divxlc]+\b|^第[一二三四五六七八九十百\d]+节/i;

function headingOf(line: string, alone: boolean): { level: number } | undefined {
  if (line.length > 100) return undefined;
  if (CHAPTER.test(line)) return { level: 2 };
  if (SECTION.test(line)) return { level: 3 };
  if (!alone) return undefined;
  if (/[.;,:]$|[。；，：]$/.test(line)) return undefined;
  // "2 Scope", "2.1 Scope", "2.1. Scope" (but "1. Scope" is a list item).
  const num = /^(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3})\s+\S/.exec(line);
  if (num && line.length <= 80) return { level: Math.min(num[1]!.replace(/\.$/, '').split('.').length + 1, 6) };
  const letters = line.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() && line.length <= 80) return { level: 1 };
  return undefined;
}

export function readText(src: string): Extracted {
  const lines = src.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split('\n');
  const blocks: RawBlock[] = [];
  const depth = new MarkerDepth();
  let cur: RawBlock | undefined;
  let curLines: string[] = [];
  let paraStart = true;

  const flush = () => {
    if (cur && curLines.length) {
      cur.text = tidyInline(curLines.join(' '));
      blocks.push(cur);
    }
    cur = undefined;
    curLines = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (!line) {
      flush();
      paraStart = true;
      continue;
    }
    const next = lines[i + 1]?.trim() ?? '';
    // Setext-style underline: the line above is a heading.
    if (/^(=+|-{3,})$/.test(next) && line.length <= 100) {
      flush();
      blocks.push({ kind: 'heading', level: next.startsWith('=') ? 1 : 2, text: tidyInline(line) });
      depth.reset();
      i++;
      paraStart = true;
      continue;
    }
    const alone = paraStart && (!next || i + 1 >= lines.length);
    // The first line standing alone, short and without closing punctuation, is the title.
    const title = !blocks.length && !cur && alone && line.length <= 80 && !/[.;:,!?。；：，！？]$/.test(line) && !parseMarker(line);
    const h = title ? { level: 1 } : paraStart || !cur ? headingOf(line, alone) : undefined;
    if (h) {
      flush();
      blocks.push({ kind: 'heading', level: h.level, text: tidyInline(line) });
      depth.reset();
      paraStart = true;
      continue;
    }
    const m = parseMarker(line);
    const rest = m ? line.slice(m.length) : '';
    if (m && (m.style === 'article' || m.style === 'zh-article') && rest.length <= 80 && !/[.;:,。；：，]$/.test(rest) && alone) {
      // "Article 5" or "Article 5 Prohibited practices" standing alone: a heading of the articles.
      flush();
      blocks.push({ kind: 'heading', level: 4, text: tidyInline(line) });
      depth.reset();
      paraStart = true;
      continue;
    }
    if (m) {
      flush();
      cur = { kind: 'item', depth: depth.depth(m), marker: m.marker, ordered: m.ordered, text: '' };
      curLines = [line.slice(m.length)];
    } else if (!cur) {
      cur = { kind: 'paragraph', text: '' };
      curLines = [line];
    } else {
      curLines.push(line);
    }
    paraStart = false;
  }
  flush();
  // A paragraph that is not a list item ends the list context for depth purposes.
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'text', text, blocks: placed, meta: {}, notes: [] };
}

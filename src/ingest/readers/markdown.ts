// Markdown → blocks with mdast-util-from-markdown (CommonMark): headings, paragraphs and list items
// (nested lists keep their depth; ordered lists their numbers). Code blocks, raw HTML and thematic
// breaks are dropped; inline markup is reduced to its text (links keep their label).
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseYaml } from 'yaml';
import { buildText, tidyInline } from '../build.ts';
import { normaliseMetaDate, usefulTitle } from '../detect.ts';
import type { DetectedMeta, Extracted, RawBlock } from '../types.ts';

type Node = { type: string; children?: Node[]; value?: string; depth?: number; ordered?: boolean | null; start?: number | null; alt?: string | null };

function inlineText(n: Node): string {
  switch (n.type) {
    case 'text':
    case 'inlineCode':
      return n.value ?? '';
    case 'break':
      return ' ';
    case 'image':
    case 'imageReference':
      return n.alt ?? '';
    case 'html':
      return '';
    default:
      return (n.children ?? []).map(inlineText).join('');
  }
}

/** Split off YAML front matter (--- ... ---) and read title/date from it. */
function frontMatter(src: string): { body: string; meta: DetectedMeta } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(src);
  if (!m) return { body: src, meta: {} };
  const meta: DetectedMeta = {};
  try {
    const y = parseYaml(m[1]!) as Record<string, unknown> | null;
    if (y && typeof y === 'object') {
      if (typeof y.title === 'string') meta.title = usefulTitle(y.title);
      const d = y.date instanceof Date ? y.date.toISOString() : typeof y.date === 'string' || typeof y.date === 'number' ? String(y.date) : undefined;
      if (d) meta.date = normaliseMetaDate(d);
      if (typeof y.author === 'string') meta.author = y.author;
      if (typeof y.lang === 'string') meta.language = y.lang;
      else if (typeof y.language === 'string') meta.language = y.language;
    }
  } catch {
    // Not YAML after all: keep the text as Markdown.
    return { body: src, meta: {} };
  }
  return { body: src.slice(m[0].length), meta };
}

export function readMarkdown(src: string): Extracted {
  const { body, meta } = frontMatter(src.replace(/^\ufeff/, ''));
  const tree = fromMarkdown(body) as Node;
  const blocks: RawBlock[] = [];

  const walk = (nodes: Node[], depth: number) => {
    for (const n of nodes) {
      switch (n.type) {
        case 'heading':
          blocks.push({ kind: 'heading', level: n.depth ?? 1, text: tidyInline(inlineText(n)) });
          break;
        case 'paragraph':
          blocks.push({ kind: 'paragraph', text: tidyInline(inlineText(n)) });
          break;
        case 'blockquote':
          walk(n.children ?? [], depth);
          break;
        case 'list': {
          let num = n.start ?? 1;
          for (const li of n.children ?? []) {
            const own = (li.children ?? []).filter((c) => c.type !== 'list');
            const text = own
              .map((c) => tidyInline(inlineText(c)))
              .filter(Boolean)
              .join('\n');
            blocks.push({ kind: 'item', depth, ordered: !!n.ordered, marker: n.ordered ? `${num}.` : '•', text });
            num++;
            walk((li.children ?? []).filter((c) => c.type === 'list'), depth + 1);
          }
          break;
        }
        default:
          // code, html, thematicBreak, definition, …: not statements.
          break;
      }
    }
  };
  walk(tree.children ?? [], 0);
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'markdown', text, blocks: placed, meta, notes: [] };
}

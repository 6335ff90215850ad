// Markdown → blocks with mdast-util-from-markdown (CommonMark): headings, paragraphs and list items
// (nested lists keep their depth; ordered lists their numbers). Code blocks, raw HTML and thematic
// breaks are dropped; inline markup is reduced to its text (links keep their label).
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseYaml, YAMLError } from 'yaml';
import { buildText, tidyInline } from '../build.ts';
import { plainMarkdownBlocks } from './markdown-plain.ts';
import { normaliseMetaDate, usefulTitle } from '../detect.ts';
import type { DetectedMeta, Extracted, RawBlock } from '../types.ts';

type Node = { type: string; children?: Node[]; value?: string; depth?: number; ordered?: boolean | null; start?: number | null; alt?: string | null };

/** The text of inline content (links keep their label). Iterative, so deep nesting cannot overflow the stack. */
function inlineText(root: Node): string {
  const parts: string[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    switch (n.type) {
      case 'text':
      case 'inlineCode':
        parts.push(n.value ?? '');
        break;
      case 'break':
        parts.push(' ');
        break;
      case 'image':
      case 'imageReference':
        parts.push(n.alt ?? '');
        break;
      case 'html':
        break;
      default: {
        const kids = n.children ?? [];
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    }
  }
  return parts.join('');
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
  } catch (e) {
    if (!(e instanceof YAMLError)) throw e;
    // Not YAML after all: keep the text as Markdown.
    return { body: src, meta: {} };
  }
  return { body: src.slice(m[0].length), meta };
}

export function readMarkdown(src: string, opts: { plain?: boolean } = {}): Extracted {
  const { body, meta } = frontMatter(src.replace(/^\ufeff/, ''));
  // A plain file (headings, paragraphs, flat lists, no inline markup) is read in one pass; any other
  // by the full parser. `plain: false` always takes the full parser (tests compare the two).
  const blocks = (opts.plain === false ? undefined : plainMarkdownBlocks(body)) ?? treeBlocks(body);
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'markdown', text, blocks: placed, meta, notes: [] };
}

/** The blocks of a Markdown body through mdast-util-from-markdown (CommonMark). */
function treeBlocks(body: string): RawBlock[] {
  const tree = fromMarkdown(body) as Node;
  const blocks: RawBlock[] = [];

  // Iterative walk (an explicit stack of node lists with their depth): a file of thousands of nested
  // quotes or lists cannot overflow the call stack.
  const stack: { nodes: Node[]; i: number; depth: number }[] = [{ nodes: tree.children ?? [], i: 0, depth: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.nodes.length) {
      stack.pop();
      continue;
    }
    const n = top.nodes[top.i++]!;
    const depth = top.depth;
    switch (n.type) {
      case 'heading':
        blocks.push({ kind: 'heading', level: n.depth ?? 1, text: tidyInline(inlineText(n)) });
        break;
      case 'paragraph':
        blocks.push({ kind: 'paragraph', text: tidyInline(inlineText(n)) });
        break;
      case 'blockquote':
        stack.push({ nodes: n.children ?? [], i: 0, depth });
        break;
      case 'list': {
        // Each item, then the lists inside it one level deeper, in order.
        let num = n.start ?? 1;
        const seq: Node[] = [];
        for (const li of n.children ?? []) {
          const own = (li.children ?? []).filter((c) => c.type !== 'list');
          const text = own
            .map((c) => tidyInline(inlineText(c)))
            .filter(Boolean)
            .join('\n');
          seq.push({ type: 'govnav-item', value: text, ordered: !!n.ordered, start: num, depth });
          num++;
          const subs = (li.children ?? []).filter((c) => c.type === 'list');
          if (subs.length) seq.push({ type: 'govnav-sublists', children: subs, depth: depth + 1 });
        }
        stack.push({ nodes: seq, i: 0, depth });
        break;
      }
      case 'govnav-item':
        blocks.push({ kind: 'item', depth: n.depth ?? depth, ordered: !!n.ordered, marker: n.ordered ? `${n.start}.` : '•', text: n.value ?? '' });
        break;
      case 'govnav-sublists':
        stack.push({ nodes: n.children ?? [], i: 0, depth: n.depth ?? depth + 1 });
        break;
      default:
        // code, html, thematicBreak, definition, …: not statements.
        break;
    }
  }
  return blocks;
}

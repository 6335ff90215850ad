// HTML → blocks with linkedom. Scripts, styles, navigation, page header/footer, asides, forms and
// elements whose class/id names them as boilerplate (cookie banners, menus, share bars …) are
// dropped. The main content is <main>/[role=main]/a single <article> when the page marks it, else
// what @mozilla/readability picks. Headings h1–h6, paragraphs, list items (nested lists keep their
// depth, <ol> their numbers), table rows and definition lists become blocks.
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { buildText, tidyInline } from '../build.ts';
import { normaliseMetaDate, usefulTitle } from '../detect.ts';
import type { DetectedMeta, Extracted, Format, RawBlock } from '../types.ts';
import { noteIgnored } from '../../util/errors.ts';

type El = Element;

const DROP_TAGS = [
  'script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'nav', 'aside', 'form', 'button', 'select', 'input', 'textarea', 'dialog', 'menu', 'head', 'link', 'meta',
];
const DROP_ROLES = ['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alert'];
const BOILERPLATE_TOKENS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'breadcrumb', 'breadcrumbs', 'cookie', 'cookies', 'cookie-banner', 'consent',
  'sidebar', 'share', 'sharing', 'social', 'skip-link', 'skiplink', 'site-header', 'site-footer', 'footer', 'subscribe',
  'newsletter', 'advert', 'advertisement', 'ads', 'promo', 'related-posts', 'toc-sidebar', 'visually-hidden', 'sr-only',
]);
const INLINE = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'label', 'mark', 'q', 's',
  'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr', 'del', 'ins', 'img', 'br',
]);

function isBoilerplate(el: El): boolean {
  const role = el.getAttribute('role');
  if (role && DROP_ROLES.includes(role.toLowerCase())) return true;
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase().split(/\s+/);
  return names.some((n) => BOILERPLATE_TOKENS.has(n) || n.startsWith('cookie'));
}

function clean(root: El | Document): void {
  for (const el of [...root.querySelectorAll(DROP_TAGS.join(','))]) el.remove();
  // The page's header and footer go; an article's own <header> (its title, its date) stays.
  for (const el of [...root.querySelectorAll('header, footer')]) if (!el.parentElement?.closest('article, main, [role="main"]')) el.remove();
  for (const el of [...root.querySelectorAll('*')]) if (el.isConnected !== false && isBoilerplate(el)) el.remove();
}

function metaContent(doc: Document, names: string[]): string | undefined {
  for (const n of names) {
    const el = doc.querySelector(`meta[name="${n}" i], meta[property="${n}" i]`) ?? doc.querySelector(`meta[name="${n}"], meta[property="${n}"]`);
    const v = el?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return undefined;
}

function headMeta(doc: Document): DetectedMeta {
  const meta: DetectedMeta = {};
  const h1 = usefulTitle(doc.querySelector('h1')?.textContent);
  let title = usefulTitle(doc.querySelector('title')?.textContent);
  // "Page title | Site name": keep the part the page's own h1 repeats.
  if (title && h1 && title !== h1 && title.includes(h1)) title = h1;
  meta.title = usefulTitle(metaContent(doc, ['citation_title', 'dc.title', 'og:title'])) ?? title ?? h1;
  meta.date = normaliseMetaDate(
    metaContent(doc, ['citation_publication_date', 'citation_date', 'dc.date', 'dcterms.date', 'dcterms.issued', 'article:published_time', 'date', 'pubdate']),
  );
  meta.author = metaContent(doc, ['citation_author', 'author', 'dc.creator']);
  const lang = doc.documentElement?.getAttribute('lang');
  if (lang) meta.language = lang.split(/[-_]/)[0]!.toLowerCase();
  return meta;
}

/**
 * Text of an element for a block: inline content flattened, whitespace collapsed. Iterative (an
 * explicit stack, not recursion), so that a page of thousands of nested elements cannot overflow
 * the call stack.
 */
function textOf(el: Node, skipLists = false): string {
  const parts: string[] = [];
  // Each entry is a node to visit or a string to emit (the space after a block element).
  const stack: (Node | string)[] = [el];
  while (stack.length) {
    const n = stack.pop()!;
    if (typeof n === 'string') {
      parts.push(n);
      continue;
    }
    if (n.nodeType === 3) parts.push(n.textContent ?? '');
    else if (n.nodeType === 1) {
      const tag = (n as El).tagName.toLowerCase();
      if (skipLists && (tag === 'ul' || tag === 'ol')) continue;
      if (tag === 'img') {
        parts.push((n as El).getAttribute('alt') ?? '');
        continue;
      }
      const block = !INLINE.has(tag);
      if (block || tag === 'br') parts.push(' ');
      if (block) stack.push(' ');
      pushChildren(stack, n);
    }
  }
  return tidyInline(parts.join(''));
}

/** Push a node's children on a stack so that they pop in document order. */
function pushChildren<T>(stack: (Node | T)[], n: Node): void {
  const kids = [...n.childNodes];
  for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
}

/** The lists directly inside a list item (not lists inside those lists), in document order. */
function subLists(li: El): El[] {
  const out: El[] = [];
  const stack: Node[] = [];
  pushChildren(stack, li);
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeType !== 1) continue;
    const tag = (n as El).tagName.toLowerCase();
    if (tag === 'ul' || tag === 'ol') out.push(n as El);
    else pushChildren(stack, n);
  }
  return out;
}

function olMarker(type: string | null, n: number): string {
  if (type === 'a') return String.fromCharCode(96 + ((n - 1) % 26) + 1) + '.';
  if (type === 'A') return String.fromCharCode(64 + ((n - 1) % 26) + 1) + '.';
  if (type === 'i' || type === 'I') {
    const r = toRoman(n);
    return (type === 'i' ? r.toLowerCase() : r) + '.';
  }
  return `${n}.`;
}

function toRoman(n: number): string {
  const t: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let s = '';
  for (const [v, r] of t) while (n >= v) (s += r), (n -= v);
  return s;
}

/** A list and the lists nested in it: items in document order, each followed by its own sub-lists. */
function listBlocks(blocks: RawBlock[], top: El, topDepth: number): void {
  type Task = { list: El; depth: number } | { item: El; depth: number; ordered: boolean; marker: string };
  const tasks: Task[] = [{ list: top, depth: topDepth }];
  while (tasks.length) {
    const t = tasks.pop()!;
    if ('item' in t) {
      blocks.push({ kind: 'item', depth: t.depth, ordered: t.ordered, marker: t.marker, text: textOf(t.item, true) });
      continue;
    }
    const el = t.list;
    const ordered = el.tagName.toLowerCase() === 'ol';
    let n = Number(el.getAttribute('start') ?? 1) || 1;
    const expanded: Task[] = [];
    for (const li of el.children) {
      const tag = li.tagName.toLowerCase();
      if (tag === 'ul' || tag === 'ol') {
        expanded.push({ list: li, depth: t.depth + 1 });
        continue;
      }
      if (tag !== 'li') continue;
      const v = li.getAttribute('value');
      if (v && Number(v)) n = Number(v);
      expanded.push({ item: li, depth: t.depth, ordered, marker: ordered ? olMarker(el.getAttribute('type'), n) : '•' });
      n++;
      for (const sub of subLists(li)) expanded.push({ list: sub, depth: t.depth + 1 });
    }
    for (let i = expanded.length - 1; i >= 0; i--) tasks.push(expanded[i]!);
  }
}

/**
 * The blocks of one block-level element (a heading, paragraph, list, table row, preformatted text);
 * false for a container, whose children are walked instead.
 */
function elementBlocks(blocks: RawBlock[], el: El, tag: string): boolean {
  if (/^h[1-6]$/.test(tag)) blocks.push({ kind: 'heading', level: Number(tag[1]), text: textOf(el) });
  else if (tag === 'p' || tag === 'dt' || tag === 'dd' || tag === 'caption' || tag === 'figcaption' || tag === 'summary')
    blocks.push({ kind: 'paragraph', text: textOf(el) });
  else if (tag === 'ul' || tag === 'ol') listBlocks(blocks, el, 0);
  else if (tag === 'tr') {
    const cells = [...el.children].map((td) => textOf(td)).filter(Boolean);
    if (cells.length) blocks.push({ kind: 'paragraph', text: cells.join(' | ') });
  } else if (tag === 'pre') {
    for (const chunk of (el.textContent ?? '').split(/\n\s*\n/)) blocks.push({ kind: 'paragraph', text: tidyInline(chunk) });
  } else if (tag !== 'hr') return false; // an <hr> is a break, nothing else
  return true;
}

/** Walk the content element and collect blocks (iteratively: nesting depth is not limited by the call stack). */
export function blocksOf(root: Node): RawBlock[] {
  const blocks: RawBlock[] = [];
  let inline: string[] = [];
  const flush = () => {
    const t = tidyInline(inline.join(''));
    if (t) blocks.push({ kind: 'paragraph', text: t });
    inline = [];
  };
  // Nodes to visit, and FLUSH marks where a container element ends.
  const FLUSH = Symbol('flush');
  const stack: (Node | typeof FLUSH)[] = [];
  pushChildren(stack, root);
  while (stack.length) {
    const c = stack.pop()!;
    if (c === FLUSH) {
      flush();
      continue;
    }
    if (c.nodeType === 3) {
      inline.push(c.textContent ?? '');
      continue;
    }
    if (c.nodeType !== 1) continue;
    const el = c as El;
    const tag = el.tagName.toLowerCase();
    if (INLINE.has(tag)) {
      inline.push(tag === 'br' ? ' ' : ' ' + textOf(el) + ' ');
      continue;
    }
    flush();
    if (!elementBlocks(blocks, el, tag)) {
      // A container: its children, then the end of the block.
      stack.push(FLUSH);
      pushChildren(stack, el);
      continue;
    }
    flush();
  }
  flush();
  return blocks.filter((b) => b.text.length > 0);
}

export interface HtmlOptions {
  /** Pick the main content and drop boilerplate (web pages); false for converted DOCX. */
  mainContent?: boolean;
  format?: Format;
}

export function readHtml(html: string, opts: HtmlOptions = {}): Extracted {
  const main = opts.mainContent !== false;
  const { document } = parseHTML(html);
  const meta = main ? headMeta(document) : {};
  const notes: string[] = [];
  let root: Node | null = document.body ?? document.documentElement;
  if (main) {
    clean(document);
    const marked = document.querySelector('main, [role="main"]') ?? (document.querySelectorAll('article').length === 1 ? document.querySelector('article') : null);
    if (marked) root = marked;
    else {
      // Readability works on its own copy (it rewrites the tree).
      const { document: copy } = parseHTML(html);
      clean(copy);
      let article: { content?: string | null } | null = null;
      try {
        article = new Readability(copy as unknown as Document, { charThreshold: 200, keepClasses: false }).parse();
      } catch (e) {
        // Readability only narrows the page to its main content; the whole body is read instead.
        noteIgnored('finding the main content of an HTML page', e);
        article = null;
      }
      if (article?.content) {
        const { document: picked } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
        const pickedBlocks = blocksOf(picked.body);
        const allBlocks = root ? blocksOf(root) : [];
        // Readability can be too eager on short, well-structured pages; keep its pick only when it
        // holds a fair share of the cleaned page.
        const len = (bs: RawBlock[]) => bs.reduce((n, b) => n + b.text.length, 0);
        if (len(pickedBlocks) >= 0.5 * len(allBlocks)) {
          notes.push('main content chosen by Readability');
          const { text, blocks } = buildText(pickedBlocks);
          return { format: opts.format ?? 'html', text, blocks, meta, notes };
        }
      }
    }
  }
  const { text, blocks } = buildText(root ? blocksOf(root) : []);
  return { format: opts.format ?? 'html', text, blocks, meta, notes };
}

/** The charset a page declares in <meta charset> or <meta http-equiv="Content-Type"> (first 4 KB). */
export function declaredCharset(buf: Uint8Array): string | undefined {
  const head = Buffer.from(buf.subarray(0, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head);
  return m?.[1];
}

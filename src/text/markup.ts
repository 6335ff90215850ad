// Statement text as published. Some sources write their texts in Markdown (FINOS, MITRE ATLAS) or
// HTML; govnav stores the text as the source gave it, with a marker of its markup in the statement
// meta (`markup: 'markdown' | 'html' | 'text'`), and turns it into something readable only when it
// is shown:
// - renderText(): safe HTML for a page. The output is built node by node from a parse tree and only
//   ever contains the tags of ALLOWED below, with no attribute except `href` on links; every text
//   value is escaped. Raw HTML inside Markdown is reduced to its text, images to their alt text,
//   scripts and styles dropped. Links keep their href only when it is an absolute http(s) URL (a
//   relative one is resolved against the source's site when one is given, else shown as text).
// - plainText(): the same text without markup, for one-line snippets, names, exports, citations.
// A text with no marker is treated as plain text unless it carries unmistakable Markdown
// (`**bold**`, `[label](url)`, a `## heading` line): stores imported before the marker existed
// still read well.
import { parseHTML } from 'linkedom';
import { fromMarkdown } from 'mdast-util-from-markdown';

export type Markup = 'markdown' | 'html' | 'text';

/** Tags renderText() may emit. Nothing else ever reaches a page. */
export const ALLOWED = ['p', 'em', 'strong', 'ul', 'ol', 'li', 'code', 'pre', 'a', 'br', 'blockquote'] as const;

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]!);

const STRONG_MARKDOWN = /\*\*[^*\s][^*]*\*\*|\[[^\]\n]+\]\((?:https?:\/\/|\/)[^)\s]*\)|(?:^|\n)#{1,6} \S/;

/** The markup of a text: the marker when valid, else 'markdown' on unmistakable signs, else 'text'. */
export function markupOf(text: string, marker?: unknown): Markup {
  if (marker === 'markdown' || marker === 'html' || marker === 'text') return marker;
  return STRONG_MARKDOWN.test(text) ? 'markdown' : 'text';
}

/** An absolute http(s) URL for href, or undefined (relative ones resolved against base when given). */
export function safeHref(href: string | null | undefined, base?: string): string | undefined {
  if (!href) return undefined;
  const h = href.trim();
  let u: URL;
  try {
    u = /^[a-z][a-z0-9+.-]*:/i.test(h) ? new URL(h) : base ? new URL(h, base) : (undefined as never);
  } catch (e) {
    if (e instanceof TypeError) return undefined; // not a URL: shown as text, never linked
    throw e;
  }
  if (!u) return undefined;
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
}

// ---------------------------------------------------------------- Markdown

type MdNode = {
  type: string;
  children?: MdNode[];
  value?: string;
  url?: string;
  alt?: string | null;
  ordered?: boolean | null;
  identifier?: string;
  depth?: number;
  spread?: boolean | null;
};

function definitions(root: MdNode): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (n: MdNode) => {
    if (n.type === 'definition' && n.identifier && n.url) out.set(n.identifier.toLowerCase(), n.url);
    n.children?.forEach(walk);
  };
  walk(root);
  return out;
}

/** Text of raw HTML found inside Markdown: tags removed, entities decoded, scripts/styles dropped. */
function htmlFragmentText(s: string): string {
  return htmlToPlain(s);
}

function mdToHtml(text: string, base?: string): string {
  const root = fromMarkdown(text) as MdNode;
  const defs = definitions(root);
  const kids = (n: MdNode): string => (n.children ?? []).map(node).join('');
  const link = (href: string | undefined, inner: string): string => {
    const h = safeHref(href, base);
    return h ? `<a href="${esc(h)}">${inner}</a>` : inner;
  };
  const node = (n: MdNode): string => {
    switch (n.type) {
      case 'root':
        return (n.children ?? []).map(node).join('\n');
      case 'paragraph':
        return `<p>${kids(n)}</p>`;
      case 'heading':
        // A heading inside a statement is a sub-title of its text, not of the page.
        return `<p><strong>${kids(n)}</strong></p>`;
      case 'text':
        return esc(n.value ?? '');
      case 'emphasis':
        return `<em>${kids(n)}</em>`;
      case 'strong':
        return `<strong>${kids(n)}</strong>`;
      case 'delete':
        return kids(n);
      case 'inlineCode':
        return `<code>${esc(n.value ?? '')}</code>`;
      case 'code':
        return `<pre><code>${esc(n.value ?? '')}</code></pre>`;
      case 'list':
        return n.ordered ? `<ol>${(n.children ?? []).map(node).join('\n')}</ol>` : `<ul>${(n.children ?? []).map(node).join('\n')}</ul>`;
      case 'listItem':
        // A tight list item holds its paragraph's words directly.
        return `<li>${(n.children ?? []).map((c) => (c.type === 'paragraph' && !n.spread ? kids(c) : node(c))).join('')}</li>`;
      case 'blockquote':
        return `<blockquote>${kids(n)}</blockquote>`;
      case 'break':
        return '<br>';
      case 'link':
        return link(n.url, kids(n));
      case 'linkReference':
        return link(defs.get((n.identifier ?? '').toLowerCase()), kids(n));
      case 'image':
      case 'imageReference':
        return esc(n.alt ?? '');
      case 'html':
        return esc(htmlFragmentText(n.value ?? ''));
      case 'definition':
      case 'thematicBreak':
        return '';
      default:
        return n.children ? kids(n) : esc(n.value ?? '');
    }
  };
  return node(root);
}

function mdToPlain(text: string): string {
  const root = fromMarkdown(text) as MdNode;
  const inline = (n: MdNode): string => {
    switch (n.type) {
      case 'text':
      case 'inlineCode':
        return n.value ?? '';
      case 'break':
        return '\n';
      case 'image':
      case 'imageReference':
        return n.alt ?? '';
      case 'html':
        return htmlFragmentText(n.value ?? '');
      default:
        return (n.children ?? []).map(inline).join('');
    }
  };
  const blocks: string[] = [];
  const block = (n: MdNode, prefix = ''): void => {
    switch (n.type) {
      case 'root':
      case 'blockquote':
        n.children?.forEach((c) => block(c, prefix));
        return;
      case 'list':
        n.children?.forEach((c) => block(c, prefix + '• '));
        return;
      case 'listItem': {
        const [first, ...rest] = n.children ?? [];
        if (first) block(first, prefix);
        rest.forEach((c) => block(c, prefix.replace(/• $/, '  ')));
        return;
      }
      case 'code':
        blocks.push(prefix + (n.value ?? ''));
        return;
      case 'definition':
      case 'thematicBreak':
        return;
      case 'html': {
        const t = htmlFragmentText(n.value ?? '').trim();
        if (t) blocks.push(prefix + t);
        return;
      }
      default: {
        const t = inline(n).trim();
        if (t) blocks.push(prefix + t);
      }
    }
  };
  block(root);
  return blocks.join('\n\n');
}

// ---------------------------------------------------------------- HTML

const DROP = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'head', 'title', 'img', 'video', 'audio', 'canvas', 'form', 'input', 'button', 'select', 'textarea']);
const MAP: Record<string, string> = { b: 'strong', i: 'em', h1: 'p', h2: 'p', h3: 'p', h4: 'p', h5: 'p', h6: 'p', div: 'p', section: 'p', article: 'p' };
const BLOCK = new Set(['p', 'div', 'section', 'article', 'li', 'ul', 'ol', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'br']);

type DomNode = { nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<DomNode>; getAttribute?: (n: string) => string | null };

function parseFragment(s: string): DomNode {
  const { document } = parseHTML(`<!doctype html><html><body><div id="govnav-root">${s}</div></body></html>`);
  return document.getElementById('govnav-root') as unknown as DomNode;
}

function htmlToSafe(s: string, base?: string): string {
  const walk = (n: DomNode): string => {
    if (n.nodeType === 3) return esc(n.textContent ?? '');
    if (n.nodeType !== 1) return '';
    const tag = n.nodeName.toLowerCase();
    if (DROP.has(tag)) return '';
    const inner = Array.from(n.childNodes).map(walk).join('');
    const t = MAP[tag] ?? tag;
    if (tag.startsWith('h') && MAP[tag] === 'p' && /^h\d$/.test(tag)) return `<p><strong>${inner}</strong></p>`;
    if (t === 'br') return '<br>';
    if (t === 'a') {
      const h = safeHref(n.getAttribute?.('href'), base);
      return h ? `<a href="${esc(h)}">${inner}</a>` : inner;
    }
    if ((ALLOWED as readonly string[]).includes(t)) return `<${t}>${inner}</${t}>`;
    return inner;
  };
  return Array.from(parseFragment(s).childNodes).map(walk).join('');
}

function htmlToPlain(s: string): string {
  if (!/[<&]/.test(s)) return s;
  const walk = (n: DomNode): string => {
    if (n.nodeType === 3) return n.textContent ?? '';
    if (n.nodeType !== 1) return '';
    const tag = n.nodeName.toLowerCase();
    if (DROP.has(tag) && tag !== 'img') return '';
    if (tag === 'img') return n.getAttribute?.('alt') ?? '';
    const inner = Array.from(n.childNodes).map(walk).join('');
    if (tag === 'li') return `\n• ${inner.trim()}\n`;
    return BLOCK.has(tag) ? `\n${inner}\n` : inner;
  };
  return Array.from(parseFragment(s).childNodes)
    .map(walk)
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ---------------------------------------------------------------- public

/** Safe HTML for a page (see the header). Plain text becomes paragraphs split on blank lines. */
export function renderText(text: string, marker?: unknown, opts: { base?: string } = {}): string {
  const m = markupOf(text, marker);
  if (m === 'markdown') return mdToHtml(text, opts.base);
  if (m === 'html') return htmlToSafe(text, opts.base);
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>\n')}</p>`)
    // Newlines between blocks keep the words apart in textContent (copying, tests, readers).
    .join('\n');
}

/** The text without its markup: readable plain text (paragraphs separated by blank lines). */
export function plainText(text: string, marker?: unknown): string {
  const m = markupOf(text, marker);
  if (m === 'markdown') return mdToPlain(text);
  if (m === 'html') return htmlToPlain(text);
  return text;
}

/**
 * A name fit for a title: no leading list markers (•, -, *, 1., a)), quotes or stray punctuation,
 * no trailing quotes, whitespace collapsed. Keeps the words.
 */
export function cleanName(name: string): string {
  let s = name.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 5; i++) {
    const before = s;
    s = s
      .replace(/^["'“”‘’«»„‟`]+\s*/, '')
      .replace(/^[•·▪◦‣∙●○■□–—\-*+>]+\s*/, '')
      .replace(/^(?:\(?\d{1,2}[.)]|\(?[a-z]\))\s+(?=\S)/, '')
      .replace(/^[,;:.]+\s*/, '')
      .trim();
    if (s === before) break;
  }
  // A quote left unmatched at the end once the opening one is gone.
  if (/”$/.test(s) && !s.includes('“')) s = s.slice(0, -1);
  if (/"$/.test(s) && (s.match(/"/g) ?? []).length % 2 === 1) s = s.slice(0, -1);
  return s.trim();
}

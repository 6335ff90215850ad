// List markers at the start of a line ("1.", "(a)", "iv)", "•", "Article 3", "第三条", "（一）")
// and a small stack that turns the sequence of marker styles into nesting depths.

export interface Marker {
  /** The marker as printed, trimmed ("1.", "(a)", "Article 3"). */
  marker: string;
  /** A style name; the same style at the same depth continues a list. */
  style: string;
  /** Length of the marker and the whitespace after it in the line. */
  length: number;
  ordered: boolean;
}

const ROMAN = /^(?:x{0,3})(?:ix|iv|v?i{0,3})$/;

const PATTERNS: { re: RegExp; style: (m: RegExpExecArray) => string; ordered: boolean }[] = [
  // 1.2.3 / 1.2.3. (multi-level decimal numbering): the number of components is part of the style.
  { re: /^(\d{1,3}(?:\.\d{1,3})+)\.?(?=\s)/, style: (m) => `decimal-${m[1]!.split('.').length}`, ordered: true },
  { re: /^(\d{1,3})[.)](?=\s)/, style: () => 'decimal', ordered: true },
  { re: /^\((\d{1,3})\)(?=\s)/, style: () => 'paren-decimal', ordered: true },
  { re: /^\(([ivxlc]{1,6})\)(?=\s)/, style: () => 'paren-roman', ordered: true },
  { re: /^\(([a-z]{1,2})\)(?=\s)/, style: () => 'paren-alpha', ordered: true },
  { re: /^([ivx]{1,5})[.)](?=\s)/, style: () => 'roman', ordered: true },
  { re: /^([a-z])[.)](?=\s)/, style: () => 'alpha', ordered: true },
  { re: /^([A-Z])[.)](?=\s)/, style: () => 'upper-alpha', ordered: true },
  { re: /^([•·▪▫◦‣⁃●○■□➢►✓*–—-])(?=\s)/, style: () => 'bullet', ordered: false },
  { re: /^(Art(?:icle|\.)\s+\d+[a-z]?)(?=[\s.:–—-]|$)/i, style: () => 'article', ordered: true },
  { re: /^(第[一二三四五六七八九十百千零〇\d]+条)/, style: () => 'zh-article', ordered: true },
  { re: /^([（(][一二三四五六七八九十]+[）)])/, style: () => 'zh-paren', ordered: true },
  { re: /^([一二三四五六七八九十]+、)/, style: () => 'zh-list', ordered: true },
  { re: /^(\d{1,3}、)/, style: () => 'zh-decimal', ordered: true },
];

/** The marker at the start of `line`, if any. */
export function parseMarker(line: string): Marker | undefined {
  for (const p of PATTERNS) {
    const m = p.re.exec(line);
    if (!m) continue;
    if (p.style(m) === 'paren-roman' || p.style(m) === 'roman') {
      if (!ROMAN.test(m[1]!)) continue;
    }
    const rest = line.slice(m[0].length);
    const ws = /^[\s.:–—-]*/.exec(rest)![0];
    // A bare marker with nothing after it is not an item ("1." alone is usually a page number).
    if (!rest.slice(ws.length).trim() && p.style(m) !== 'article' && p.style(m) !== 'zh-article') continue;
    const article = p.style(m) === 'article' || p.style(m) === 'zh-article';
    return {
      marker: m[0].trim(),
      style: p.style(m),
      length: m[0].length + (article ? ws.length : /^\s*/.exec(rest)![0].length),
      ordered: p.ordered,
    };
  }
  return undefined;
}

/**
 * Turns marker styles into depths: the first style seen is depth 0, a new style below it goes one
 * deeper, and a style seen before returns to its depth. "(i)" right after "(h)" stays alphabetic.
 */
export class MarkerDepth {
  private stack: string[] = [];
  private last = new Map<string, string>();

  depth(m: Marker): number {
    let style = m.style;
    const letter = /[a-z]+/i.exec(m.marker)?.[0]?.toLowerCase();
    if ((style === 'paren-roman' || style === 'roman') && letter) {
      const alpha = style === 'paren-roman' ? 'paren-alpha' : 'alpha';
      const prev = this.last.get(alpha);
      if (prev && prev.length === 1 && letter.length === 1 && letter.charCodeAt(0) === prev.charCodeAt(0) + 1 && this.stack.includes(alpha))
        style = alpha;
      else if (letter === 'i' && !this.stack.includes(style) && this.stack.includes(alpha) && !prev) style = alpha;
    }
    if (letter) this.last.set(style, letter);
    const at = this.stack.indexOf(style);
    if (at >= 0) {
      this.stack.length = at + 1;
      return at;
    }
    this.stack.push(style);
    return this.stack.length - 1;
  }

  reset(): void {
    this.stack = [];
    this.last.clear();
  }
}

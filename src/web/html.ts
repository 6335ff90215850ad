// HTML building: every interpolated value is escaped unless wrapped in raw(). Document text is
// untrusted, so pages interpolate it as plain values and never through raw().
import { html as honoHtml, raw as honoRaw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang, LocalizedText } from '../model/index.ts';

export type Html = HtmlEscapedString;

/** Tagged template that escapes interpolations (synchronous: never interpolate promises). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return honoHtml(strings, ...values) as Html;
}

/** Trusted markup only (our own SVG and constants). Never pass document text. */
export function raw(s: string): Html {
  return honoRaw(s) as Html;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** Pick the text for the interface language (falls back to English). */
export function L(lang: Lang, t: LocalizedText | { en: string; zh?: string } | undefined): string {
  if (!t) return '';
  return (lang === 'zh' && t.zh) || t.en;
}

/** Build a URL with query parameters (repeated keys for arrays; empty values dropped). */
export function url(path: string, params: Record<string, string | number | undefined | null | (string | number)[]> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function fmtNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

/** Text with the given character ranges wrapped in <mark>, escaped by the template like everything else. */
export function highlight(text: string, spans: { start: number; end: number }[]): Html {
  const parts: Html[] = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at) continue;
    parts.push(html`${text.slice(at, s.start)}<mark>${text.slice(s.start, s.end)}</mark>`);
    at = s.end;
  }
  return html`${parts}${text.slice(at)}`;
}

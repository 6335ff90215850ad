// Detection of what a document states about itself: language (by script, then common words),
// a publication date near the top, and the format of the bytes.
import { extname } from 'node:path';
import type { Format } from './types.ts';

// ------------------------------------------------------------------ language

const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'is', 'that', 'for', 'shall', 'with', 'be', 'are', 'should', 'or', 'on'],
  fr: ['le', 'la', 'les', 'des', 'et', 'est', 'du', 'une', 'pour', 'dans', 'que', 'qui', 'sont', 'doit', 'aux'],
  de: ['der', 'die', 'und', 'das', 'ist', 'zu', 'den', 'mit', 'von', 'für', 'nicht', 'sich', 'auf', 'ein', 'eine'],
  es: ['el', 'la', 'los', 'las', 'y', 'de', 'que', 'en', 'es', 'para', 'por', 'con', 'una', 'del', 'debe'],
};

/**
 * The language of a text as a BCP 47 code. Chinese, Japanese, Korean, Cyrillic, Arabic and Greek
 * are told apart by script; Latin-script text by its most common function words (en, fr, de, es),
 * defaulting to English. Returns undefined when there is too little text to tell.
 */
export function detectLanguage(text: string): string | undefined {
  let han = 0,
    kana = 0,
    hangul = 0,
    latin = 0,
    cyr = 0,
    arabic = 0,
    greek = 0;
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  for (const ch of sample) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) latin++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2a6df)) han++;
    else if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if (c >= 0xac00 && c <= 0xd7af) hangul++;
    else if (c >= 0x0400 && c <= 0x04ff) cyr++;
    else if (c >= 0x0600 && c <= 0x06ff) arabic++;
    else if (c >= 0x0370 && c <= 0x03ff) greek++;
    else if (c >= 0xc0 && c <= 0x24f) latin++;
  }
  // One Han character carries about as much as a Latin word (~5 letters).
  const cjk = (han + kana + hangul) * 4;
  const total = cjk + latin + cyr + arabic + greek;
  if (total < 8) return undefined;
  if (cjk / total >= 0.3) {
    if (kana > (han + kana) * 0.1) return 'ja';
    if (hangul > han) return 'ko';
    return 'zh';
  }
  if (cyr / total > 0.5) return 'ru';
  if (arabic / total > 0.5) return 'ar';
  if (greek / total > 0.5) return 'el';
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 5) return 'en';
  const scores = Object.entries(STOPWORDS).map(([lang, list]) => {
    const set = new Set(list);
    return [lang, words.reduce((n, w) => n + (set.has(w) ? 1 : 0), 0)] as const;
  });
  scores.sort((a, b) => b[1] - a[1]);
  return scores[0]![1] > 0 ? scores[0]![0] : 'en';
}

// ------------------------------------------------------------------ dates

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7,
  july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12,
  december: 12,
};
const MONTH_RE = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

const pad = (n: number) => String(n).padStart(2, '0');
function iso(y: number, m?: number, d?: number): string | undefined {
  if (y < 1900 || y > 2100) return undefined;
  if (m === undefined) return String(y);
  if (m < 1 || m > 12) return undefined;
  if (d === undefined) return `${y}-${pad(m)}`;
  if (d < 1 || d > 31) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A clear date near the top of the text (first ~1,500 characters): ISO dates, "26 July 2024",
 * "July 26, 2024", "2024年7月26日", or "July 2024". Returns an ISO string ("2024-07-26" / "2024-07").
 */
export function detectDate(text: string): string | undefined {
  const head = text.slice(0, 1500);
  const found: { at: number; value: string }[] = [];
  const add = (re: RegExp, f: (m: RegExpExecArray) => string | undefined) => {
    for (const m of head.matchAll(new RegExp(re.source, 'gi'))) {
      const v = f(m as RegExpExecArray);
      if (v) found.push({ at: m.index ?? 0, value: v });
    }
  };
  add(/\b(\d{4})-(\d{2})-(\d{2})\b/, (m) => iso(+m[1]!, +m[2]!, +m[3]!));
  add(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}\\.?,?\\s+(\\d{4})\\b`), (m) =>
    iso(+m[3]!, MONTHS[m[2]!.toLowerCase()], +m[1]!),
  );
  add(new RegExp(`\\b${MONTH_RE}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`), (m) =>
    iso(+m[3]!, MONTHS[m[1]!.toLowerCase()], +m[2]!),
  );
  add(/(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/, (m) => iso(+m[1]!, +m[2]!, +m[3]!));
  add(/(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)/, (m) => iso(+m[1]!, +m[2]!));
  // "July 2024" only when no day-precise date was found nearby.
  if (!found.length) add(new RegExp(`\\b${MONTH_RE}\\s+(\\d{4})\\b`), (m) => iso(+m[2]!, MONTHS[m[1]!.toLowerCase()]));
  found.sort((a, b) => a.at - b.at);
  return found[0]?.value;
}

/** A PDF date ("D:20240726093000Z") or an ISO timestamp as an ISO date. */
export function normaliseMetaDate(v: string | undefined | null): string | undefined {
  if (!v) return undefined;
  const pdf = /^D:(\d{4})(\d{2})?(\d{2})?/.exec(v);
  if (pdf) return iso(+pdf[1]!, pdf[2] ? +pdf[2] : undefined, pdf[3] ? +pdf[3] : undefined);
  const isoM = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?/.exec(v.trim());
  if (isoM) return iso(+isoM[1]!, +isoM[2]!, isoM[3] ? +isoM[3] : undefined);
  return detectDate(v);
}

/** Titles that tools write into metadata and that say nothing about the document. */
export function usefulTitle(t: string | undefined | null): string | undefined {
  if (!t) return undefined;
  const s = t.replace(/\s+/g, ' ').trim();
  if (s.length < 2 || s.length > 300) return undefined;
  if (/^(untitled|document\d*|microsoft word\b.*|slide \d+|title|page \d+|\(anonymous\))$/i.test(s)) return undefined;
  if (/\.(docx?|pdf|html?|txt|md)$/i.test(s)) return undefined;
  return s;
}

// ------------------------------------------------------------------ formats

export const FORMAT_BY_EXTENSION: Record<string, Format> = {
  '.pdf': 'pdf',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.docx': 'docx',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
};

export const FORMAT_BY_CONTENT_TYPE: Record<string, Format> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
};

const UNSUPPORTED_HINTS: Record<string, string> = {
  '.doc': 'Old binary Word files (.doc) are not supported: save the file as .docx and ingest that.',
  '.rtf': 'RTF is not supported: save the file as .docx, or export it to PDF.',
  '.odt': 'OpenDocument text is not supported: save the file as .docx.',
  '.pptx': 'Slides are not supported: export them to PDF.',
  '.xlsx': 'Spreadsheets are not documents: use `govnav import` for tabular datasets.',
  '.csv': 'CSV is a dataset format: use `govnav import` for tabular datasets.',
  '.zip': 'Unpack the archive and ingest the documents inside it.',
};

export function sniffBytes(buf: Uint8Array): 'pdf' | 'zip' | 'ole' | 'image' | undefined {
  const b = (i: number) => buf[i] ?? -1;
  // A PDF header may follow a little junk; look in the first 1 KB.
  const head = Buffer.from(buf.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) return 'zip';
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) return 'ole';
  if ((b(0) === 0x89 && b(1) === 0x50) || (b(0) === 0xff && b(1) === 0xd8) || (b(0) === 0x47 && b(1) === 0x49)) return 'image';
  return undefined;
}

/**
 * Decide the format from the bytes, the content type (URLs) and the name. Magic bytes win for PDF,
 * ZIP (DOCX) and OLE (old .doc); text formats are told apart by extension or content type.
 * Returns an error message (without the source name) when the input is not supported.
 */
export function detectFormat(
  buf: Uint8Array,
  name: string,
  contentType?: string,
): { format: Format } | { error: string; hint?: string } {
  const ext = extname(name.replace(/[?#].*$/, '')).toLowerCase();
  const sniff = sniffBytes(buf);
  const ctype = contentType?.split(';')[0]!.trim().toLowerCase();
  const byType = ctype ? FORMAT_BY_CONTENT_TYPE[ctype] : undefined;
  const byExt = FORMAT_BY_EXTENSION[ext];
  if (sniff === 'pdf') return { format: 'pdf' };
  if (sniff === 'zip') {
    if (byExt === 'docx' || byType === 'docx' || (!byExt && !UNSUPPORTED_HINTS[ext])) return { format: 'docx' };
    return { error: `is a ZIP archive${byExt ? `, not a ${byExt} file` : ''}.`, hint: UNSUPPORTED_HINTS[ext] ?? 'Only .docx archives can be ingested.' };
  }
  if (sniff === 'ole') return { error: 'is an old binary Office file.', hint: UNSUPPORTED_HINTS['.doc'] };
  if (sniff === 'image') return { error: 'is an image, not a document.', hint: 'Run OCR on it first (e.g. `ocrmypdf`, or tesseract to PDF) and ingest the result.' };
  if (byExt === 'pdf' || byType === 'pdf') return { error: 'claims to be a PDF but does not start with a PDF header.', hint: 'The file may be damaged or an HTML error page.' };
  if (byExt === 'docx' || byType === 'docx') return { error: 'claims to be a .docx but is not a ZIP archive.', hint: 'The file may be damaged.' };
  if (ctype && !byType && ctype !== 'application/octet-stream' && ctype !== 'binary/octet-stream')
    return {
      error: `has content type "${ctype}", which cannot be ingested.`,
      hint: 'Supported: PDF, HTML, DOCX, Markdown and plain text.',
    };
  if (byType) {
    // A server that says text/plain for a .md file: trust the extension for Markdown.
    if (byType === 'text' && byExt === 'markdown') return { format: 'markdown' };
    return { format: byType };
  }
  if (byExt) return { format: byExt };
  if (UNSUPPORTED_HINTS[ext]) return { error: `has an unsupported extension "${ext}".`, hint: UNSUPPORTED_HINTS[ext] };
  // No extension: recognise HTML by its opening, else refuse rather than guess.
  const start = Buffer.from(buf.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return { format: 'html' };
  return {
    error: ext ? `has an unknown extension "${ext}".` : 'has no extension and its format could not be recognised.',
    hint: 'Supported: .pdf, .html/.htm, .docx, .md/.markdown, .txt; give --format pdf|html|docx|markdown|text to say which it is.',
  };
}

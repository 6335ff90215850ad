// Normalised text for full-text search, identical for indexing and for queries, on both engines:
// Latin words are lower-cased and stemmed (so "auditing" finds "audits"); Chinese runs are
// segmented into words with Intl.Segmenter (offline, part of Node's ICU) and each word is kept.
import { stemmer } from 'stemmer';

const HAN = /\p{Script=Han}/u;
const TOKEN = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
let segmenter: Intl.Segmenter | undefined;

/** Each token's word (lower case, possessive dropped, stemmed), by token: a bulk write sees the same words again and again. */
const words = new Map<string, string>();
const MAX_CACHED = 200_000;

/** The word a non-Chinese token stands for. */
function latinWord(tok: string): string {
  let w = words.get(tok);
  if (w === undefined) {
    const lower = tok.toLowerCase().replace(/['’]s$/, '');
    w = /^[a-z]+$/.test(lower) && lower.length > 2 ? stemmer(lower) : lower;
    if (words.size >= MAX_CACHED) words.clear();
    words.set(tok, w);
  }
  return w;
}

/** a-z, A-Z */
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** a-z, A-Z, 0-9 */
const isAlnum = (c: number) => isLetter(c) || (c >= 48 && c <= 57);
const APOSTROPHE = 39;

/**
 * The tokens of a text that is all ASCII, as TOKEN finds them there (NFKC leaves ASCII as it is):
 * a run of letters and digits, and an apostrophe with the letters after it ("don't", "model's").
 */
function asciiTokens(text: string, out: string[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isAlnum(text.charCodeAt(i))) i++;
    if (i + 1 < n && text.charCodeAt(i) === APOSTROPHE && isLetter(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isLetter(text.charCodeAt(i))) i++;
    }
    out.push(latinWord(text.slice(start, i)));
  }
}

export function searchTokens(text: string): string[] {
  const out: string[] = [];
  if (ASCII_ONLY.test(text)) {
    asciiTokens(text, out);
    return out;
  }
  for (const m of text.normalize('NFKC').matchAll(TOKEN)) {
    const tok = m[0];
    if (HAN.test(tok)) {
      segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
      for (const s of segmenter.segment(tok)) if (s.isWordLike) out.push(s.segment);
    } else out.push(latinWord(tok));
  }
  return out;
}

export function toSearchText(...parts: (string | undefined | null)[]): string {
  return searchTokens(parts.filter(Boolean).join(' \n ')).join(' ');
}

/** toSearchText's words, before they are joined (a bulk write builds the search vector from them). */
export function searchTextWords(...parts: (string | undefined | null)[]): string[] {
  return searchTokens(parts.filter(Boolean).join(' \n '));
}

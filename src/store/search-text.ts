// Normalised text for full-text search, identical for indexing and for queries, on both engines:
// Latin words are lower-cased and stemmed (so "auditing" finds "audits"); Chinese runs are
// segmented into words with Intl.Segmenter (offline, part of Node's ICU) and each word is kept.
import { stemmer } from 'stemmer';

const HAN = /\p{Script=Han}/u;
const TOKEN = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
let segmenter: Intl.Segmenter | undefined;

export function searchTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').matchAll(TOKEN)) {
    const tok = m[0];
    if (HAN.test(tok)) {
      segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
      for (const s of segmenter.segment(tok)) if (s.isWordLike) out.push(s.segment);
    } else {
      const w = tok.toLowerCase().replace(/['’]s$/, '');
      out.push(/^[a-z]+$/.test(w) && w.length > 2 ? stemmer(w) : w);
    }
  }
  return out;
}

export function toSearchText(...parts: (string | undefined | null)[]): string {
  return searchTokens(parts.filter(Boolean).join(' \n ')).join(' ');
}

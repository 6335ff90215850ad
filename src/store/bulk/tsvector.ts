// The tsvector of a statement's search text, built here instead of by the database's text parser
// (to_tsvector('simple', …) is most of the server's work in a bulk write). Only for texts whose
// every word is plain ASCII letters or plain digits, where the parser's result is certain: each
// word is one lexeme at the next position (1, 2, …). Anything else (other letters, apostrophes,
// letters and digits mixed, very long texts or words) gets null, and the database computes the
// vector itself (migration 0945). test/store/bulk-tsvector.test.ts compares the two on both engines.

/** Positions above this are clamped by PostgreSQL; such long texts are left to the database. */
const MAX_POSITION = 16_000;
/** PostgreSQL keeps at most 255 positions of one lexeme; more are left to the database. */
const MAX_REPEATS = 200;
const MAX_WORD = 200;
const SPACE = 32;

/** 1 for a-z, 2 for 0-9, 0 for anything else. */
function charClass(c: number): number {
  return c >= 97 && c <= 122 ? 1 : c >= 48 && c <= 57 ? 2 : 0;
}

/** Each word of the text (single spaces between words of only a-z or only 0-9) and its positions, or null. */
function plainWords(text: string): Map<string, number[]> | null {
  const positions = new Map<string, number[]>();
  let start = 0;
  let cls = 0;
  let pos = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : SPACE;
    if (c !== SPACE) {
      const k = charClass(c);
      if (k === 0 || (cls !== 0 && k !== cls)) return null;
      cls = k;
      continue;
    }
    if (i === start || i - start > MAX_WORD || ++pos > MAX_POSITION) return null;
    const w = text.slice(start, i);
    const list = positions.get(w);
    if (!list) positions.set(w, [pos]);
    else if (list.push(pos) > MAX_REPEATS) return null;
    start = i + 1;
    cls = 0;
  }
  return positions;
}

/** The tsvector literal of `searchText` as to_tsvector('simple', searchText) gives it, or null. */
export function simpleTsvector(searchText: string): string | null {
  if (searchText === '') return '';
  const positions = plainWords(searchText);
  if (!positions) return null;
  let out = '';
  for (const [w, list] of positions) out += (out ? " '" : "'") + w + "':" + list.join(',');
  return out;
}

/** True when every character of `w` is a-z, or every one is 0-9, and it has one or more. */
function plainWord(w: string): boolean {
  if (w === '' || w.length > MAX_WORD) return false;
  const cls = charClass(w.charCodeAt(0));
  if (cls === 0) return false;
  for (let i = 1; i < w.length; i++) if (charClass(w.charCodeAt(i)) !== cls) return false;
  return true;
}

/** Word lists up to this long are scanned pairwise for repeats (no Map: most words occur once); longer ones use a Map. */
const SHORT_LIST = 48;

/**
 * simpleTsvector(words.join(' ')) from the words themselves (a search text's tokens, before they
 * are joined), without splitting the joined text again: the same literal, or null.
 */
export function tsvectorOfWords(words: readonly string[]): string | null {
  if (words.length > MAX_POSITION) return null;
  if (words.length === 1 && words[0] === '') return ''; // the empty text
  return words.length <= SHORT_LIST ? shortListVector(words) : longListVector(words);
}

/** tsvectorOfWords for a short list: each word's first occurrence found by scanning the words before it. */
function shortListVector(words: readonly string[]): string | null {
  let out = '';
  const n = words.length;
  next: for (let i = 0; i < n; i++) {
    const w = words[i]!;
    for (let j = 0; j < i; j++) if (words[j] === w) continue next;
    if (!plainWord(w)) return null;
    let list = String(i + 1);
    let count = 1;
    for (let j = i + 1; j < n; j++)
      if (words[j] === w) {
        if (++count > MAX_REPEATS) return null;
        list += ',' + (j + 1);
      }
    out += (out ? " '" : "'") + w + "':" + list;
  }
  return out;
}

function longListVector(words: readonly string[]): string | null {
  const positions = new Map<string, number[]>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const list = positions.get(w);
    if (list) {
      if (list.push(i + 1) > MAX_REPEATS) return null;
    } else {
      if (!plainWord(w)) return null;
      positions.set(w, [i + 1]);
    }
  }
  let out = '';
  for (const [w, list] of positions) out += (out ? " '" : "'") + w + "':" + list.join(',');
  return out;
}

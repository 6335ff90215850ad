// The tsvector of a statement's search text, built here instead of by the database's text parser
// (to_tsvector('simple', …) is most of the server's work in a bulk write). Only for texts whose
// every word is plain ASCII letters or plain digits, where the parser's result is certain: each
// word is one lexeme at the next position (1, 2, …). Anything else (other letters, apostrophes,
// letters and digits mixed, very long texts or words) gets null, and the database computes the
// vector itself (migration 0945). test/store/bulk-tsvector.test.ts compares the two on both engines.

const PLAIN = /^(?:[a-z]+|[0-9]+)(?: (?:[a-z]+|[0-9]+))*$/;
/** Positions above this are clamped by PostgreSQL; such long texts are left to the database. */
const MAX_POSITION = 16_000;
/** PostgreSQL keeps at most 255 positions of one lexeme; more are left to the database. */
const MAX_REPEATS = 200;
const MAX_WORD = 200;

/** The tsvector literal of `searchText` as to_tsvector('simple', searchText) gives it, or null. */
export function simpleTsvector(searchText: string): string | null {
  if (searchText === '') return '';
  if (searchText.length > MAX_POSITION * 2 || !PLAIN.test(searchText)) return null;
  const words = searchText.split(' ');
  if (words.length > MAX_POSITION) return null;
  const positions = new Map<string, number[]>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.length > MAX_WORD) return null;
    const list = positions.get(w);
    if (!list) positions.set(w, [i + 1]);
    else if (list.push(i + 1) > MAX_REPEATS) return null;
  }
  let out = '';
  for (const [w, list] of positions) out += (out ? ' ' : '') + "'" + w + "':" + list.join(',');
  return out;
}

// Cue features: per taxonomy, short English and Chinese cue words for each code, written from the
// annotation guidelines (taxonomies/cues/<taxonomy>.json). A text that contains a cue of code C gets
// the extra word-block term "~cue:C" (once per matching cue, so the count counts); the learner
// weighs these terms like any other, so a cue only helps where the training folds say it does.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CUE_DIR = resolve(fileURLToPath(new URL('../../../taxonomies/cues', import.meta.url)));

export interface CueSet {
  taxonomy: string;
  /** SHA-256 of the cue file's contents (part of a persisted model's key). */
  hash: string;
  codes: string[];
  /** Per code, its cues as one regular expression (the definition of a match). */
  patterns: RegExp[];
  /** Per code, its cues (normalised) in their listed order. */
  words: string[][];
  /** Cue lookup by the first two characters (UTF-16 units, as one number; built on first use). */
  index?: Map<number, { code: number; order: number; word: string; latin: boolean }[]>;
  /** True when some cue is shorter than two characters (then only the regular expressions can count it). */
  hasShort?: boolean;
}

const HAN = /\p{Script=Han}/u;
const normaliseText = (t: string) => t.normalize('NFKC').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Parse a cue file's text; errors name the file and the field. */
export function parseCues(text: string, file: string): CueSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const d = data as { taxonomy?: unknown; cues?: unknown };
  if (typeof d.taxonomy !== 'string' || !d.taxonomy) throw new Error(`${file}: field "taxonomy" must be a non-empty string`);
  if (!d.cues || typeof d.cues !== 'object' || Array.isArray(d.cues)) throw new Error(`${file}: field "cues" must be an object of code → list of cue words`);
  const codes: string[] = [];
  const patterns: RegExp[] = [];
  const words: string[][] = [];
  for (const [code, list] of Object.entries(d.cues as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.length || list.some((x) => typeof x !== 'string' || !x.trim()))
      throw new Error(`${file}: cues."${code}" must be a non-empty list of non-empty strings`);
    const alts = (list as string[]).map((w) => {
      const n = normaliseText(w);
      // Latin cues start at a word start; Chinese ones (no spaces between words) match anywhere
      return HAN.test(n[0]!) ? escape(n) : `(?<![\\p{L}\\p{N}])${escape(n)}`;
    });
    codes.push(code);
    patterns.push(new RegExp(alts.join('|'), 'gu'));
    words.push((list as string[]).map(normaliseText));
  }
  return { taxonomy: d.taxonomy, hash: createHash('sha256').update(text).digest('hex'), codes, patterns, words };
}

const loaded = new Map<string, CueSet | null>();

/** The cue set of a taxonomy (null when it has no cue file). Read once per process. */
export function cuesFor(taxonomy: string, dir: string = CUE_DIR): CueSet | null {
  const key = `${dir}\u0000${taxonomy}`;
  if (loaded.has(key)) return loaded.get(key)!;
  const file = join(dir, `${taxonomy}.json`);
  let set: CueSet | null = null;
  if (existsSync(file)) {
    set = parseCues(readFileSync(file, 'utf8'), file);
    if (set.taxonomy !== taxonomy) throw new Error(`${file}: field "taxonomy" is "${set.taxonomy}", not "${taxonomy}"`);
  }
  loaded.set(key, set);
  return set;
}

/** The cue terms of a text by the regular expressions (the reference for `cueTerms`). */
export function cueTermsByRegex(text: string, set: CueSet): string[] {
  return cueHitsByRegex(text, set).map((i) => `~cue:${set.codes[i]}`);
}

/** Per cue occurrence, the index of its code in `set.codes` (by the regular expressions). */
function cueHitsByRegex(text: string, set: CueSet): number[] {
  const t = normaliseText(text);
  const out: number[] = [];
  for (let i = 0; i < set.codes.length; i++) {
    const m = t.match(set.patterns[i]!);
    if (m) for (let k = 0; k < m.length; k++) out.push(i);
  }
  return out;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Whether the character at `p` is a letter or digit (ASCII decided without the regular expression). */
function wordCharAt(t: string, p: number): boolean {
  const c = t.charCodeAt(p);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return LETTER_OR_DIGIT.test(t[p]!);
}
const pairKey = (t: string, p: number) => t.charCodeAt(p) * 65536 + t.charCodeAt(p + 1);

function buildIndex(set: CueSet): NonNullable<CueSet['index']> {
  const index: NonNullable<CueSet['index']> = new Map();
  set.words.forEach((list, code) =>
    list.forEach((word, order) => {
      const key = pairKey(word, 0);
      const l = index.get(key) ?? [];
      l.push({ code, order, word, latin: !HAN.test(word[0]!) });
      index.set(key, l);
    }),
  );
  return index;
}

/**
 * The cue terms of a text ("~cue:<code>" once per cue occurrence), counted exactly as the per-code
 * regular expressions would (leftmost match, the first listed cue at a position, matches not
 * overlapping), in one pass over the text: about a tenth of the regular expressions' time.
 */
export function cueTerms(text: string, set: CueSet): string[] {
  return cueHits(text, set).map((i) => `~cue:${set.codes[i]}`);
}

/** The cue occurrences of a text as indices into `set.codes`, in the order of `cueTerms`. */
export function cueHits(text: string, set: CueSet): number[] {
  set.hasShort ??= set.words.some((l) => l.some((w) => w.length < 2));
  if (set.hasShort) return cueHitsByRegex(text, set);
  const index = (set.index ??= buildIndex(set));
  const t = normaliseText(text);
  // per code with a match: the match positions (ascending) and the length of the first-listed cue matching there
  const hits = new Map<number, { pos: number; len: number; order: number }[]>();
  let prevWordChar = false;
  for (let p = 0; p + 1 < t.length; p++) {
    // inside a word only a Chinese cue can start, and only at a character outside ASCII
    if (prevWordChar && t.charCodeAt(p) < 128) {
      prevWordChar = wordCharAt(t, p);
      continue;
    }
    const bucket = index.get(pairKey(t, p));
    if (bucket)
      for (const c of bucket) {
        if (c.latin && prevWordChar) continue;
        if (!t.startsWith(c.word, p)) continue;
        let h = hits.get(c.code);
        if (!h) hits.set(c.code, (h = []));
        const last = h[h.length - 1];
        if (last && last.pos === p) {
          if (c.order < last.order) (last.len = c.word.length), (last.order = c.order);
        } else h.push({ pos: p, len: c.word.length, order: c.order });
      }
    prevWordChar = wordCharAt(t, p);
  }
  const out: number[] = [];
  // in code order, as the regular expressions give them
  for (const code of [...hits.keys()].sort((a, b) => a - b)) {
    let next = 0;
    for (const x of hits.get(code)!)
      if (x.pos >= next) {
        out.push(code);
        next = x.pos + x.len;
      }
  }
  return out;
}

/**
 * Several cue files as one set: "actor,mitigation-v2" = the actor cues as they are, then the v2 cues
 * with their codes prefixed "mitigation-v2:" (cues of another axis as extra evidence). Null when none
 * of the taxonomies has a cue file.
 */
export function cueSetOf(spec: string, dir: string = CUE_DIR): CueSet | null {
  const ids = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 1) return cuesFor(ids[0]!, dir);
  const sets = ids.map((id) => cuesFor(id, dir));
  if (sets.every((s) => !s)) return null;
  const out: CueSet = { taxonomy: ids[0]!, hash: '', codes: [], patterns: [], words: [] };
  const h = createHash('sha256');
  sets.forEach((s, i) => {
    h.update(`${ids[i]}:${s?.hash ?? 'none'};`);
    if (!s) return;
    s.codes.forEach((c, k) => {
      out.codes.push(i === 0 ? c : `${ids[i]}:${c}`);
      out.patterns.push(s.patterns[k]!);
      out.words.push(s.words[k]!);
    });
  });
  out.hash = h.digest('hex');
  return out;
}

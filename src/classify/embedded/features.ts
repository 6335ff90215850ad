// Text → sparse features for the embedded classifier, for English and Chinese text.
// Three blocks, each TF-IDF weighted (smooth idf) and l2-normalised:
//   words: stemmed word unigrams and bigrams, the first word marked as such; Chinese runs
//          segmented with Intl.Segmenter plus character bigrams (so unsegmented or oddly
//          segmented text still matches); sublinear tf;
//   chars: character 2–5 grams inside word boundaries (robust to morphology and spelling); sublinear tf;
//   plain: unstemmed word unigrams and bigrams with raw counts (a different view of the same words).
// The vocabulary and idf are part of the saved model.
import { stemmer } from 'stemmer';
import { concatSparse, l2normalise, type SparseVec } from './sparse.ts';
import { cueHits, cueSetOf, cueTerms, type CueSet } from './cues.ts';
import { TermLookup, type Slot } from './lookup.ts';
import { boundedMemo } from '../../util/memo.ts';

const TOKEN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}_])+/gu;
const WORDISH = /[\p{L}\p{N}\p{M}_]|\p{Script=Han}/u;
/** Per UTF-16 unit outside ASCII: 1 when it is a separator the one-pass path may treat as such, 2 when not (filled on use). */
const separator = new Int8Array(65536);
/**
 * Whether a text can take the one-pass path: every character is ASCII, or a character that is no
 * part of a word before or after NFKC and that lower-casing leaves alone (typographic quotes, dashes,
 * bullets, ellipses, no-break spaces): such a character only separates words, as in the general path.
 */
export function plainLatin(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    let k = separator[c]!;
    if (k === 0) {
      const ch = String.fromCharCode(c);
      const ok = !(c >= 0xd800 && c <= 0xdfff) && !WORDISH.test(ch) && !WORDISH.test(ch.normalize('NFKC')) && ch.toLowerCase() === ch;
      separator[c] = k = ok ? 1 : 2;
    }
    if (k === 2) return false;
  }
  return true;
}
/** A letter, digit or underscore of ASCII (what TOKEN's word class is on ASCII text). */
export function asciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}
const HAN = /^\p{Script=Han}/u;

let segmenter: Intl.Segmenter | undefined;
function zhWords(run: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(run)) if (s.isWordLike !== false && s.segment.trim()) out.push(s.segment);
  return out;
}

export interface TextTokens {
  /** Word-level terms (stemmed English words, Chinese words) in reading order. */
  words: string[];
  /** Extra word-block terms that do not take part in bigrams (Chinese character bigrams). */
  extra: string[];
  /** Lower-cased surface words (for character n-grams). */
  surface: string[];
  /** Unstemmed words in reading order (Latin words of 2+ characters and Chinese words). */
  plain: string[];
  /** Runs of Chinese characters (for character n-grams when `hanChars` is on). */
  han?: string[];
}

export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const cache = new Map<string, TextTokens>();
const CACHE_MAX = 50_000;

/** Tokens of a text (memoised: cross-validation sees the same texts many times). */
export function tokenise(text: string): TextTokens {
  const hit = cache.get(text);
  if (hit) return hit;
  const t = tokeniseUncached(text);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(text, t);
  return t;
}

// Stems of the Latin words seen (words recur from text to text; the same string object comes back,
// so later map lookups find its hash already computed); cleared when it grows large.
const stemCached = boundedMemo((run: string) => stemmer(run), 100_000);
/** The stem of a lower-case word of the letters a–z; any other word as it is. */
export function stemWord(lower: string): string {
  return /^[a-z]+$/.test(lower) ? stemCached(lower) : lower;
}

function tokeniseUncached(text: string): TextTokens {
  const words: string[] = [];
  const extra: string[] = [];
  const surface: string[] = [];
  const plain: string[] = [];
  const han: string[] = [];
  for (const m of normaliseText(text).matchAll(TOKEN)) {
    const run = m[0];
    if (HAN.test(run)) {
      han.push(run);
      for (const w of zhWords(run)) {
        words.push(w);
        plain.push(w);
      }
      if (run.length === 1) extra.push(run);
      for (let i = 0; i + 1 < run.length; i++) extra.push(run.slice(i, i + 2));
    } else {
      if (run.length < 2 && !/\d/.test(run)) continue;
      surface.push(run);
      words.push(stemWord(run));
      if (run.length >= 2) plain.push(run);
    }
  }
  return { words, extra, surface, plain, han };
}

export interface FeatureOptions {
  wordNgrams: 1 | 2;
  charMin: number;
  charMax: number;
  /** Weight of the character block relative to the word block (0 disables it). */
  charWeight: number;
  /** Word terms / character n-grams must occur in at least this many training texts. */
  minDf: number;
  charMinDf: number;
  /** Add the text's first word as a separate feature (imperatives such as "Establish …", "Monitor …"). */
  lead: boolean;
  /** A third block of plain (unstemmed) word 1–2 grams with raw term counts; false disables it. */
  plainBlock: boolean;
  /**
   * From this many training texts on, character n-grams and plain terms seen in only one text are
   * dropped: a smaller model (a fifth smaller on the risk subdomains), slightly different figures (0 = never; the default).
   */
  pruneFrom: number;
  /**
   * Taxonomy whose cue file (taxonomies/cues/<id>.json) adds "~cue:<code>" terms to the word block
   * (a comma-separated list adds other axes' cues too, as "~cue:<taxonomy>:<code>"); absent = no cue features.
   */
  cues?: string;
  /** Factor on the tf-idf value of a cue term before the block is normalised (default 1). */
  cueWeight?: number;
  /** Runs of Chinese characters also give character n-grams (charMin–charMax) in the character block. */
  hanChars?: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { wordNgrams: 2, charMin: 2, charMax: 5, charWeight: 1, minDf: 1, charMinDf: 1, lead: true, plainBlock: true, pruneFrom: 0 };

export function wordTerms(t: TextTokens, ngrams: number, lead = false): string[] {
  const out = [...t.words, ...t.extra.map((x) => `#${x}`)];
  if (lead && t.words.length) out.push(`^${t.words[0]}`);
  if (ngrams >= 2) for (let i = 0; i + 1 < t.words.length; i++) out.push(`${t.words[i]} ${t.words[i + 1]}`);
  return out;
}

/** The words whose character n-grams are features: the Latin words, and the Chinese runs when asked. */
export function charWords(t: TextTokens, han = false): string[] {
  return han && t.han?.length ? [...t.surface, ...t.han] : t.surface;
}

export function charTerms(t: TextTokens, min: number, max: number, han = false): string[] {
  const out: string[] = [];
  for (const w of charWords(t, han)) {
    const p = ` ${w} `;
    for (let n = min; n <= max; n++) {
      if (n > p.length) break;
      for (let i = 0; i + n <= p.length; i++) out.push(p.slice(i, i + n));
    }
  }
  return out;
}

interface Block {
  vocab: Map<string, number>;
  idf: Float64Array;
}
const EMPTY: Block = { vocab: new Map(), idf: new Float64Array(0) };

function fitBlock(docs: string[][], minDf: number): Block {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const terms = [...df.keys()].filter((t) => df.get(t)! >= minDf).sort();
  const n = docs.length;
  const idf = new Float64Array(terms.length);
  terms.forEach((t, i) => (idf[i] = Math.log((1 + n) / (1 + df.get(t)!)) + 1));
  return { vocab: new Map(terms.map((t, i) => [t, i])), idf };
}

export function plainTerms(t: TextTokens): string[] {
  const out = [...t.plain];
  for (let i = 0; i + 1 < t.plain.length; i++) out.push(`${t.plain[i]} ${t.plain[i + 1]}`);
  return out;
}

function blockVec(terms: string[], b: Block, sublinear = true, boost?: Map<number, number>): SparseVec {
  const ids: number[] = [];
  for (const t of terms) {
    const j = b.vocab.get(t);
    if (j !== undefined) ids.push(j);
  }
  return idsVec(ids, b, sublinear, boost);
}

/** Tf-idf vector of a block from the indices of its known terms (one entry per occurrence). */
function idsVec(ids: number[], b: Block, sublinear: boolean, boost?: Map<number, number>): SparseVec {
  // sorted; runs of one index are its count
  const arr = Int32Array.from(ids).sort();
  const idx = new Int32Array(arr.length);
  const val = new Float64Array(arr.length);
  let k = 0;
  for (let i = 0; i < arr.length; ) {
    let e = i + 1;
    while (e < arr.length && arr[e] === arr[i]) e++;
    const c = e - i;
    idx[k] = arr[i];
    val[k] = (sublinear ? 1 + Math.log(c) : c) * b.idf[arr[i]] * (boost?.get(arr[i]) ?? 1);
    k++;
    i = e;
  }
  return l2normalise({ idx: idx.subarray(0, k), val: val.subarray(0, k) });
}

const ranges = new WeakMap<Map<number, number>, { lo: number; hi: number }>();
/** The smallest and largest key of a map of indices (cached per map). */
function rangeOf(m: Map<number, number>): { lo: number; hi: number } {
  let r = ranges.get(m);
  if (!r) {
    r = { lo: Infinity, hi: -Infinity };
    for (const j of m.keys()) (r.lo = Math.min(r.lo, j)), (r.hi = Math.max(r.hi, j));
    ranges.set(m, r);
  }
  return r;
}

/**
 * Counts a text's term occurrences of one block and gives the vector idsVec would give for them
 * (the same values in the same order). The distinct indices are marked in a bitmap and read back in
 * ascending order (no sort). Counts and marks are cleared as the vector is made, so one counter
 * serves every text.
 */
class TermCounter {
  /** Per index j: its count in this text at 2j and its idf at 2j + 1 (side by side: one memory read for both). */
  private readonly cv: Float64Array;
  /** One bit per index of the block: seen in this text; one bit per word of `bits`: not zero. */
  private readonly bits: Int32Array;
  private readonly summary: Int32Array;
  /** The range of bitmap words holding a mark, and the number of distinct indices. */
  private lo = Infinity;
  private hi = -1;
  private n = 0;
  constructor(private readonly b: Block) {
    this.cv = new Float64Array(2 * b.idf.length);
    for (let j = 0; j < b.idf.length; j++) this.cv[2 * j + 1] = b.idf[j]!;
    this.bits = new Int32Array((b.idf.length >>> 5) + 1);
    this.summary = new Int32Array((this.bits.length >>> 5) + 1);
  }
  add(j: number): void {
    if (this.cv[2 * j]!++ === 0) {
      const w = j >>> 5;
      this.bits[w]! |= 1 << (j & 31);
      this.summary[w >>> 5]! |= 1 << (w & 31);
      if (w < this.lo) this.lo = w;
      if (w > this.hi) this.hi = w;
      this.n++;
    }
  }
  /** Distinct indices counted so far. */
  get size(): number {
    return this.n;
  }
  /** Forget a count left unfinished (a text whose vector was never made). */
  reset(): this {
    if (this.n) {
      const idx = new Int32Array(this.n);
      this.drain(idx, 0);
      for (const j of idx) this.cv[2 * j] = 0;
    }
    return this;
  }
  /** Write the distinct indices in ascending order at idx[at …] and clear the marks. */
  private drain(idx: Int32Array, at: number): number {
    if (this.n === 0) return at;
    const { bits, summary } = this;
    let k = at;
    for (let u = this.lo >>> 5; u <= this.hi >>> 5; u++) {
      let s = summary[u]!;
      if (s === 0) continue;
      summary[u] = 0;
      while (s !== 0) {
        const sl = s & -s;
        s ^= sl;
        const w = (u << 5) | (31 - Math.clz32(sl));
        let m = bits[w]!;
        bits[w] = 0;
        while (m !== 0) {
          const low = m & -m;
          idx[k++] = (w << 5) | (31 - Math.clz32(low));
          m ^= low;
        }
      }
    }
    this.lo = Infinity;
    this.hi = -1;
    this.n = 0;
    return k;
  }
  vec(sublinear: boolean, boost?: Map<number, number>): SparseVec {
    const out = { idx: new Int32Array(this.n), val: new Float64Array(this.n) };
    this.write(out, 0, 0, 1, sublinear, boost);
    return out;
  }
  /**
   * The block's vector written into out from `at`: its indices shifted by `offset`, its values
   * l2-normalised and then multiplied by `scale`, as `concatSparse` over `vec` gives them. Returns
   * where the next block starts.
   */
  write(out: SparseVec, at: number, offset: number, scale: number, sublinear: boolean, boost?: Map<number, number>): number {
    // the boosted indices lie between lo and hi (the cue terms, together in the sorted vocabulary)
    let lo = Infinity;
    let hi = -Infinity;
    if (boost) ({ lo, hi } = rangeOf(boost));
    const { idx, val } = out;
    const end = this.drain(idx, at);
    const { cv } = this;
    let sq = 0;
    for (let k = at; k < end; k++) {
      const j = idx[k]!;
      const c = cv[2 * j]!;
      cv[2 * j] = 0;
      // 1 + log 1 is exactly 1: the common case skips the logarithm
      const v = (sublinear ? (c === 1 ? 1 : 1 + Math.log(c)) : c) * cv[2 * j + 1]! * (boost && j >= lo && j <= hi ? (boost.get(j) ?? 1) : 1);
      val[k] = v;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    for (let k = at; k < end; k++) {
      if (norm > 0) val[k]! /= norm;
      val[k]! *= scale;
      idx[k]! += offset;
    }
    return end;
  }
}

/** What a word of the one-pass path needs, looked up once per word (see `Features.wordInfo`). */
export interface RunInfo {
  stem: string;
  /** Its stem's entry in the word block's lookup, its own entry in the plain block's. */
  w?: Slot;
  p?: Slot;
  /** Its known character n-grams. */
  chars: Int32Array;
  /** The index of "^" + its stem (the text's first word), or −1. */
  lead: number;
}

/** Room for vectors: views of one large buffer are cheaper to make than a buffer each. */
let slab = new ArrayBuffer(0);
let slabAt = 0;
const SLAB = 1 << 18;
/** A sparse vector of n entries (zeros), its arrays views of a shared buffer. */
function vectorOf(n: number): SparseVec {
  const bytes = 12 * n;
  if (bytes > SLAB / 4) {
    const own = new ArrayBuffer(bytes);
    return { val: new Float64Array(own, 0, n), idx: new Int32Array(own, 8 * n, n) };
  }
  if (slabAt + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB);
    slabAt = 0;
  }
  const at = slabAt;
  // the next vector starts 8-byte aligned
  slabAt += (bytes + 7) & ~7;
  return { val: new Float64Array(slab, at, n), idx: new Int32Array(slab, at + 8 * n, n) };
}

export interface SerialisedFeatures {
  options: FeatureOptions;
  words: [string, number][];
  chars: [string, number][];
  plain: [string, number][];
}

/** A fitted feature extractor. `dim` = size of the concatenated feature space. */
export class Features {
  private constructor(
    readonly options: FeatureOptions,
    private readonly words: Block,
    private readonly chars: Block,
    private readonly plain: Block,
  ) {}

  static fit(texts: string[], options: FeatureOptions = DEFAULT_FEATURES): Features {
    const toks = texts.map(tokenise);
    const prune = options.pruneFrom > 0 && texts.length >= options.pruneFrom;
    const cues = options.cues ? cueSetOf(options.cues) : null;
    const words = fitBlock(
      toks.map((t, i) => (cues ? [...wordTerms(t, options.wordNgrams, options.lead), ...cueTerms(texts[i]!, cues)] : wordTerms(t, options.wordNgrams, options.lead))),
      options.minDf,
    );
    const chars =
      options.charWeight > 0
        ? fitBlock(
            toks.map((t) => charTerms(t, options.charMin, options.charMax, options.hanChars)),
            prune ? Math.max(2, options.charMinDf) : options.charMinDf,
          )
        : EMPTY;
    const plain = options.plainBlock ? fitBlock(toks.map(plainTerms), prune ? 2 : 1) : EMPTY;
    return new Features(options, words, chars, plain);
  }

  get dim(): number {
    return this.words.vocab.size + this.chars.vocab.size + this.plain.vocab.size;
  }
  get wordDim(): number {
    return this.words.vocab.size;
  }
  /** Feature index ranges [start, end) of the three blocks. */
  get blocks(): { words: [number, number]; chars: [number, number]; plain: [number, number] } {
    // the vocabularies never change once fitted: the ranges are worked out once (a copy is handed out)
    if (!this.ranges) {
      const w = this.words.vocab.size;
      const c = w + this.chars.vocab.size;
      this.ranges = { words: [0, w], chars: [w, c], plain: [c, c + this.plain.vocab.size] };
    }
    const r = this.ranges;
    return { words: [r.words[0], r.words[1]], chars: [r.chars[0], r.chars[1]], plain: [r.plain[0], r.plain[1]] };
  }
  private ranges?: { words: [number, number]; chars: [number, number]; plain: [number, number] };
  /** The first index of the character block and of the plain block (no copy). */
  private get starts(): { chars: number; plain: number } {
    if (!this.starts0) {
      const b = this.blocks;
      this.starts0 = { chars: b.chars[0], plain: b.plain[0] };
    }
    return this.starts0;
  }
  private starts0?: { chars: number; plain: number };

  /** Per surface word: the indices of its known character n-grams (words recur from text to text). */
  private charIds = new Map<string, Int32Array>();

  /** The character block of a text, as blockVec over charTerms would give it, without re-slicing known words. */
  private charVec(t: TextTokens): SparseVec {
    const count = this.counter(this.chars);
    for (const w of charWords(t, this.options.hanChars)) {
      const known = this.charIdsOf(w);
      for (let k = 0; k < known.length; k++) count.add(known[k]!);
    }
    return count.vec(true);
  }

  /** The indices of a word's known character n-grams (cached). */
  private charIdsOf(w: string): Int32Array {
    let known = this.charIds.get(w);
    if (!known) {
      const out: number[] = [];
      for (const g of charTerms({ words: [], extra: [], surface: [w], plain: [] }, this.options.charMin, this.options.charMax)) {
        const j = this.chars.vocab.get(g);
        if (j !== undefined) out.push(j);
      }
      known = Int32Array.from(out);
      if (this.charIds.size >= 200_000) this.charIds.clear();
      this.charIds.set(w, known);
    }
    return known;
  }

  /** Per lower-case word: its stem, its entries in the word and plain lookups, its character n-grams (cached). */
  private runs = new Map<string, RunInfo>();
  private runInfo(run: string): RunInfo {
    let r = this.runs.get(run);
    if (!r) {
      const stem = stemWord(run);
      r = { stem, w: this.lookup.words.slot(stem), p: this.lookup.plain.slot(run), chars: this.charIdsOf(run), lead: this.lookup.words.marked1('^', stem) };
      if (this.runs.size >= 200_000) this.runs.clear();
      this.runs.set(run, r);
    }
    return r;
  }

  /**
   * A lower-case word of ASCII letters, digits and underscores: its stem, its entries in the word and
   * plain vocabularies and the index of the term marking it as a text's first word (cached).
   */
  wordInfo(lower: string): Readonly<RunInfo> {
    return this.runInfo(lower);
  }

  /** The index of the two-word term of the word block (or the plain block) made of two words' entries, or −1. */
  pairIndex(plain: boolean, a: Slot | undefined, b: Slot | undefined): number {
    return (plain ? this.lookup.plain : this.lookup.words).pair(a, b);
  }

  /**
   * `transform` of a text whose words are ASCII (see `plainLatin`), in one pass: there NFKC changes no
   * word and the words are the runs of [a-z0-9_] of the lower-cased text, so each word is looked up
   * once for its stem, its word and plain terms and its character n-grams. The same vector as the
   * general path.
   */
  private transformAscii(text: string): SparseVec {
    const t = text.toLowerCase();
    const wc = this.counter(this.words);
    const cc = this.counter(this.chars);
    const pc = this.counter(this.plain);
    const { words: lw, plain: lp } = this.lookup;
    let prevW: { w?: Slot } | undefined;
    let prevP: { p?: Slot } | undefined;
    for (let i = 0; i < t.length; ) {
      if (!asciiWordChar(t.charCodeAt(i))) {
        i++;
        continue;
      }
      let e = i + 1;
      while (e < t.length && asciiWordChar(t.charCodeAt(e))) e++;
      const len = e - i;
      const digit = t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57;
      const run = t.slice(i, e);
      i = e;
      // a one-letter word is no term (a single digit is a word, though not a plain one)
      if (len < 2 && !digit) continue;
      const r = this.runInfo(run);
      if (r.w && r.w.uni >= 0) wc.add(r.w.uni);
      if (!prevW) {
        const j = this.options.lead ? lw.marked1('^', r.stem) : -1;
        if (j >= 0) wc.add(j);
      } else if (this.options.wordNgrams >= 2) {
        const j = lw.pair(prevW.w, r.w);
        if (j >= 0) wc.add(j);
      }
      prevW = r;
      for (let k = 0; k < r.chars.length; k++) cc.add(r.chars[k]!);
      if (len >= 2) {
        if (r.p && r.p.uni >= 0) pc.add(r.p.uni);
        if (prevP) {
          const j = lp.pair(prevP.p, r.p);
          if (j >= 0) pc.add(j);
        }
        prevP = r;
      }
    }
    const { set, boost, ids: cueIds } = this.cue;
    if (set && cueIds)
      for (const c of cueHits(text, set)) {
        const j = cueIds[c]!;
        if (j >= 0) wc.add(j);
      }
    // the three blocks written into one vector, as concatSparse over their vectors would give it
    const b = this.starts;
    const out = vectorOf(wc.size + cc.size + pc.size);
    const at = wc.write(out, 0, 0, 1, true, boost);
    pc.write(out, cc.write(out, at, b.chars, this.options.charWeight, true), b.plain, 1, false);
    return out;
  }

  private cueState?: { set: CueSet | null; boost?: Map<number, number>; ids?: Int32Array };
  /** The cue set, the boost of its terms' indices and each cue code's word index (−1 = unknown), resolved once. */
  private get cue(): { set: CueSet | null; boost?: Map<number, number>; ids?: Int32Array } {
    if (this.cueState) return this.cueState;
    const set = this.options.cues ? cueSetOf(this.options.cues) : null;
    let boost: Map<number, number> | undefined;
    const wgt = this.options.cueWeight ?? 1;
    // a cue set may give some codes their own factor on the weight ("roles/subject@0.5"; cues.ts)
    if (set && (wgt !== 1 || set.weights)) {
      boost = new Map();
      set.codes.forEach((code, k) => {
        const j = this.words.vocab.get(`~cue:${code}`);
        if (j !== undefined) boost!.set(j, wgt * (set.weights?.[k] ?? 1));
      });
    }
    const ids = set ? Int32Array.from(set.codes, (code) => this.words.vocab.get(`~cue:${code}`) ?? -1) : undefined;
    return (this.cueState = { set, boost, ids });
  }

  /** The word block by the definition: every term's string looked up (the reference for `wordVec`). */
  wordVecReference(text: string, t: TextTokens): SparseVec {
    const terms = wordTerms(t, this.options.wordNgrams, this.options.lead);
    const { set, boost } = this.cue;
    if (set) for (const c of cueTerms(text, set)) terms.push(c);
    return blockVec(terms, this.words, true, boost);
  }

  /** Lookups of the word and plain blocks that build no string per term (built on first use). */
  private lookups?: { words: TermLookup; plain: TermLookup };
  private get lookup(): { words: TermLookup; plain: TermLookup } {
    return (this.lookups ??= { words: new TermLookup(this.words.vocab, ['#', '^', '~']), plain: new TermLookup(this.plain.vocab) });
  }

  /** The word block: the same vector as `wordVecReference`, its indices found through `lookup`. */
  private wordVec(text: string, t: TextTokens): SparseVec {
    const look = this.lookup.words;
    const count = this.counter(this.words);
    const w = t.words;
    const slots = look.slots(w);
    for (let i = 0; i < w.length; i++) {
      const j = slots[i]?.uni ?? -1;
      if (j >= 0) count.add(j);
    }
    for (const x of t.extra) {
      const j = look.marked1('#', x);
      if (j >= 0) count.add(j);
    }
    if (this.options.lead && w.length) {
      const j = look.marked1('^', w[0]!);
      if (j >= 0) count.add(j);
    }
    if (this.options.wordNgrams >= 2)
      for (let i = 0; i + 1 < w.length; i++) {
        const j = look.pair(slots[i], slots[i + 1]);
        if (j >= 0) count.add(j);
      }
    const { set, boost, ids: cueIds } = this.cue;
    if (set && cueIds)
      for (const c of cueHits(text, set)) {
        const j = cueIds[c]!;
        if (j >= 0) count.add(j);
      }
    return count.vec(true, boost);
  }

  /** The plain block: as blockVec over plainTerms (raw counts), its indices found through `lookup`. */
  private plainVec(t: TextTokens): SparseVec {
    const look = this.lookup.plain;
    const count = this.counter(this.plain);
    const w = t.plain;
    const slots = look.slots(w);
    for (let i = 0; i < w.length; i++) {
      const j = slots[i]?.uni ?? -1;
      if (j >= 0) count.add(j);
    }
    for (let i = 0; i + 1 < w.length; i++) {
      const j = look.pair(slots[i], slots[i + 1]);
      if (j >= 0) count.add(j);
    }
    return count.vec(false);
  }

  /** Per block: its term counter, reused from text to text. */
  private counters = new Map<Block, TermCounter>();
  private counter(b: Block): TermCounter {
    let c = this.counters.get(b);
    if (!c) this.counters.set(b, (c = new TermCounter(b)));
    return c.reset();
  }

  transform(text: string): SparseVec {
    if (plainLatin(text)) return this.transformAscii(text);
    const t = tokenise(text);
    const w = this.wordVec(text, t);
    const c = this.charVec(t);
    const p = this.plainVec(t);
    const b = this.blocks;
    return concatSparse([w, c, p], [0, b.chars[0], b.plain[0]], [1, this.options.charWeight, 1]);
  }

  /** `transform` by the definition (every term's string looked up, every occurrence sorted): for tests. */
  transformReference(text: string): SparseVec {
    const t = tokenise(text);
    const w = this.wordVecReference(text, t);
    const c = blockVec(charTerms(t, this.options.charMin, this.options.charMax, this.options.hanChars), this.chars, true);
    const p = blockVec(plainTerms(t), this.plain, false);
    const b = this.blocks;
    return concatSparse([w, c, p], [0, b.chars[0], b.plain[0]], [1, this.options.charWeight, 1]);
  }

  /** Only the word block (used by the models that work on word counts). */
  transformWords(text: string): SparseVec {
    return this.wordVec(text, tokenise(text));
  }

  /** The term behind a feature index (for explanations). */
  term(index: number): { block: 'word' | 'char' | 'plain'; term: string } | undefined {
    const b = this.blocks;
    if (index < b.words[1]) return { block: 'word', term: this.termList('words')[index] };
    if (index < b.chars[1]) return { block: 'char', term: this.termList('chars')[index - b.chars[0]] };
    if (index < b.plain[1]) return { block: 'plain', term: this.termList('plain')[index - b.plain[0]] };
    return undefined;
  }

  private lists: { words?: string[]; chars?: string[]; plain?: string[] } = {};
  private termList(b: 'words' | 'chars' | 'plain'): string[] {
    const cached = this.lists[b];
    if (cached) return cached;
    const block = this[b];
    const arr = new Array<string>(block.vocab.size);
    for (const [t, i] of block.vocab) arr[i] = t;
    this.lists[b] = arr;
    return arr;
  }

  toJSON(): SerialisedFeatures {
    const dump = (name: 'words' | 'chars' | 'plain') => this.termList(name).map((t, i) => [t, this[name].idf[i]] as [string, number]);
    return { options: this.options, words: dump('words'), chars: dump('chars'), plain: dump('plain') };
  }

  /** The vocabulary of each block (in index order) and its idf, for compact model files. */
  exportBlocks(): { options: FeatureOptions; blocks: { name: 'words' | 'chars' | 'plain'; terms: string[]; idf: Float64Array }[] } {
    return {
      options: this.options,
      blocks: (['words', 'chars', 'plain'] as const).map((name) => ({ name, terms: this.termList(name), idf: this[name].idf })),
    };
  }

  static fromBlocks(options: FeatureOptions, blocks: Record<'words' | 'chars' | 'plain', { terms: string[]; idf: Float64Array }>): Features {
    const load = (b: { terms: string[]; idf: Float64Array }): Block => {
      if (b.terms.length !== b.idf.length) throw new Error('feature vocabulary and idf differ in length');
      const vocab = new Map<string, number>();
      for (let i = 0; i < b.terms.length; i++) vocab.set(b.terms[i], i);
      return { vocab, idf: b.idf };
    };
    const f = new Features(options, load(blocks.words), load(blocks.chars), load(blocks.plain));
    f.lists = { words: blocks.words.terms, chars: blocks.chars.terms, plain: blocks.plain.terms };
    return f;
  }

  static fromJSON(s: SerialisedFeatures): Features {
    const load = (arr: [string, number][]): Block => ({
      vocab: new Map(arr.map(([t], i) => [t, i])),
      idf: Float64Array.from(arr, ([, v]) => v),
    });
    return new Features(s.options, load(s.words), load(s.chars), load(s.plain));
  }
}

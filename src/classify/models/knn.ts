// A nearest-neighbour member for a taxonomy model (issue 12, round 7): the first member that is not
// linear. A text's neighbours are the training examples with the highest cosine similarity over the
// model's own tf-idf vectors (the word blocks: stemmed words, pairs and cues, and plain words; the
// character n-grams are left out); the k nearest vote for their classes, each with its similarity
// raised to a power (and its example weight). The votes, normalised to sum to one, go through a
// softmax with a temperature fitted on held-out rows, like every other member; the result is mixed
// into the model's calibrated probabilities with a weight w: p = (1 − w)·p_model + w·p_knn.
//
// Only training rows that share a feature with the text are scored: the training vectors are kept as
// an inverted index (for each feature, the rows holding it and their values, float32). The
// similarity of a row is its dot product with the text (features in ascending order, so the sum is
// the same number a walk over the row's own vector gives: `referenceNeighbours` checks this) divided
// by both norms.
//
// k, the power and w are chosen inside the training data only: a grouped inner cross-validation
// (three folds by source document) gives every training row its neighbours among the rows of the
// other folds; k and the power minimise the held-out log-loss of the member alone, w that of the
// mixture with the model's own held-out probabilities.
import { createHash } from 'node:crypto';
import { foldsOfGroups, kappaOfClasses } from '../../util/folds.ts';
import { fitTemperature, type EmbeddedModel } from '../embedded/model.ts';
import { softmaxInPlace, type SparseVec } from '../embedded/sparse.ts';

/** The settings a member is used with (chosen in training, stored with it). */
export interface KnnSettings {
  k: number;
  power: number;
  /** Softmax temperature of the normalised votes. */
  T: number;
  /** Class weights of the votes ∝ (n / (K·n_c))^balance, as the SVMs weight classes (0 = none). */
  balance: number;
  /** Weight of the member in the mixture with the model's probabilities (0 = not used). */
  w: number;
  /** The weight for texts with Chinese characters, when it differs (absent: w). */
  wZh?: number;
}

/** Candidates searched inside the training data. */
export const KNN_KS = [5, 10, 20, 40, 80];
export const KNN_POWERS = [1, 3];
export const KNN_BALANCES = [0, 0.5, 1];
export const KNN_WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5];

/** The stored form: the inverted index as flat arrays (features with postings, ascending). */
export interface KnnParts {
  K: number;
  /** Feature range left out of the similarity (the character block), [0, 0] for none. */
  skip: [number, number];
  feats: Int32Array;
  counts: Int32Array;
  rows: Uint16Array | Int32Array;
  vals: Float32Array;
  /** Per training row: its class and its weight. */
  y: Uint16Array;
  wt: Float32Array;
  settings: KnnSettings;
}

export class KnnIndex {
  /** Per feature j: its postings at start[j] … start[j + 1] (dense over the feature space, built on load). */
  private readonly start: Int32Array;
  private readonly norm: Float64Array;
  private acc: Float64Array;
  private touched: Int32Array;

  private constructor(
    readonly parts: KnnParts,
    dim: number,
  ) {
    const { feats, counts, rows, vals } = parts;
    this.start = new Int32Array(dim + 1);
    let p = 0;
    let prev = -1;
    for (let i = 0; i < feats.length; i++) {
      const f = feats[i]!;
      if (f <= prev || f >= dim) throw new Error('nearest-neighbour index: features out of order or outside the feature space (damaged file?); retrain the model');
      for (let q = prev + 1; q <= f; q++) this.start[q] = p;
      p += counts[i]!;
      prev = f;
    }
    for (let q = prev + 1; q <= dim; q++) this.start[q] = p;
    if (p !== rows.length || rows.length !== vals.length) throw new Error('nearest-neighbour index: postings inconsistent (damaged file?); retrain the model');
    const n = parts.y.length;
    // each row's norm from its stored values, features ascending (as the reference walk adds them)
    const sq = new Float64Array(n);
    for (let i = 0; i < feats.length; i++)
      for (let q = this.start[feats[i]!]!; q < this.start[feats[i]! + 1]!; q++) {
        const r = rows[q]!;
        if (r >= n) throw new Error('nearest-neighbour index: a posting names a row that does not exist (damaged file?); retrain the model');
        sq[r]! += vals[q]! * vals[q]!;
      }
    this.norm = Float64Array.from(sq, Math.sqrt);
    this.acc = new Float64Array(n);
    this.touched = new Int32Array(n);
  }

  get size(): number {
    return this.parts.y.length;
  }

  /** Build the index over training vectors (classes y, weights wt), leaving the feature range `skip` out. */
  static build(X: SparseVec[], y: ArrayLike<number>, wt: ArrayLike<number>, K: number, dim: number, skip: [number, number], settings: KnnSettings): KnnIndex {
    const cnt = new Int32Array(dim);
    const keep = (f: number) => f < skip[0] || f >= skip[1];
    for (const x of X) for (let j = 0; j < x.idx.length; j++) if (keep(x.idx[j]!) && x.val[j] !== 0) cnt[x.idx[j]!]!++;
    const feats: number[] = [];
    const counts: number[] = [];
    const at = new Int32Array(dim + 1);
    for (let f = 0; f < dim; f++) {
      at[f + 1] = at[f]! + cnt[f]!;
      if (cnt[f]! > 0) feats.push(f), counts.push(cnt[f]!);
    }
    const total = at[dim]!;
    const rows = X.length <= 65535 ? new Uint16Array(total) : new Int32Array(total);
    const vals = new Float32Array(total);
    const next = at.slice(0, dim);
    X.forEach((x, r) => {
      for (let j = 0; j < x.idx.length; j++) {
        const f = x.idx[j]!;
        if (!keep(f) || x.val[j] === 0) continue;
        const q = next[f]!++;
        rows[q] = r;
        vals[q] = x.val[j]!;
      }
    });
    const parts: KnnParts = { K, skip, feats: Int32Array.from(feats), counts: Int32Array.from(counts), rows, vals, y: Uint16Array.from(y), wt: Float32Array.from(wt), settings };
    return new KnnIndex(parts, dim);
  }

  static fromParts(parts: KnnParts, dim: number): KnnIndex {
    if (parts.y.length !== parts.wt.length || parts.feats.length !== parts.counts.length) throw new Error('nearest-neighbour index: arrays of different lengths (damaged file?); retrain the model');
    for (const c of parts.y) if (c >= parts.K) throw new Error('nearest-neighbour index: a row names a class the model does not have (damaged file?); retrain the model');
    return new KnnIndex(parts, dim);
  }

  /** The text's vector without the skipped range, and its norm (0: nothing to compare). */
  private queryNorm(x: SparseVec): number {
    const [s0, s1] = this.parts.skip;
    let sq = 0;
    for (let j = 0; j < x.idx.length; j++) {
      const f = x.idx[j]!;
      if (f < s0 || f >= s1) sq += x.val[j]! * x.val[j]!;
    }
    return Math.sqrt(sq);
  }

  /**
   * The `kMax` most similar rows (cosine), most similar first (ties: the lower row first); rows for
   * which `exclude` is true are never neighbours (inner cross-validation). Only rows sharing a feature
   * with x are scored.
   */
  neighbours(x: SparseVec, kMax: number, exclude?: (row: number) => boolean): { rows: number[]; sims: number[] } {
    const nx = this.queryNorm(x);
    if (nx === 0) return { rows: [], sims: [] };
    const { start, acc, touched, norm } = this;
    const { rows, vals, skip } = this.parts;
    const dim = start.length - 1;
    let nt = 0;
    for (let j = 0; j < x.idx.length; j++) {
      const f = x.idx[j]!;
      if (f < 0 || f >= dim || (f >= skip[0] && f < skip[1])) continue;
      const v = x.val[j]!;
      if (v === 0) continue;
      for (let q = start[f]!; q < start[f + 1]!; q++) {
        const r = rows[q]!;
        if (acc[r] === 0) touched[nt++] = r;
        acc[r]! += v * vals[q]!;
      }
    }
    const best = new TopK(kMax);
    for (let t = 0; t < nt; t++) {
      const r = touched[t]!;
      const dot = acc[r]!;
      acc[r] = 0;
      if (dot === 0 || (exclude && exclude(r))) continue;
      best.offer(r, dot / (nx * norm[r]!));
    }
    return best.sorted();
  }

  /** Per class: its weight in the votes at this balance (computed once per balance). */
  private classWeights(balance: number): Float64Array {
    let cw = this.cw.get(balance);
    if (cw) return cw;
    const { y, K } = this.parts;
    const n = new Float64Array(K);
    for (const c of y) n[c]!++;
    cw = Float64Array.from(n, (nc) => (nc > 0 ? Math.pow(y.length / (K * nc), balance) : 1));
    this.cw.set(balance, cw);
    return cw;
  }
  private readonly cw = new Map<number, Float64Array>();

  /** Normalised votes per class of the first k neighbours (similarity^power × example weight × class weight). */
  votes(nb: { rows: number[]; sims: number[] }, k: number, power: number, balance = 0): Float64Array {
    const v = new Float64Array(this.parts.K);
    const { y, wt } = this.parts;
    const cw = this.classWeights(balance);
    let s = 0;
    for (let i = 0; i < Math.min(k, nb.rows.length); i++) {
      const r = nb.rows[i]!;
      const a = Math.pow(Math.max(nb.sims[i]!, 0), power) * wt[r]! * cw[y[r]!]!;
      v[y[r]!]! += a;
      s += a;
    }
    if (s > 0) for (let c = 0; c < v.length; c++) v[c]! /= s;
    return v;
  }

  /** The member's calibrated class probabilities for x. */
  probabilities(x: SparseVec, s: KnnSettings = this.parts.settings): Float64Array {
    return softmaxInPlace(this.votes(this.neighbours(x, s.k), s.k, s.power, s.balance), s.T);
  }

  /**
   * The model's probabilities p mixed with the member's: (1 − w)·p + w·p_knn (p itself when w = 0);
   * `zh`: the text has Chinese characters (its own weight, when the settings give one).
   */
  mix(p: Float64Array, x: SparseVec, zh: boolean, s: KnnSettings = this.parts.settings): Float64Array {
    const w = zh && s.wZh !== undefined ? s.wZh : s.w;
    if (w <= 0) return p;
    const q = this.probabilities(x, s);
    const out = new Float64Array(p.length);
    for (let c = 0; c < p.length; c++) out[c] = (1 - w) * p[c]! + w * q[c]!;
    return out;
  }

  /** A digest of the index and its settings (tests: a model loaded from disk holds the same member). */
  digest(): string {
    const h = createHash('sha256');
    const p = this.parts;
    for (const a of [p.feats, p.counts, p.rows, p.vals, p.y, p.wt]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    h.update(JSON.stringify([p.K, p.skip, p.settings]));
    return h.digest('hex');
  }
}

/** The k largest (similarity, row) pairs seen; ties keep the lower row (rows may arrive in any order). */
class TopK {
  private readonly rows: Int32Array;
  private readonly sims: Float64Array;
  private n = 0;
  constructor(private readonly k: number) {
    this.rows = new Int32Array(Math.max(0, k));
    this.sims = new Float64Array(Math.max(0, k));
  }
  offer(r: number, s: number): void {
    const { rows, sims, k } = this;
    if (k <= 0) return;
    // full and not better than the last kept: nothing to do (the common case, checked first)
    if (this.n === k && (s < sims[k - 1]! || (s === sims[k - 1]! && r > rows[k - 1]!))) return;
    let i = this.n < k ? this.n++ : k - 1;
    while (i > 0 && (s > sims[i - 1]! || (s === sims[i - 1]! && r < rows[i - 1]!))) {
      rows[i] = rows[i - 1]!;
      sims[i] = sims[i - 1]!;
      i--;
    }
    rows[i] = r;
    sims[i] = s;
  }
  sorted(): { rows: number[]; sims: number[] } {
    return { rows: Array.from(this.rows.subarray(0, this.n)), sims: Array.from(this.sims.subarray(0, this.n)) };
  }
}

/**
 * The plain definition the index must reproduce: every training vector compared with x, its dot
 * product over the kept features in ascending order with float32 values, divided by both norms.
 */
export function referenceNeighbours(X: SparseVec[], x: SparseVec, kMax: number, skip: [number, number]): { rows: number[]; sims: number[] } {
  const keep = (f: number) => f < skip[0] || f >= skip[1];
  const q = new Map<number, number>();
  let sq = 0;
  for (let j = 0; j < x.idx.length; j++)
    if (keep(x.idx[j]!)) {
      q.set(x.idx[j]!, x.val[j]!);
      sq += x.val[j]! * x.val[j]!;
    }
  const nx = Math.sqrt(sq);
  const all: { r: number; s: number }[] = [];
  X.forEach((v, r) => {
    let dot = 0;
    let n = 0;
    for (let j = 0; j < v.idx.length; j++) {
      if (!keep(v.idx[j]!) || v.val[j] === 0) continue;
      const f32 = Math.fround(v.val[j]!);
      n += f32 * f32;
      const xv = q.get(v.idx[j]!);
      if (xv !== undefined) dot += xv * f32;
    }
    if (dot !== 0 && nx > 0) all.push({ r, s: dot / (nx * Math.sqrt(n)) });
  });
  all.sort((a, b) => b.s - a.s || a.r - b.r);
  const top = all.slice(0, kMax);
  return { rows: top.map((t) => t.r), sims: top.map((t) => t.s) };
}

/** Three inner folds by group (source document; a row without one is its own group): `foldsOfGroups`. */
export function knnInnerFolds(groups: (string | undefined)[], k = 3): Int8Array {
  const names = groups.map((g, i) => g ?? `#${i}`);
  const fold = foldsOfGroups(names, k);
  return Int8Array.from(names, (g) => fold.get(g)!);
}

/** Held-out log-loss of probabilities. */
function logLoss(probs: Float64Array[], y: ArrayLike<number>): number {
  let s = 0;
  probs.forEach((p, i) => (s -= Math.log(Math.max(p[y[i]!]!, 1e-12))));
  return s / Math.max(1, probs.length);
}

/** Cohen's κ of argmax predictions (0 where κ is undefined). */
function kappaOf(probs: Float64Array[], y: ArrayLike<number>, K: number): number {
  const pred = probs.map((p) => {
    let b = 0;
    for (let c = 1; c < K; c++) if (p[c]! > p[b]!) b = c;
    return b;
  });
  return kappaOfClasses(y, pred, K) || 0;
}

/**
 * The member's k, power, class balance and temperature, chosen on held-out rows: every training row's
 * neighbours among the rows of the other inner folds (three folds by source document); the setting
 * with the lowest held-out log-loss (its temperature fitted for each). Returns the held-out member
 * probabilities of every row too.
 */
export function chooseKnnMember(
  index: KnnIndex,
  X: SparseVec[],
  groups: (string | undefined)[],
  opts: { ks?: number[]; powers?: number[]; balances?: number[] } = {},
): { settings: KnnSettings; held: Float64Array[] } {
  const ks = opts.ks ?? KNN_KS;
  const folds = knnInnerFolds(groups);
  const y = index.parts.y;
  const nbs = X.map((x, i) => index.neighbours(x, Math.max(...ks), (r) => folds[r] === folds[i]));
  let best: { k: number; power: number; balance: number; T: number; loss: number } | undefined;
  for (const k of ks)
    for (const power of opts.powers ?? KNN_POWERS)
      for (const balance of opts.balances ?? KNN_BALANCES) {
        const v = nbs.map((nb) => index.votes(nb, k, power, balance));
        const T = fitTemperature(v, Array.from(y));
        const loss = logLoss(v.map((s) => softmaxInPlace(Float64Array.from(s), T)), y);
        if (!best || loss < best.loss - 1e-12) best = { k, power, balance, T, loss };
      }
  const { k, power, balance, T } = best!;
  const held = nbs.map((nb) => softmaxInPlace(index.votes(nb, k, power, balance), T));
  return { settings: { k, power, balance, T, w: 0 }, held };
}

/**
 * The mixing weight chosen on held-out rows: the candidate whose mixture of the model's held-out
 * probabilities (`model`, rows `rows` of the index) with the member's (`held`, by row) scores best,
 * by held-out κ (ties: the smaller weight) or log-loss; `subset` restricts the rows (one language).
 */
export function chooseKnnWeight(
  model: { rows: number[]; probs: Float64Array[] },
  held: Float64Array[],
  y: ArrayLike<number>,
  K: number,
  opts: { by?: 'kappa' | 'loss'; weights?: number[]; subset?: (row: number) => boolean } = {},
): number {
  const js = model.rows.map((_, j) => j).filter((j) => !opts.subset || opts.subset(model.rows[j]!));
  if (!js.length) return 0;
  const ys = js.map((j) => y[model.rows[j]!]!);
  let w = 0;
  let best = -Infinity;
  for (const cand of opts.weights ?? KNN_WEIGHTS) {
    const mixed = js.map((j) => {
      const q = held[model.rows[j]!]!;
      return Float64Array.from(model.probs[j]!, (pc, c) => (1 - cand) * pc + cand * q[c]!);
    });
    const score = opts.by === 'loss' ? -logLoss(mixed, ys) : kappaOf(mixed, ys, K);
    if (score > best + 1e-12) (best = score), (w = cand);
  }
  return w;
}

/** Which texts a taxonomy's member is mixed in for, and over which feature view (a `knnFor` entry of the hyper-parameters). */
export interface KnnOptions {
  /** 'words': the stemmed-word block (words, pairs, cues); 'words+plain': with the plain-word block too. */
  view: 'words' | 'words+plain';
  /** 'zh': only texts with Chinese characters get the member (their own weight); 'all': one weight for every text. */
  texts: 'zh' | 'all';
}

/** Whether a text has Chinese characters (the texts a 'zh' member is mixed in for). */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

/**
 * Train a taxonomy model's member: the index over the training vectors X (classes y, example weights,
 * source documents), its k, power, balance and temperature, and its weight chosen against the
 * model's held-out probabilities `heldModel` (rows: indices into X; the probabilities `decide` mixes
 * with). Returns the member and the model's held-out probabilities mixed with it (for the thresholds).
 */
export function trainKnn(
  X: SparseVec[],
  rows: { y: number; weight: number; group?: string; zh: boolean }[],
  K: number,
  blocks: { words: [number, number]; chars: [number, number]; plain: [number, number] },
  heldModel: { rows: number[]; probs: Float64Array[] },
  opts: KnnOptions,
): { index: KnnIndex; mixHeld: (probs: Float64Array[]) => Float64Array[] } {
  const dim = blocks.plain[1];
  const skip: [number, number] = opts.view === 'words' ? [blocks.words[1], dim] : blocks.chars;
  const y = rows.map((r) => r.y);
  const index = KnnIndex.build(X, y, rows.map((r) => r.weight), K, dim, skip, { k: 10, power: 1, balance: 0, T: 1, w: 0 });
  const { settings, held } = chooseKnnMember(index, X, rows.map((r) => r.group));
  const zhRow = (r: number) => rows[r]!.zh;
  const chosen: KnnSettings =
    opts.texts === 'zh'
      ? { ...settings, w: 0, wZh: chooseKnnWeight(heldModel, held, y, K, { subset: zhRow }) }
      : { ...settings, w: chooseKnnWeight(heldModel, held, y, K) };
  const member = KnnIndex.fromParts({ ...index.parts, settings: chosen }, dim);
  const mixHeld = (probs: Float64Array[]) =>
    probs.map((p, j) => {
      const r = heldModel.rows[j]!;
      const w = zhRow(r) && chosen.wZh !== undefined ? chosen.wZh : chosen.w;
      return w > 0 ? Float64Array.from(p, (pc, c) => (1 - w) * pc + w * held[r]![c]!) : p;
    });
  return { index: member, mixHeld };
}

/** How a member is described in a model file's header (its arrays are sections of the file). */
export interface StoredKnn {
  K: number;
  skip: [number, number];
  settings: KnnSettings;
  feats: string;
  counts: string;
  rows: string;
  rowType: 'u16' | 'i32';
  vals: string;
  y: string;
  wt: string;
}

/** Write a member's arrays as sections of a model file (`add` as SectionWriter.add); returns the header entry. */
export function writeKnn(add: (a: Int32Array | Uint16Array | Float32Array, hint: string) => string, m: KnnIndex): StoredKnn {
  const p = m.parts;
  return {
    K: p.K,
    skip: p.skip,
    settings: p.settings,
    feats: add(p.feats, 'kf'),
    counts: add(p.counts, 'kc'),
    rows: add(p.rows, 'kr'),
    rowType: p.rows instanceof Uint16Array ? 'u16' : 'i32',
    vals: add(p.vals, 'kv'),
    y: add(p.y, 'ky'),
    wt: add(p.wt, 'kw'),
  };
}

/** Read a member back (`get` as SectionReader.get); a damaged one is refused with a clear error. */
export function readKnn(get: (name: string, type: 'i32' | 'u16' | 'f32') => ArrayBufferView, s: StoredKnn, dim: number, source: string): KnnIndex {
  try {
    return KnnIndex.fromParts(
      {
        K: s.K,
        skip: s.skip,
        settings: s.settings,
        feats: get(s.feats, 'i32') as Int32Array,
        counts: get(s.counts, 'i32') as Int32Array,
        rows: get(s.rows, s.rowType === 'i32' ? 'i32' : 'u16') as Uint16Array | Int32Array,
        vals: get(s.vals, 'f32') as Float32Array,
        y: get(s.y, 'u16') as Uint16Array,
        wt: get(s.wt, 'f32') as Float32Array,
      },
      dim,
    );
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
}

declare module '../embedded/model.ts' {
  interface HyperParameters {
    /**
     * Per taxonomy id, a nearest-neighbour member mixed into that taxonomy's persisted model
     * (src/classify/models/knn.ts; read by src/classify/models, the flat learner ignores it).
     */
    knnFor?: Record<string, KnnOptions>;
  }
}

/**
 * The member of a trained taxonomy model: built over the vectors of its training rows (`usable`, in
 * the order the model's held-out rows index), its weight chosen against held-out probabilities:
 * `stackedHeld` when given, else the model's own (with the description-only damping `decide`
 * applies). Undefined when the chosen weight is 0 (the member would change nothing).
 */
export function knnMemberOf(
  model: EmbeddedModel,
  usable: { text: string; code: string; weight?: number; group?: string }[],
  stackedHeld: Float64Array[] | undefined,
  opts: KnnOptions,
): { index: KnnIndex; mixHeld: (probs: Float64Array[]) => Float64Array[] } | undefined {
  const held = model.heldOut;
  if (!held?.rows || !held.probs.length) return undefined;
  const ci = new Map(model.classes.map((c, i) => [c.code, i]));
  const X = usable.map((e) => model.features.transform(e.text));
  const rows = usable.map((e) => ({ y: ci.get(e.code)!, weight: e.weight !== undefined && e.weight > 0 ? e.weight : 1, group: e.group, zh: hasHan(e.text) }));
  const penalty = model.hyper.descriptionOnlyPenalty;
  const damp = (p: Float64Array) => {
    const q = Float64Array.from(p, (v, c) => (model.classes[c]!.examples === 0 ? v * penalty : v));
    let s = 0;
    for (const v of q) s += v;
    return s > 0 ? q.map((v) => v / s) : q;
  };
  const base = stackedHeld ?? held.probs.map((p) => (model.classes.some((c) => c.examples > 0) ? damp(p) : p));
  const out = trainKnn(X, rows, model.classes.length, model.features.blocks, { rows: held.rows, probs: base }, opts);
  // a member whose held-out rows give it no weight changes nothing: it is not kept (nor stored)
  const s = out.index.parts.settings;
  return s.w > 0 || (s.wZh ?? 0) > 0 ? out : undefined;
}

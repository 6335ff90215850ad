// The embedded classifier's model: an ensemble of linear SVMs and complement naive Bayes, on
// word + character n-grams and on words alone. Inside the training data, an inner cross-validation
// (grouped by source document when groups are known) gives held-out scores; from them each member
// gets a softmax temperature (calibration), and the members to average and a prior correction are
// chosen to maximise held-out Cohen's κ. The abstention threshold is chosen on the same held-out rows.
import { createHash } from 'node:crypto';
import { DEFAULT_FEATURES, Features, type FeatureOptions, type SerialisedFeatures } from './features.ts';
import { compactLinear, compactScores, type CompactLinear } from './compact.ts';
import { scoresOf, trainComplementNB, trainNbSvm, trainOvrLogistic, type LinearModel } from './learners.ts';
import { argmax, rng, shuffleInPlace, softmaxInPlace, sqNorm, trainOvrSvm, type SparseVec } from './sparse.ts';

export const MODEL_FORMAT = 'govnav-embedded/2';

/**
 * Ensemble members: linear SVMs on words + character n-grams (svm), on stemmed words (svmw) and on
 * plain words (svmp); complement naive Bayes on words + character n-grams (nb) and on words (nbw).
 */
export type Component = 'svm' | 'svmw' | 'svmp' | 'nb' | 'nbw' | 'nbsvm' | 'lr';
export const COMPONENTS: Component[] = ['svm', 'svmw', 'svmp', 'nb', 'nbw'];

/** A typed array as base64 of its little-endian bytes (every platform Node runs on is little-endian). */
function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}
function fromB64<T>(s: string, make: (buf: ArrayBuffer) => T): T {
  const b = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return make(copy);
}

/** The member's compact weights as stored: only the columns that hold weights. */
export interface StoredMember {
  kind: Component;
  T: number;
  range: [number, number];
  K: number;
  /** Features with at least one weight, and how many classes each speaks for. */
  cols: Int32Array;
  counts: Uint16Array;
  rows: Uint16Array;
  vals: Float32Array;
  bias: Float32Array;
}

export function storeMember(kind: Component, T: number, m: CompactLinear): StoredMember {
  const cols: number[] = [];
  const counts: number[] = [];
  for (let j = m.lo; j < m.hi; j++) {
    const n = m.colPtr[j - m.lo + 1] - m.colPtr[j - m.lo];
    if (n > 0) {
      cols.push(j);
      counts.push(n);
    }
  }
  return { kind, T, range: [m.lo, m.hi], K: m.K, cols: Int32Array.from(cols), counts: Uint16Array.from(counts), rows: m.rows, vals: m.vals, bias: m.bias };
}

export function loadMember(s: StoredMember, source: string): CompactLinear {
  const [lo, hi] = s.range;
  if (s.rows.length !== s.vals.length || s.cols.length !== s.counts.length || s.bias.length !== s.K)
    throw new Error(`${source}: weights of member ${s.kind} are inconsistent (damaged file?); retrain the model`);
  const colPtr = new Int32Array(hi - lo + 1);
  let p = 0;
  let prev = lo - 1;
  for (let i = 0; i < s.cols.length; i++) {
    const j = s.cols[i];
    if (j <= prev || j >= hi) throw new Error(`${source}: weights of member ${s.kind} do not match the feature space; retrain the model`);
    for (let q = prev + 1; q <= j; q++) colPtr[q - lo] = p;
    // a column lists its classes in ascending order (explanations search it)
    for (let r = p + 1; r < p + s.counts[i] && r < s.rows.length; r++)
      if (s.rows[r] <= s.rows[r - 1]) throw new Error(`${source}: weights of member ${s.kind} are inconsistent (damaged file?); retrain the model`);
    p += s.counts[i];
    prev = j;
  }
  for (let q = prev + 1; q <= hi; q++) colPtr[q - lo] = p;
  if (p !== s.rows.length) throw new Error(`${source}: weights of member ${s.kind} are inconsistent (damaged file?); retrain the model`);
  return { K: s.K, lo, hi, colPtr, rows: s.rows, vals: s.vals, bias: s.bias };
}

/** The feature range [start, end) a member learns from. */
function memberRange(kind: Component, f: Features): [number, number] {
  const b = f.blocks;
  if (kind === 'svmw' || kind === 'nbw') return b.words;
  if (kind === 'svmp') return b.plain;
  return [0, b.chars[1]];
}

export interface HyperParameters {
  features: FeatureOptions;
  /** Candidate members; with `select`, the subset with the best held-out κ is kept. */
  components: Component[];
  /** Choose the subset of members by held-out κ (else: average all members). */
  select: boolean;
  /** Choose the prior-correction exponent by held-out κ (else: none). */
  selectPrior: boolean;
  /** Candidate exponents γ of the prior correction p_c / prior_c^γ. */
  priorGammas: number[];
  svmC: number;
  /** Cost C of the logistic-regression member `lr` (default 1). */
  lrC?: number;
  svmTol: number;
  nbAlpha: number;
  nbNormalise: boolean;
  /** Class weights ∝ (n / (K·n_c))^classBalance: 0 = none, 1 = fully balanced. */
  classBalance: number;
  /**
   * In the prior correction, a class counts as having at least this many examples (absent = its own
   * count): a class seen a handful of times is not raised by a factor its held-out rows cannot check.
   */
  priorFloor?: number;
  /** Largest class weight (absent = no limit): a class with a handful of examples is not weighted up without bound. */
  classWeightCap?: number;
  /** Inner cross-validation folds for calibration and the abstention threshold (0 = none). */
  innerFolds: number;
  /** Repeat the inner cross-validation (new fold assignment) until about this many held-out predictions… */
  minHeldOut: number;
  /** …but at most this many times. */
  maxRepeats: number;
  /** Abstain when the calibrated confidence is below the threshold giving this held-out accuracy. */
  targetAccuracy: number;
  /** Use the taxonomy's name + description as one weak example of a class that has fewer than `descriptionBelow` labelled examples. */
  useDescriptions: boolean;
  descriptionBelow: number;
  /** Confidence multiplier for classes known only from their description. */
  descriptionOnlyPenalty: number;
  /** Stored weights smaller than this fraction of a member's largest weight are dropped (see compact.ts). */
  pruneRel: number;
  /**
   * On a hierarchical taxonomy, also train one model per coarser level (codes cut to level 1, 2, …)
   * on the same features; a node's probability is the average over the models that know its level.
   */
  levelModels?: boolean;
  /**
   * Per taxonomy id, feature options that replace the shared ones in that taxonomy's persisted model
   * (read by src/classify/models; the flat learner here ignores it).
   */
  featuresFor?: Record<string, Partial<FeatureOptions>>;
  /**
   * Per taxonomy id, the candidate members that replace `components` in that taxonomy's persisted
   * model (read by src/classify/models; the flat learner here ignores it).
   */
  componentsFor?: Record<string, Component[]>;
  seed: number;
}

export const DEFAULT_HYPER: HyperParameters = {
  features: DEFAULT_FEATURES,
  components: COMPONENTS,
  select: true,
  selectPrior: true,
  priorGammas: [0, 0.25, 0.5, 0.75, 1],
  svmC: 0.5,
  svmTol: 0.05,
  nbAlpha: 0.3,
  nbNormalise: true,
  classBalance: 1,
  innerFolds: 3,
  minHeldOut: 600,
  maxRepeats: 4,
  targetAccuracy: 0.8,
  useDescriptions: true,
  descriptionBelow: 3,
  descriptionOnlyPenalty: 0.5,
  pruneRel: 1e-3,
  seed: 42,
};

export interface Example {
  text: string;
  code: string;
  group?: string;
  /** An id to cite in explanations (e.g. a statement id). */
  id?: string;
  /** A name a reader recognises (the statement's name), for "closest labelled example" explanations. */
  name?: string;
  /** Cost multiplier in training (default 1; e.g. 0.3 for a crosswalked label). */
  weight?: number;
}

export interface ClassInfo {
  code: string;
  /** Labelled examples of this class in the training data. */
  examples: number;
  /** Text from the taxonomy (name + description), when given. */
  description?: string;
}

export interface TrainedComponent {
  kind: Component;
  model: CompactLinear;
  /** Temperature for softmax calibration of the component's scores. */
  T: number;
}

export interface CalibrationReport {
  /** Held-out rows used for calibration (inner CV). */
  n: number;
  accuracy: number;
  /** Held-out Cohen's κ of the chosen ensemble. */
  kappa: number;
  /** The members kept and the prior-correction exponent. */
  members: Component[];
  gamma: number;
  threshold: number;
  coverage: number;
  accuracyCovered: number;
  temperatures: Record<string, number>;
}

export interface SerialisedModel {
  format: typeof MODEL_FORMAT;
  taxonomy?: { id: string; version: string };
  trainingHash: string;
  created: string;
  hyper: HyperParameters;
  classes: ClassInfo[];
  features: SerialisedFeatures;
  /**
   * Members' weights: for each class, the weights of the member's feature range [start, end) and the
   * intercept, as little-endian float64 in base64 (exact; outside the range every weight is 0).
   */
  components: { kind: Component; T: number; range: [number, number]; K: number; cols: string; counts: string; rows: string; vals: string; bias: string }[];
  /** Added to log-probabilities before renormalising (−γ·log prior). */
  priorAdjust: number[];
  calibration: CalibrationReport;
  /** A few labelled examples per class (id + text) for "nearest example" explanations. */
  exemplars: Exemplar[];
}

export interface Exemplar {
  id: string;
  code: string;
  text: string;
  name?: string;
}

export class EmbeddedModel {
  private constructor(
    readonly classes: ClassInfo[],
    readonly features: Features,
    readonly components: TrainedComponent[],
    readonly priorAdjust: Float64Array,
    readonly calibration: CalibrationReport,
    readonly hyper: HyperParameters,
    readonly trainingHash: string,
    readonly created: string,
    readonly taxonomy: { id: string; version: string } | undefined,
    readonly exemplars: (Exemplar & { vec?: SparseVec })[],
  ) {}

  /** Assemble a model from stored parts (the persisted model files of src/classify/models). */
  static fromParts(p: {
    classes: ClassInfo[];
    features: Features;
    components: TrainedComponent[];
    priorAdjust: Float64Array;
    calibration: CalibrationReport;
    hyper: HyperParameters;
    trainingHash: string;
    created: string;
    taxonomy?: { id: string; version: string };
    exemplars: Exemplar[];
  }): EmbeddedModel {
    return new EmbeddedModel(p.classes, p.features, p.components, p.priorAdjust, p.calibration, p.hyper, p.trainingHash, p.created, p.taxonomy, p.exemplars);
  }

  /** Train on labelled examples; `classes` may name classes without examples (taxonomy descriptions). */
  static train(
    examples: Example[],
    opts: {
      hyper?: Partial<HyperParameters>;
      descriptions?: Map<string, string>;
      taxonomy?: { id: string; version: string };
      created?: string;
      /** A feature space fitted beforehand (shared by the models of a hierarchy); else fitted here. */
      features?: Features;
    } = {},
  ): EmbeddedModel {
    const hyper: HyperParameters = { ...DEFAULT_HYPER, ...opts.hyper, features: { ...DEFAULT_HYPER.features, ...opts.hyper?.features } };
    const labelled = examples.filter((e) => e.code && e.text.trim());
    const counts = new Map<string, number>();
    for (const e of labelled) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
    const descriptions = hyper.useDescriptions ? (opts.descriptions ?? new Map<string, string>()) : new Map<string, string>();
    const codes = [...new Set([...counts.keys(), ...descriptions.keys()])].sort();
    if (codes.length === 0) throw new Error('embedded classifier: no labelled examples and no class descriptions to learn from');
    const classes: ClassInfo[] = codes.map((code) => ({ code, examples: counts.get(code) ?? 0, description: descriptions.get(code) }));
    const ci = new Map(codes.map((c, i) => [c, i]));

    const { texts, y, groups, wts } = trainingRows(labelled, classes, ci, hyper.descriptionBelow);
    const weighted = wts.some((w) => w !== 1);
    const features = opts.features ?? Features.fit(texts, hyper.features);
    const X = texts.map((t) => features.transform(t));
    const yy = Int32Array.from(y);
    const K = codes.length;
    const fit = (kind: Component, idx: number[] | undefined): LinearModel => {
      const Xs = idx ? idx.map((i) => X[i]) : X;
      const ys = idx ? Int32Array.from(idx, (i) => yy[i]) : yy;
      const ws = weighted ? Float64Array.from(idx ?? wts.map((_, i) => i), (i) => wts[i]) : undefined;
      return fitComponent(kind, Xs, ys, K, features.dim, memberRange(kind, features), hyper, ws);
    };

    const { heldOut, heldIdx } = innerHeldOut(fit, X, yy, groups, hyper, K, labelled.length);
    const temperatures: Record<string, number> = {};
    const heldY = heldIdx.map((i) => yy[i]);
    for (const kind of hyper.components)
      temperatures[kind] = heldIdx.length
        ? fitTemperature(
            heldOut.get(kind)!,
            heldY,
          )
        : kind === 'nb' || kind === 'nbw'
          ? 0.01
          : 0.3;
    const prior = new Float64Array(K);
    for (let i = 0; i < labelled.length; i++) prior[yy[i]]++;
    const logPrior = logPriorOf(prior, labelled.length, K, hyper.priorFloor ?? 0);

    const { members, gamma, heldProbs } = chooseMembers(heldOut, heldIdx.length, heldY, temperatures, logPrior, hyper, K, labelled.length);
    const comps: TrainedComponent[] = members.map((kind) => ({
      kind,
      model: compactLinear(fit(kind, undefined), memberRange(kind, features), hyper.pruneRel),
      T: temperatures[kind],
    }));
    const priorAdjust = Float64Array.from(logPrior, (lp) => -gamma * lp);
    const calibration: CalibrationReport = heldIdx.length
      ? chooseThreshold(heldProbs, heldY, hyper.targetAccuracy, temperatures, members, gamma, K)
      : { n: 0, accuracy: NaN, kappa: NaN, members, gamma, threshold: 0, coverage: 1, accuracyCovered: NaN, temperatures };

    const exemplars = exemplarsOf(labelled);
    const trainingHash = hashExamples(labelled, descriptions);
    const out = new EmbeddedModel(
      classes,
      features,
      comps,
      priorAdjust,
      calibration,
      hyper,
      trainingHash,
      opts.created ?? new Date().toISOString(),
      opts.taxonomy,
      exemplars,
    );
    // The held-out predictions behind the calibration (not stored): for per-level thresholds.
    out.heldOut = { probs: heldProbs, y: heldY, rows: heldIdx };
    return out;
  }

  /** Held-out probabilities and labels (class indices) from training's inner cross-validation; not persisted. */
  heldOut?: { probs: Float64Array[]; y: number[]; rows?: number[] };

  /** Calibrated class probabilities for one text (order of `classes`). */
  probabilities(text: string): Float64Array {
    return this.probabilitiesOf(this.features.transform(text));
  }

  /** Calibrated class probabilities for a feature vector of this model's feature space. */
  private anyExamples?: boolean;
  probabilitiesOf(x: SparseVec): Float64Array {
    return this.probabilitiesFromScores(this.components.map((c) => compactScores(c.model, x)));
  }

  /** Calibrated class probabilities from each member's raw class scores (in the order of `components`). */
  probabilitiesFromScores(scores: Float64Array[]): Float64Array {
    const p = adjustWith(
      combine(
        scores,
        this.components.map((c) => c.T),
      ),
      this.priorAdjust,
    );
    // classes known only from a description: damp their probability, then renormalise
    let changed = false;
    this.anyExamples ??= this.classes.some((o) => o.examples > 0);
    if (this.anyExamples)
      for (let i = 0; i < this.classes.length; i++)
        if (this.classes[i]!.examples === 0) {
          p[i] *= this.hyper.descriptionOnlyPenalty;
          changed = true;
        }
    if (changed) {
      let s = 0;
      for (const v of p) s += v;
      for (let i = 0; i < p.length; i++) p[i] /= s;
    }
    return p;
  }

  predict(text: string): { code: string; confidence: number; abstain: boolean; probs: Float64Array } {
    const probs = this.probabilities(text);
    const b = argmax(probs);
    const confidence = probs[b];
    return { code: this.classes[b].code, confidence, abstain: confidence < this.calibration.threshold, probs };
  }

  /** Terms of the text with the largest positive contribution to class `code` (linear components). */
  evidence(text: string, code: string, max = 6): string[] {
    const k = this.classes.findIndex((c) => c.code === code);
    if (k < 0) return [];
    const x = this.features.transform(text);
    const contrib = new Map<string, number>();
    const blocks = this.features.blocks;
    for (const comp of this.components) {
      const m = comp.model;
      // contribution relative to the mean of the other classes, scaled by the component's temperature
      for (let j = 0; j < x.idx.length; j++) {
        const f = x.idx[j];
        if (f >= blocks.chars[0] && f < blocks.chars[1]) continue; // character n-grams explain poorly
        if (f < m.lo || f >= m.hi) continue;
        let own = 0;
        let all = 0;
        for (let p = m.colPtr[f - m.lo]; p < m.colPtr[f - m.lo + 1]; p++) {
          all += m.vals[p];
          if (m.rows[p] === k) own = m.vals[p];
        }
        const others = (all - own) / Math.max(1, m.K - 1);
        const v = (x.val[j] * (own - others)) / comp.T;
        if (v <= 0) continue;
        const t = this.features.term(f);
        if (!t || isFunctionWords(t.term)) continue;
        contrib.set(t.term, (contrib.get(t.term) ?? 0) + v);
      }
    }
    // Stemmed and plain forms of a word merge once shown as they appear in the text.
    const shown = new Map<string, number>();
    for (const [term, v] of [...contrib.entries()].sort((a, b) => b[1] - a[1]).slice(0, max * 4)) {
      const label = displayTerm(term, text);
      shown.set(label, (shown.get(label) ?? 0) + v);
    }
    return [...shown.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, max)
      .map(([t]) => t);
  }

  /**
   * Why class k rather than class s (or rather than the mean of the other classes when s < 0): each
   * feature's share of the difference in temperature-scaled scores, largest first, positive only.
   */
  contrast(x: SparseVec, k: number, s: number, skip?: [number, number]): { feature: number; value: number }[] {
    // per position of x: the summed share, and the order in which features first got a positive one
    const acc = new Float64Array(x.idx.length);
    const seen = new Uint8Array(x.idx.length);
    const order: number[] = [];
    const n = this.components.length;
    for (const comp of this.components) {
      const m = comp.model;
      // the positions of x inside the member's range, less the skipped range (x is sorted)
      const spans: [number, number][] = skip
        ? [
            [Math.max(m.lo, 0), Math.min(m.hi, skip[0])],
            [Math.max(m.lo, skip[1]), m.hi],
          ]
        : [[m.lo, m.hi]];
      for (const [from, to] of spans) {
        if (from >= to) continue;
        for (let j = lowerBound(x.idx, from); j < x.idx.length && x.idx[j] < to; j++) {
          const f = x.idx[j];
          const a = m.colPtr[f - m.lo];
          const e = m.colPtr[f - m.lo + 1];
          const own = columnWeight(m.rows, m.vals, a, e, k);
          let other: number;
          if (s >= 0) other = columnWeight(m.rows, m.vals, a, e, s);
          else {
            let all = 0;
            for (let p = a; p < e; p++) all += m.vals[p];
            other = (all - own) / Math.max(1, m.K - 1);
          }
          const v = (x.val[j] * (own - other)) / comp.T / n;
          if (v > 0) {
            if (!seen[j]) (seen[j] = 1), order.push(j);
            acc[j] += v;
          }
        }
      }
    }
    // largest first; equal shares keep the order in which they were found (as a stable sort would)
    const rank = order.map((_, r) => r);
    rank.sort((r1, r2) => acc[order[r2]] - acc[order[r1]] || r1 - r2);
    return rank.map((r) => ({ feature: x.idx[order[r]], value: acc[order[r]] }));
  }

  /** The most similar stored labelled example of class `code` (cosine on the model's features). */
  nearestExample(text: string, code: string): { id: string; name?: string; similarity: number } | undefined {
    const x = this.features.transform(text);
    const dense = new Map<number, number>();
    for (let j = 0; j < x.idx.length; j++) dense.set(x.idx[j], x.val[j]);
    let best: { id: string; name?: string; similarity: number } | undefined;
    const nx = Math.sqrt(sqNorm(x));
    if (nx === 0) return undefined;
    for (const e of this.exemplars) {
      if (e.code !== code) continue;
      e.vec ??= this.features.transform(e.text);
      const ne = Math.sqrt(sqNorm(e.vec));
      if (ne === 0) continue;
      let s = 0;
      for (let j = 0; j < e.vec.idx.length; j++) s += (dense.get(e.vec.idx[j]) ?? 0) * e.vec.val[j];
      s /= nx * ne;
      if (!best || s > best.similarity) best = { id: e.id, name: e.name, similarity: s };
    }
    return best;
  }

  get version(): string {
    return `${MODEL_FORMAT}+${this.trainingHash.slice(0, 12)}`;
  }

  toJSON(): SerialisedModel {
    return {
      format: MODEL_FORMAT,
      taxonomy: this.taxonomy,
      trainingHash: this.trainingHash,
      created: this.created,
      hyper: this.hyper,
      classes: this.classes,
      features: this.features.toJSON(),
      components: this.components.map((c) => {
        const m = storeMember(c.kind, c.T, c.model);
        return { kind: m.kind, T: m.T, range: m.range, K: m.K, cols: b64(m.cols), counts: b64(m.counts), rows: b64(m.rows), vals: b64(m.vals), bias: b64(m.bias) };
      }),
      priorAdjust: Array.from(this.priorAdjust),
      calibration: this.calibration,
      exemplars: this.exemplars.map(({ id, code, text, name }) => ({ id, code, text, ...(name ? { name } : {}) })),
    };
  }

  static fromJSON(s: SerialisedModel, source = 'model'): EmbeddedModel {
    if (!s || typeof s !== 'object') throw new Error(`${source}: not an embedded model`);
    if (s.format !== MODEL_FORMAT)
      throw new Error(`${source}: unsupported model format "${String(s.format)}" (this govnav reads ${MODEL_FORMAT}); retrain the model`);
    const features = Features.fromJSON(s.features);
    const comps: TrainedComponent[] = s.components.map((c) => {
      if (c.range[1] > features.dim) throw new Error(`${source}: weights of member ${c.kind} do not match the feature space`);
      const stored: StoredMember = {
        kind: c.kind,
        T: c.T,
        range: c.range,
        K: c.K,
        cols: fromB64(c.cols, (b) => new Int32Array(b)),
        counts: fromB64(c.counts, (b) => new Uint16Array(b)),
        rows: fromB64(c.rows, (b) => new Uint16Array(b)),
        vals: fromB64(c.vals, (b) => new Float32Array(b)),
        bias: fromB64(c.bias, (b) => new Float32Array(b)),
      };
      return { kind: c.kind, T: c.T, model: loadMember(stored, source) };
    });
    return new EmbeddedModel(s.classes, features, comps, Float64Array.from(s.priorAdjust), s.calibration, s.hyper, s.trainingHash, s.created, s.taxonomy, s.exemplars);
  }
}

/** The first position of a sorted index array holding a value ≥ v. */
function lowerBound(idx: Int32Array, v: number): number {
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The weight of class c in the column rows/vals[a, e) (its classes ascending), 0 when absent. */
function columnWeight(rows: Uint16Array, vals: Float32Array, a: number, e: number, c: number): number {
  let lo = a;
  let hi = e;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  return lo < e && rows[lo] === c ? vals[lo] : 0;
}

// Words too common to count as evidence in an explanation (they still count in the model).
const FUNCTION_WORDS = new Set(
  'a an and are as at be by can could for from has have in is it its may might of on or that the their this to was were which will with would 的 和 与 或 在 是 可能'.split(' '),
);
function isFunctionWords(term: string): boolean {
  const t = term.replace(/^[#^]/, '');
  return t.split(' ').every((w) => FUNCTION_WORDS.has(w) || /^\d+$/.test(w));
}

function displayTerm(term: string, text: string): string {
  if (term.startsWith('^')) term = term.slice(1);
  if (term.startsWith('#')) return term.slice(1);
  // show a stemmed term as the first word of the text that starts with it
  const words = term.split(' ');
  const lower = text.toLowerCase();
  const shown = words.map((w) => {
    const m = new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\p{L}]*`, 'u').exec(lower);
    return m ? m[0] : w;
  });
  return shown.join(' ');
}

function fitComponent(
  kind: Component,
  X: SparseVec[],
  y: Int32Array,
  K: number,
  dim: number,
  range: [number, number],
  h: HyperParameters,
  weights?: Float64Array,
): LinearModel {
  if (K === 1) return { W: [new Float64Array(dim + 1)], dim };
  const Xs = range[0] === 0 && range[1] === dim ? X : X.map((x) => slice(x, range[0], range[1]));
  if (kind.startsWith('svm') || kind === 'nbsvm' || kind === 'lr') {
    const cw = classWeights(y, K, h.classBalance);
    if (h.classWeightCap !== undefined) for (let c = 0; c < K; c++) cw[c] = Math.min(cw[c]!, h.classWeightCap);
    const o = { C: h.svmC, classWeight: cw, tol: h.svmTol, seed: h.seed, weights };
    if (kind === 'lr') return { W: trainOvrLogistic(Xs, y, K, dim, { ...o, C: h.lrC ?? 1 }), dim };
    return { W: kind === 'nbsvm' ? trainNbSvm(Xs, y, K, dim, o) : trainOvrSvm(Xs, y, K, dim, o), dim };
  }
  return trainComplementNB(Xs, y, K, dim, h.nbAlpha, range, h.nbNormalise, weights);
}

/** The entries of a feature vector with index in [lo, hi) (indices ascend). */
function slice(x: SparseVec, lo: number, hi: number): SparseVec {
  let a = 0;
  while (a < x.idx.length && x.idx[a] < lo) a++;
  let b = a;
  while (b < x.idx.length && x.idx[b] < hi) b++;
  return { idx: x.idx.subarray(a, b), val: x.val.subarray(a, b) };
}

/** Every non-empty subset of the members, in a fixed order (singletons first). */
function subsets<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out.sort((a, b) => a.length - b.length);
}

/** Observed and chance agreement of argmax predictions with the labels. */
function agreementOf(probs: Float64Array[], y: number[], K: number): { po: number; pe: number } {
  const m = probs.length;
  const rows = new Float64Array(K);
  const cols = new Float64Array(K);
  let agree = 0;
  probs.forEach((p, i) => {
    const b = argmax(p);
    rows[y[i]]++;
    cols[b]++;
    if (b === y[i]) agree++;
  });
  let pe = 0;
  for (let c = 0; c < K; c++) pe += rows[c] * cols[c];
  return { po: agree / m, pe: pe / (m * m) };
}

/** Cohen's κ of argmax predictions (kept here so the classifier does not depend on the eval module). */
function kappaOf(probs: Float64Array[], y: number[], K: number): number {
  if (!probs.length) return NaN;
  const { po, pe } = agreementOf(probs, y, K);
  return pe === 1 ? 0 : (po - pe) / (1 - pe);
}

/**
 * Approximate standard error of Cohen's κ, √(p_o(1−p_o)/n)/(1−p_e), with n the number of
 * distinct rows (held-out predictions from repeated cross-validation are not independent).
 */
function kappaStdError(probs: Float64Array[], y: number[], K: number, n: number): number {
  if (!probs.length || !n) return 0;
  const { po, pe } = agreementOf(probs, y, K);
  return pe >= 1 ? 0 : Math.sqrt((po * (1 - po)) / n) / (1 - pe);
}

/** Smoothed log prior per class for the prior correction; a class counts as having at least `floor` examples. */
function logPriorOf(prior: ArrayLike<number>, n: number, K: number, floor: number): Float64Array {
  return Float64Array.from(prior, (c) => Math.log((Math.max(c, floor) + 1) / (n + K)));
}

function adjust(p: Float64Array, logPrior: Float64Array, gamma: number): Float64Array {
  if (gamma === 0) return p;
  return adjustWith(
    p,
    Float64Array.from(logPrior, (lp) => -gamma * lp),
  );
}

/** p_c · exp(a_c), renormalised. */
function adjustWith(p: Float64Array, a: Float64Array): Float64Array {
  let s = 0;
  for (let c = 0; c < p.length; c++) {
    p[c] *= Math.exp(a[c]);
    s += p[c];
  }
  if (s > 0) for (let c = 0; c < p.length; c++) p[c] /= s;
  return p;
}

export function classWeights(y: Int32Array, K: number, power: number): Float64Array {
  const cnt = new Float64Array(K);
  for (const v of y) cnt[v]++;
  return Float64Array.from(cnt, (c) => (c > 0 ? Math.pow(y.length / (K * c), power) : 1));
}

/**
 * Assign each training row to an inner fold: by group when rows have groups (rows of one source
 * document stay together, as in the outer protocol), otherwise stratified by class. Rows past
 * `nLabelled` (description pseudo-examples) get −2: always trained on, never held out.
 */
function innerFolds(y: Int32Array, groups: (string | undefined)[], k: number, seed: number, nLabelled: number): number[] {
  const rand = rng(seed);
  const out = new Array<number>(y.length).fill(-2);
  const distinct = [...new Set(groups.slice(0, nLabelled).filter((g): g is string => !!g))].sort();
  if (distinct.length >= k * 2) {
    shuffleInPlace(distinct, rand);
    // greedy balance: largest groups first into the smallest fold
    const size = new Map<string, number>();
    groups.slice(0, nLabelled).forEach((g) => g && size.set(g, (size.get(g) ?? 0) + 1));
    distinct.sort((a, b) => size.get(b)! - size.get(a)!);
    const load = new Array<number>(k).fill(0);
    const fold = new Map<string, number>();
    for (const g of distinct) {
      const f = load.indexOf(Math.min(...load));
      fold.set(g, f);
      load[f] += size.get(g)!;
    }
    for (let i = 0; i < nLabelled; i++) out[i] = groups[i] ? fold.get(groups[i]!)! : i % k;
    return out;
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < nLabelled; i++) {
    const l = byClass.get(y[i]) ?? [];
    l.push(i);
    byClass.set(y[i], l);
  }
  let r = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const l = byClass.get(c)!;
    shuffleInPlace(l, rand);
    for (const i of l) out[i] = r++ % k;
  }
  return out;
}

function combine(scores: Float64Array[], T: number[]): Float64Array {
  const K = scores[0].length;
  const p = new Float64Array(K);
  scores.forEach((s, m) => {
    const q = softmaxInPlace(Float64Array.from(s), T[m]);
    for (let c = 0; c < K; c++) p[c] += q[c] / scores.length;
  });
  return p;
}

/** Temperature minimising the negative log-likelihood of held-out labels (golden-section on log T). */
export function fitTemperature(scores: Float64Array[], y: number[]): number {
  if (!scores.length) return 1;
  const nll = (logT: number) => {
    const T = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < scores.length; i++) {
      const q = softmaxInPlace(Float64Array.from(scores[i]), T);
      s -= Math.log(Math.max(q[y[i]], 1e-12));
    }
    return s;
  };
  let a = Math.log(1e-4);
  let b = Math.log(1e3);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * The abstention threshold: the lowest confidence t such that held-out predictions with confidence ≥ t
 * reach the target accuracy. If none does, the threshold that maximises accuracy on at least a fifth of the rows.
 */
export function chooseThreshold(
  probs: Float64Array[],
  y: number[],
  target: number,
  temperatures: Record<string, number>,
  members: Component[],
  gamma: number,
  K: number,
): CalibrationReport {
  const kappa = kappaOf(probs, y, K);
  const rows = probs.map((p, i) => {
    const b = argmax(p);
    return { conf: p[b], ok: b === y[i] };
  });
  const n = rows.length;
  const accuracy = n ? rows.filter((r) => r.ok).length / n : NaN;
  rows.sort((a, b) => b.conf - a.conf);
  let ok = 0;
  let best = { t: 0, acc: -1, cov: 1 };
  let found: { t: number; acc: number; cov: number } | undefined;
  for (let i = 0; i < n; i++) {
    if (rows[i].ok) ok++;
    if (i + 1 < n && rows[i + 1].conf === rows[i].conf) continue;
    const acc = ok / (i + 1);
    const cov = (i + 1) / n;
    if (acc >= target) found = { t: rows[i].conf, acc, cov };
    if (cov >= 0.2 && acc > best.acc) best = { t: rows[i].conf, acc, cov };
  }
  const pick = found ?? best;
  const base = { n, accuracy, kappa, members, gamma, temperatures };
  if (n === 0) return { ...base, threshold: 0, coverage: 1, accuracyCovered: NaN };
  return { ...base, threshold: pick.t, coverage: pick.cov, accuracyCovered: pick.acc };
}

function hashExamples(ex: Example[], descriptions: Map<string, string>): string {
  const h = createHash('sha256');
  for (const e of ex) h.update(`${e.code}\u0000${e.text}\u0000${e.group ?? ''}\u0000${e.weight ?? 1}\u0000${e.name ?? ''}\u0000${e.id ?? ''}\n`);
  for (const [k, v] of [...descriptions.entries()].sort()) h.update(`desc\u0000${k}\u0000${v}\n`);
  return h.digest('hex');
}

/** Training rows: the labelled examples, then the description of each class with (almost) no examples. */
function trainingRows(labelled: Example[], classes: ClassInfo[], ci: Map<string, number>, descriptionBelow: number) {
  const texts = labelled.map((e) => e.text);
  const y: number[] = labelled.map((e) => ci.get(e.code)!);
  const groups: (string | undefined)[] = labelled.map((e) => e.group);
  const wts: number[] = labelled.map((e) => (e.weight !== undefined && e.weight > 0 ? e.weight : 1));
  for (const c of classes)
    if (c.description && c.examples < descriptionBelow) {
      texts.push(c.description);
      y.push(ci.get(c.code)!);
      groups.push(undefined);
      wts.push(1);
    }
  return { texts, y, groups, wts };
}

/**
 * Held-out scores from inner cross-validation (inside the training data only). Small training
 * sets repeat it with different fold assignments, so that the choices made on these scores rest
 * on at least ~minHeldOut held-out predictions.
 */
function innerHeldOut(
  fit: (kind: Component, idx: number[] | undefined) => LinearModel,
  X: SparseVec[],
  yy: Int32Array,
  groups: (string | undefined)[],
  hyper: HyperParameters,
  K: number,
  nLabelled: number,
): { heldOut: Map<Component, Float64Array[]>; heldIdx: number[] } {
  const heldOut = new Map<Component, Float64Array[]>(hyper.components.map((k) => [k, []]));
  const heldIdx: number[] = [];
  const repeats = K > 1 && hyper.innerFolds > 1 && nLabelled > 0 ? Math.min(hyper.maxRepeats, Math.max(1, Math.ceil(hyper.minHeldOut / nLabelled))) : 0;
  for (let r = 0; r < repeats; r++) {
    const folds = innerFolds(yy, groups, hyper.innerFolds, hyper.seed + 7919 * r, nLabelled);
    for (let f = 0; f < hyper.innerFolds; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      folds.forEach((x, i) => (x === f ? te : tr).push(i));
      if (!te.length || !tr.length) continue;
      heldIdx.push(...te);
      for (const kind of hyper.components) {
        const m = fit(kind, tr);
        for (const i of te) heldOut.get(kind)!.push(scoresOf(m, X[i]));
      }
    }
  }
  return { heldOut, heldIdx };
}

/**
 * Members and prior correction chosen on the held-out rows. The default is the plain average of
 * every member without prior correction. Another choice replaces it only if its held-out κ is
 * higher by more than one standard error of κ (the "one standard error" rule): on small training
 * sets the differences between candidates are mostly noise, and choosing among them would fit that noise.
 */
function chooseMembers(
  heldOut: Map<Component, Float64Array[]>,
  nHeld: number,
  heldY: number[],
  temperatures: Record<string, number>,
  logPrior: Float64Array,
  hyper: HyperParameters,
  K: number,
  nLabelled: number,
): { members: Component[]; gamma: number; heldProbs: Float64Array[] } {
  let members = [...hyper.components];
  let gamma = 0;
  let heldProbs: Float64Array[] = [];
  const heldFor = (ms: Component[], g: number) =>
    Array.from({ length: nHeld }, (_, j) =>
      adjust(
        combine(
          ms.map((k) => heldOut.get(k)![j]),
          ms.map((k) => temperatures[k]),
        ),
        logPrior,
        g,
      ),
    );
  if (!nHeld) return { members, gamma, heldProbs };
  heldProbs = heldFor(members, 0);
  const k0 = kappaOf(heldProbs, heldY, K);
  const se = kappaStdError(heldProbs, heldY, K, nLabelled);
  if (hyper.select || hyper.selectPrior) {
    let best = k0 + se;
    for (const ms of hyper.select ? subsets(hyper.components) : [members])
      for (const g of hyper.selectPrior ? hyper.priorGammas : [0]) {
        const probs = heldFor(ms, g);
        const k = kappaOf(probs, heldY, K);
        if (k > best + 1e-9) {
          best = k;
          members = ms;
          gamma = g;
          heldProbs = probs;
        }
      }
  }
  return { members, gamma, heldProbs };
}

/** Exemplars for explanations: up to 20 per full-weight class example (first seen). */
function exemplarsOf(labelled: Example[]): Exemplar[] {
  const exemplars: Exemplar[] = [];
  const perClass = new Map<string, number>();
  labelled.forEach((e, i) => {
    const n = perClass.get(e.code) ?? 0;
    if (n >= 20 || (e.weight !== undefined && e.weight < 1)) return;
    perClass.set(e.code, n + 1);
    exemplars.push({ id: e.id ?? `#${i + 1}`, code: e.code, text: e.text.slice(0, 600), ...(e.name ? { name: e.name.slice(0, 200) } : {}) });
  });
  return exemplars;
}

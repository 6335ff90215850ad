// Linear models as the ensemble uses them, and complement naive Bayes (the SVM lives in sparse.ts).
import { dotDense, trainBinarySvm, type BinarySvmOptions, type SparseVec } from './sparse.ts';

export interface LinearModel {
  /** K rows of dim + 1 weights (intercept last). */
  W: Float64Array[];
  dim: number;
}

export function scoresOf(m: LinearModel, x: SparseVec): Float64Array {
  const s = new Float64Array(m.W.length);
  for (let c = 0; c < m.W.length; c++) s[c] = dotDense(x, m.W[c]) + m.W[c][m.dim];
  return s;
}

/**
 * Complement naive Bayes (Rennie et al., 2003) on non-negative features: a class scores high when
 * the text's terms are rare in the other classes. Returned as a linear model (scores = −x·log θ̄_c).
 */
export function trainComplementNB(
  X: SparseVec[],
  y: Int32Array,
  K: number,
  dim: number,
  alpha = 0.3,
  /** Only features in [start, end) take part (the rest get weight 0). */
  range: [number, number] = [0, dim],
  /** Rennie et al.'s weight normalisation (each class's weights divided by their L1 norm). */
  normalise = false,
  /** Per-example weights (default 1). */
  weights?: Float64Array,
): LinearModel {
  const [lo, hi] = range;
  const total = new Float64Array(dim);
  const perClass = Array.from({ length: K }, () => new Float64Array(dim));
  for (let i = 0; i < X.length; i++) {
    const { idx, val } = X[i];
    const pc = perClass[y[i]];
    const wi = weights ? weights[i] : 1;
    for (let k = 0; k < idx.length; k++) {
      total[idx[k]] += wi * val[k];
      pc[idx[k]] += wi * val[k];
    }
  }
  const W: Float64Array[] = [];
  for (let c = 0; c < K; c++) {
    const w = new Float64Array(dim + 1);
    let sum = 0;
    for (let j = lo; j < hi; j++) sum += total[j] - perClass[c][j] + alpha;
    // negated log-probability of each term in the complement of c: higher = more typical of c
    for (let j = lo; j < hi; j++) w[j] = -Math.log((total[j] - perClass[c][j] + alpha) / sum);
    if (normalise) {
      let norm = 0;
      for (let j = lo; j < hi; j++) norm += w[j];
      for (let j = lo; j < hi; j++) w[j] = (w[j] / (norm || 1)) * (hi - lo);
    }
    W.push(w);
  }
  return { W, dim };
}

/**
 * Linear SVMs on naive-Bayes-scaled features (NB-SVM, Wang & Manning, 2012), one vs rest: for class
 * c each feature j is multiplied by its log-count ratio r_cj = log((p_j/‖p‖₁)/(q_j/‖q‖₁)), where p and
 * q count (plus `alpha`) the texts of c and of the other classes that hold the feature; an SVM is
 * trained on the scaled vectors. Its weights times r_c are a linear model on the unscaled features,
 * so the member is scored like any other linear member.
 */
export function trainNbSvm(
  X: SparseVec[],
  y: Int32Array,
  K: number,
  dim: number,
  opts: BinarySvmOptions & { classWeight?: Float64Array; weights?: Float64Array },
  alpha = 1,
): Float64Array[] {
  const df = Array.from({ length: K }, () => new Float64Array(dim));
  const total = new Float64Array(dim);
  for (let i = 0; i < X.length; i++) {
    const wi = opts.weights ? opts.weights[i]! : 1;
    const pc = df[y[i]!]!;
    for (const j of X[i]!.idx) {
      pc[j]! += wi;
      total[j]! += wi;
    }
  }
  const out: Float64Array[] = [];
  for (let c = 0; c < K; c++) {
    const r = logCountRatio(df[c]!, total, alpha);
    const Xs = X.map(({ idx, val }) => ({ idx, val: Float64Array.from(val, (v, k) => v * r[idx[k]!]!) }));
    const yy = Int8Array.from(y, (v) => (v === c ? 1 : -1));
    const w = trainBinarySvm(Xs, yy, dim, { ...opts, costPos: opts.classWeight ? opts.classWeight[c] : 1, seed: (opts.seed ?? 1) + c });
    for (let j = 0; j < dim; j++) w[j]! *= r[j]!;
    out.push(w);
  }
  return out;
}

/** r_j = log((p_j / Σp) / (q_j / Σq)) with p = own + alpha, q = total − own + alpha, over features seen in training. */
function logCountRatio(own: Float64Array, total: Float64Array, alpha: number): Float64Array {
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < own.length; j++) {
    if (total[j] === 0) continue;
    sp += own[j]! + alpha;
    sq += total[j]! - own[j]! + alpha;
  }
  const r = new Float64Array(own.length);
  for (let j = 0; j < own.length; j++) if (total[j]! > 0) r[j] = Math.log((own[j]! + alpha) / sp / ((total[j]! - own[j]! + alpha) / sq));
  return r;
}

/**
 * One-vs-rest L2-regularised logistic regression, trained in the dual by coordinate descent (Yu,
 * Huang & Lin, 2011): each dual variable α_i ∈ (0, C·cost_i) is set by a safeguarded Newton step on
 * its one-dimensional subproblem (bisection when Newton leaves the bracket). Intercept as a constant
 * feature, as in the SVM. Returns K rows of dim + 1 weights.
 */
export function trainOvrLogistic(
  X: SparseVec[],
  y: Int32Array,
  K: number,
  dim: number,
  opts: { C?: number; classWeight?: Float64Array; weights?: Float64Array; epochs?: number; tol?: number; seed?: number } = {},
): Float64Array[] {
  const sq = X.map(({ val }) => val.reduce((s, v) => s + v * v, 0) + 1);
  const out: Float64Array[] = [];
  for (let c = 0; c < K; c++) {
    const yy = Int8Array.from(y, (v) => (v === c ? 1 : -1));
    const cost = Float64Array.from(yy, (s, i) => (opts.C ?? 1) * (s > 0 && opts.classWeight ? opts.classWeight[c]! : 1) * (opts.weights ? opts.weights[i]! : 1));
    out.push(binaryLogisticDual(X, yy, dim, cost, sq, opts.epochs ?? 30, opts.tol ?? 1e-3, (opts.seed ?? 1) + c));
  }
  return out;
}

function binaryLogisticDual(X: SparseVec[], y: Int8Array, dim: number, cost: Float64Array, sq: number[], epochs: number, tol: number, seed: number): Float64Array {
  const n = X.length;
  const w = new Float64Array(dim + 1);
  const alpha = Float64Array.from(cost, (C) => Math.min(1e-3 * C, 1e-8));
  for (let i = 0; i < n; i++) addScaled(w, X[i]!, alpha[i]! * y[i]!, dim);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0 || 1;
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = n - 1; i > 0; i--) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let maxStep = 0;
    for (const i of order) {
      const C = cost[i]!;
      const b = y[i]! * (dotDense(X[i]!, w) + w[dim]!);
      const a = solveAlpha(alpha[i]!, C, sq[i]!, b);
      const d = a - alpha[i]!;
      if (d === 0) continue;
      alpha[i] = a;
      addScaled(w, X[i]!, d * y[i]!, dim);
      maxStep = Math.max(maxStep, Math.abs(d) / C);
    }
    if (maxStep < tol) break;
  }
  return w;
}

/** w += s·x (and the intercept feature, value 1). */
function addScaled(w: Float64Array, x: SparseVec, s: number, dim: number): void {
  for (let k = 0; k < x.idx.length; k++) w[x.idx[k]!]! += s * x.val[k]!;
  w[dim]! += s;
}

/** argmin over a ∈ (0, C) of ½q(a − a0)² + b(a − a0) + a·log a + (C − a)·log(C − a): its derivative is increasing, so a bracketed Newton search. */
function solveAlpha(a0: number, C: number, q: number, b: number): number {
  const grad = (a: number) => q * (a - a0) + b + Math.log(a / (C - a));
  let lo = 0;
  let hi = C;
  let a = Math.min(Math.max(a0, 1e-12 * C), C * (1 - 1e-12));
  for (let it = 0; it < 50; it++) {
    const g = grad(a);
    if (Math.abs(g) < 1e-9) break;
    if (g > 0) hi = a;
    else lo = a;
    let next = a - g / (q + C / (a * (C - a)));
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - a) < 1e-15 * C) break;
    a = next;
  }
  return a;
}

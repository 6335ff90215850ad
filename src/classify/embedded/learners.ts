// Linear models as the ensemble uses them, and complement naive Bayes (the SVM lives in sparse.ts).
import { dotDense, type SparseVec } from './sparse.ts';

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

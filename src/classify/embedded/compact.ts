// A trained linear member in the form it is kept and stored in: column-compressed float32 weights.
//
// Softmax over classes does not change when the same amount is added to every class's score, so
// for each feature the mean weight over the classes is subtracted first (that part adds x·m to every
// class alike). What is left is pruned: a weight smaller than `pruneRel` times the member's largest
// one is dropped. The remaining weights are rounded to float32 and kept per feature (column): the
// classes that feature speaks for and how strongly. Scoring walks the text's features and their
// columns. The compact form IS the model: a trained model and the same model loaded from disk score
// with exactly the same numbers.
import type { LinearModel } from './learners.ts';
import type { SparseVec } from './sparse.ts';

export interface CompactLinear {
  /** Number of classes. */
  K: number;
  /** Feature range [lo, hi) the member reads. */
  lo: number;
  hi: number;
  /** colPtr[j − lo] … colPtr[j − lo + 1] index rows/vals of feature j. Length hi − lo + 1. */
  colPtr: Int32Array;
  /** Class of each stored weight. */
  rows: Uint16Array;
  vals: Float32Array;
  /** Intercept per class (float32-rounded). */
  bias: Float32Array;
}

/** Turn dense per-class rows (dim + 1 each, intercept last) into the compact form. */
export function compactLinear(m: LinearModel, range: [number, number], pruneRel = 1e-3): CompactLinear {
  const K = m.W.length;
  const [lo, hi] = range;
  const width = hi - lo;
  const mean = new Float64Array(width);
  if (K > 1)
    for (let c = 0; c < K; c++) {
      const w = m.W[c];
      for (let j = lo; j < hi; j++) mean[j - lo] += w[j] / K;
    }
  let max = 0;
  for (let c = 0; c < K; c++) {
    const w = m.W[c];
    for (let j = lo; j < hi; j++) {
      const r = Math.abs(w[j] - mean[j - lo]);
      if (r > max) max = r;
    }
  }
  const tau = max * pruneRel;
  const colPtr = new Int32Array(width + 1);
  let nnz = 0;
  for (let j = lo; j < hi; j++) {
    for (let c = 0; c < K; c++) if (Math.abs(m.W[c][j] - mean[j - lo]) > tau) nnz++;
    colPtr[j - lo + 1] = nnz;
  }
  const rows = new Uint16Array(nnz);
  const vals = new Float32Array(nnz);
  let p = 0;
  for (let j = lo; j < hi; j++)
    for (let c = 0; c < K; c++) {
      const r = m.W[c][j] - mean[j - lo];
      if (Math.abs(r) > tau) {
        rows[p] = c;
        vals[p] = r;
        p++;
      }
    }
  const bias = Float32Array.from(m.W, (w) => w[m.dim]);
  return { K, lo, hi, colPtr, rows, vals, bias };
}

/** Class scores of a feature vector. */
export function compactScores(m: CompactLinear, x: SparseVec): Float64Array {
  const s = Float64Array.from(m.bias);
  const { idx, val } = x;
  const { colPtr, rows, vals, lo, hi } = m;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    if (j < lo || j >= hi) continue;
    const v = val[i];
    const end = colPtr[j - lo + 1];
    for (let p = colPtr[j - lo]; p < end; p++) s[rows[p]] += v * vals[p];
  }
  return s;
}

/** Weight of feature j for class c (0 when pruned or outside the range). */
export function compactWeight(m: CompactLinear, c: number, j: number): number {
  if (j < m.lo || j >= m.hi) return 0;
  for (let p = m.colPtr[j - m.lo]; p < m.colPtr[j - m.lo + 1]; p++) if (m.rows[p] === c) return m.vals[p];
  return 0;
}

/** Bytes the member takes in memory and on disk. */
export function compactBytes(m: CompactLinear): number {
  return m.colPtr.byteLength + m.rows.byteLength + m.vals.byteLength + m.bias.byteLength;
}

// Sparse vectors and the linear learners the embedded classifier and the baseline share.
// Everything is deterministic: any shuffling uses the seeded generator below.

/** A sparse vector: feature indices (ascending) and values. */
export interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

export function sparseFromMap(m: Map<number, number>): SparseVec {
  const keys = [...m.keys()].sort((a, b) => a - b);
  const idx = new Int32Array(keys.length);
  const val = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    idx[i] = k;
    val[i] = m.get(k)!;
  });
  return { idx, val };
}

export function sqNorm(x: SparseVec): number {
  let s = 0;
  for (let i = 0; i < x.val.length; i++) s += x.val[i] * x.val[i];
  return s;
}

export function l2normalise(x: SparseVec): SparseVec {
  const n = Math.sqrt(sqNorm(x));
  if (n > 0) for (let i = 0; i < x.val.length; i++) x.val[i] /= n;
  return x;
}

/** Dot product of a sparse vector with a dense weight row starting at `off`. */
export function dotDense(x: SparseVec, w: Float64Array, off = 0): number {
  let s = 0;
  const { idx, val } = x;
  for (let i = 0; i < idx.length; i++) s += val[i] * w[off + idx[i]];
  return s;
}

/** Concatenate blocks of features: block b's indices are shifted by offsets[b], values scaled by scale[b]. */
export function concatSparse(blocks: SparseVec[], offsets: number[], scale: number[]): SparseVec {
  let len = 0;
  for (const b of blocks) len += b.idx.length;
  const idx = new Int32Array(len);
  const val = new Float64Array(len);
  let p = 0;
  blocks.forEach((b, j) => {
    for (let i = 0; i < b.idx.length; i++) {
      idx[p] = b.idx[i] + offsets[j];
      val[p] = b.val[i] * scale[j];
      p++;
    }
  });
  return { idx, val };
}

/** Mulberry32: a small, fast, seeded PRNG (deterministic runs). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(a: T[] | Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

export interface BinarySvmOptions {
  /** Misclassification cost (C). */
  C?: number;
  /** Per-example cost multipliers (class weights), default 1. */
  costPos?: number;
  costNeg?: number;
  /** Stopping tolerance on the projected-gradient spread. */
  tol?: number;
  maxIter?: number;
  seed?: number;
  /** Value of the constant feature appended for the (regularised) intercept, liblinear style. */
  bias?: number;
  /** Per-example cost multipliers (e.g. 0.3 for crosswalked, down-weighted examples), default 1. */
  weights?: Float64Array;
}

/**
 * L2-regularised squared-hinge linear SVM, trained in the dual by coordinate descent
 * (Hsieh et al., 2008; the method behind liblinear's default solver). y ∈ {+1, −1}.
 * Returns weights of length dim + 1 (the last entry is the intercept weight).
 */
export function trainBinarySvm(
  X: SparseVec[],
  y: Int8Array,
  dim: number,
  opts: BinarySvmOptions = {},
  sq?: Float64Array,
): Float64Array {
  const C = opts.C ?? 1;
  const tol = opts.tol ?? 1e-3;
  const maxIter = opts.maxIter ?? 1000;
  const bias = opts.bias ?? 1;
  const n = X.length;
  const w = new Float64Array(dim + 1);
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = C * (y[i] > 0 ? (opts.costPos ?? 1) : (opts.costNeg ?? 1)) * (opts.weights ? opts.weights[i] : 1);
    diag[i] = 0.5 / c;
    qd[i] = (sq ? sq[i] : sqNorm(X[i])) + bias * bias + diag[i];
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = rng(opts.seed ?? 1);
  for (let iter = 0; iter < maxIter; iter++) {
    shuffleInPlace(order, rand);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < n; s++) {
      const i = order[s];
      const xi = X[i];
      const yi = y[i];
      const g = yi * (dotDense(xi, w) + w[dim] * bias) - 1 + diag[i] * alpha[i];
      const pg = alpha[i] === 0 ? Math.min(g, 0) : g;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (pg !== 0) {
        const old = alpha[i];
        alpha[i] = Math.max(old - g / qd[i], 0);
        const d = (alpha[i] - old) * yi;
        if (d !== 0) {
          const { idx, val } = xi;
          for (let k = 0; k < idx.length; k++) w[idx[k]] += d * val[k];
          w[dim] += d * bias;
        }
      }
    }
    if (pgMax - pgMin <= tol) break;
  }
  return w;
}

/** One-vs-rest linear SVM scores: rows = classes, each a weight vector (dim + 1, intercept last). */
export function trainOvrSvm(
  X: SparseVec[],
  yIdx: Int32Array,
  nClasses: number,
  dim: number,
  opts: BinarySvmOptions & { classWeight?: Float64Array } = {},
): Float64Array[] {
  const sq = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) sq[i] = sqNorm(X[i]);
  const out: Float64Array[] = [];
  for (let c = 0; c < nClasses; c++) {
    const y = new Int8Array(X.length);
    for (let i = 0; i < X.length; i++) y[i] = yIdx[i] === c ? 1 : -1;
    out.push(
      trainBinarySvm(X, y, dim, { ...opts, costPos: opts.classWeight ? opts.classWeight[c] : 1, seed: (opts.seed ?? 1) + c }, sq),
    );
  }
  return out;
}

export function linearScores(x: SparseVec, W: Float64Array[], dim: number, bias = 1): Float64Array {
  const s = new Float64Array(W.length);
  for (let c = 0; c < W.length; c++) s[c] = dotDense(x, W[c]) + W[c][dim] * bias;
  return s;
}

export function argmax(a: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

export function softmaxInPlace(a: Float64Array, temperature = 1): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] / temperature > m) m = a[i] / temperature;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.exp(a[i] / temperature - m);
    s += a[i];
  }
  for (let i = 0; i < a.length; i++) a[i] /= s;
  return a;
}

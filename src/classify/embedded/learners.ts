// The two probabilistic learners of the embedded ensemble (the SVM lives in sparse.ts):
// multinomial logistic regression trained with L-BFGS, and complement naive Bayes.
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

export interface LogRegOptions {
  /** Inverse regularisation strength (loss is C·Σ w_i·CE_i + ½‖W‖², intercepts unpenalised). */
  C: number;
  /** Per-class sample weights. */
  classWeight?: Float64Array;
  maxIter?: number;
  tol?: number;
}

/** Multinomial logistic regression by L-BFGS (two-loop recursion, backtracking line search). */
export function trainLogReg(X: SparseVec[], y: Int32Array, K: number, dim: number, opts: LogRegOptions): LinearModel {
  const D1 = dim + 1;
  const P = K * D1;
  const n = X.length;
  const sw = Float64Array.from(y, (c) => (opts.classWeight ? opts.classWeight[c] : 1));
  const C = opts.C;
  const s = new Float64Array(K);

  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const { idx, val } = X[i];
      let m = -Infinity;
      for (let c = 0; c < K; c++) {
        const off = c * D1;
        let v = theta[off + dim];
        for (let k = 0; k < idx.length; k++) v += val[k] * theta[off + idx[k]];
        s[c] = v;
        if (v > m) m = v;
      }
      let z = 0;
      for (let c = 0; c < K; c++) z += Math.exp(s[c] - m);
      const lse = m + Math.log(z);
      const wi = sw[i] * C;
      loss += wi * (lse - s[y[i]]);
      for (let c = 0; c < K; c++) {
        const g = wi * (Math.exp(s[c] - lse) - (c === y[i] ? 1 : 0));
        if (g === 0) continue;
        const off = c * D1;
        for (let k = 0; k < idx.length; k++) grad[off + idx[k]] += g * val[k];
        grad[off + dim] += g;
      }
    }
    for (let c = 0; c < K; c++) {
      const off = c * D1;
      for (let j = 0; j < dim; j++) {
        const t = theta[off + j];
        if (t !== 0) {
          loss += 0.5 * t * t;
          grad[off + j] += t;
        }
      }
    }
    return loss;
  };

  const theta = lbfgs(evaluate, new Float64Array(P), opts.maxIter ?? 200, opts.tol ?? 1e-5);
  const W: Float64Array[] = [];
  for (let c = 0; c < K; c++) W.push(theta.slice(c * D1, (c + 1) * D1));
  return { W, dim };
}

/** Minimise a smooth function with L-BFGS (memory 10). Deterministic. */
export function lbfgs(
  f: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  maxIter: number,
  tol: number,
): Float64Array {
  const P = x0.length;
  const M = 10;
  let x = x0;
  let g = new Float64Array(P);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(P);
  const alpha = new Array<number>(M);
  const dot = (a: Float64Array, b: Float64Array) => {
    let t = 0;
    for (let i = 0; i < P; i++) t += a[i] * b[i];
    return t;
  };
  for (let it = 0; it < maxIter; it++) {
    // direction d = −H·g
    for (let i = 0; i < P; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      const yk = Y[k];
      for (let i = 0; i < P; i++) d[i] -= alpha[k] * yk[i];
    }
    if (S.length) {
      const k = S.length - 1;
      const gamma = dot(S[k], Y[k]) / dot(Y[k], Y[k]);
      for (let i = 0; i < P; i++) d[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      const sk = S[k];
      for (let i = 0; i < P; i++) d[i] += (alpha[k] - beta) * sk[i];
    }
    let gd = dot(g, d);
    if (gd >= 0) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < P; i++) d[i] = -g[i];
      gd = dot(g, d);
    }
    let step = it === 0 && S.length === 0 ? 1 / Math.max(1, Math.sqrt(dot(g, g))) : 1;
    const xn = new Float64Array(P);
    const gn = new Float64Array(P);
    let fn = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < P; i++) xn[i] = x[i] + step * d[i];
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * step * gd) break;
      step *= 0.5;
    }
    if (!(fn <= fx)) break;
    const sNew = new Float64Array(P);
    const yNew = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      sNew[i] = xn[i] - x[i];
      yNew[i] = gn[i] - g[i];
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      S.push(sNew);
      Y.push(yNew);
      rho.push(1 / sy);
      if (S.length > M) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const rel = (fx - fn) / Math.max(Math.abs(fx), Math.abs(fn), 1);
    x = xn;
    g = gn;
    fx = fn;
    if (rel < tol) break;
  }
  return x;
}

/**
 * Complement naive Bayes (Rennie et al., 2003) on non-negative features: a class scores high when
 * the text's terms are rare in the other classes. Returned as a linear model (scores = −x·log θ̄_c).
 */
export function trainComplementNB(X: SparseVec[], y: Int32Array, K: number, dim: number, alpha = 0.3): LinearModel {
  const total = new Float64Array(dim);
  const perClass = Array.from({ length: K }, () => new Float64Array(dim));
  for (let i = 0; i < X.length; i++) {
    const { idx, val } = X[i];
    const pc = perClass[y[i]];
    for (let k = 0; k < idx.length; k++) {
      total[idx[k]] += val[k];
      pc[idx[k]] += val[k];
    }
  }
  const W: Float64Array[] = [];
  for (let c = 0; c < K; c++) {
    const w = new Float64Array(dim + 1);
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += total[j] - perClass[c][j] + alpha;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      w[j] = Math.log((total[j] - perClass[c][j] + alpha) / sum);
      norm += Math.abs(w[j]);
    }
    // weight normalisation, then negate: higher = more typical of class c
    for (let j = 0; j < dim; j++) w[j] = -w[j] / (norm || 1);
    W.push(w);
  }
  return { W, dim };
}

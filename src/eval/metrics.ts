// Agreement metrics between two label sources (e.g. human gold vs a classifier).
// Pure functions over parallel arrays of labels. Undefined statistics (no rows, or a
// denominator of zero such as κ when both sources always use one single class) are NaN,
// which JSON output turns into null.

export type Label = string;

export interface ConfusionMatrix {
  /** Row/column order: every label that occurs in either source, or the order given. */
  labels: Label[];
  /** matrix[i][j] = number of rows with gold labels[i] and predicted labels[j]. */
  matrix: number[][];
  n: number;
}

function checkPair(gold: readonly Label[], pred: readonly Label[]): void {
  if (gold.length !== pred.length)
    throw new Error(`agreement: the two label lists differ in length (${gold.length} vs ${pred.length})`);
}

/**
 * The labels that occur in either list, in a stable order: those named in `order` first (in that
 * order), then the rest sorted naturally ("2" < "10", "1.2" < "1.10"). Labels of `order` that occur
 * in neither list are left out (they would only add empty rows and zero F1 scores).
 */
export function labelOrder(gold: readonly Label[], pred: readonly Label[], order?: readonly Label[]): Label[] {
  const seen = new Set<Label>([...gold, ...pred]);
  const out: Label[] = [];
  if (order) for (const l of order) if (seen.has(l) && !out.includes(l)) out.push(l);
  const rest = [...seen].filter((l) => !out.includes(l)).sort(naturalCompare);
  return [...out, ...rest];
}

/** Natural comparison of codes: runs of digits compare by value. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

export function confusionMatrix(gold: readonly Label[], pred: readonly Label[], order?: readonly Label[]): ConfusionMatrix {
  checkPair(gold, pred);
  const labels = labelOrder(gold, pred, order);
  const idx = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let r = 0; r < gold.length; r++) matrix[idx.get(gold[r])!][idx.get(pred[r])!]++;
  return { labels, matrix, n: gold.length };
}

function marginals(cm: ConfusionMatrix): { rows: number[]; cols: number[] } {
  const k = cm.labels.length;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      rows[i] += cm.matrix[i][j];
      cols[j] += cm.matrix[i][j];
    }
  return { rows, cols };
}

export function accuracy(gold: readonly Label[], pred: readonly Label[]): number {
  checkPair(gold, pred);
  if (gold.length === 0) return NaN;
  let same = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) same++;
  return same / gold.length;
}

/** Cohen's κ = (p_o − p_e) / (1 − p_e), with p_e from the two sources' marginals. */
export function cohenKappa(gold: readonly Label[], pred: readonly Label[]): number {
  return kappaFromMatrix(confusionMatrix(gold, pred));
}

export function kappaFromMatrix(cm: ConfusionMatrix): number {
  const n = cm.n;
  if (n === 0) return NaN;
  const { rows, cols } = marginals(cm);
  let po = 0;
  let pe = 0;
  for (let i = 0; i < cm.labels.length; i++) {
    po += cm.matrix[i][i];
    pe += rows[i] * cols[i];
  }
  po /= n;
  pe /= n * n;
  if (pe === 1) return NaN; // both sources used one and the same class throughout: κ is undefined
  return (po - pe) / (1 - pe);
}

/**
 * Weighted κ for ordered categories: 1 − Σ w·O / Σ w·E, with disagreement weights
 * w_ij = |i−j|/(k−1) (linear) or ((i−j)/(k−1))² (quadratic) over `order`.
 * Every label must appear in `order`.
 */
export function weightedKappa(
  gold: readonly Label[],
  pred: readonly Label[],
  order: readonly Label[],
  weighting: 'quadratic' | 'linear' = 'quadratic',
): number {
  checkPair(gold, pred);
  const pos = new Map(order.map((l, i) => [l, i]));
  for (const l of [...gold, ...pred])
    if (!pos.has(l)) throw new Error(`weighted kappa: label "${l}" is not in the ordinal scale (${order.join(', ')})`);
  const n = gold.length;
  if (n === 0) return NaN;
  const k = order.length;
  if (k < 2) return NaN;
  const obs = order.map(() => order.map(() => 0));
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    const i = pos.get(gold[r])!;
    const j = pos.get(pred[r])!;
    obs[i][j]++;
    rows[i]++;
    cols[j]++;
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const d = Math.abs(i - j) / (k - 1);
      const w = weighting === 'quadratic' ? d * d : d;
      num += w * obs[i][j];
      den += (w * rows[i] * cols[j]) / n;
    }
  if (den === 0) return NaN;
  return 1 - num / den;
}

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

/**
 * Krippendorff's α over reliability data: one array per unit, holding the values the coders gave
 * (null/undefined/'' = missing). Units with fewer than two values are not pairable and are ignored.
 * α = 1 − (n−1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, from the coincidence matrix o.
 * `order` gives the scale for 'ordinal' and 'interval' (interval uses numeric values when every
 * label parses as a number, else the position in `order`).
 */
export function krippendorffAlpha(
  units: readonly (readonly (Label | null | undefined)[])[],
  metric: AlphaMetric = 'nominal',
  order?: readonly Label[],
): number {
  const values = new Set<Label>();
  const clean = units.map((u) => u.filter((v): v is Label => v !== null && v !== undefined && v !== ''));
  for (const u of clean) if (u.length >= 2) u.forEach((v) => values.add(v));
  if (metric !== 'nominal' && !order) throw new Error(`Krippendorff's alpha (${metric}) needs the order of the scale`);
  const labels = metric === 'nominal' ? [...values].sort(naturalCompare) : [...order!];
  const idx = new Map(labels.map((l, i) => [l, i]));
  for (const v of values) if (!idx.has(v)) throw new Error(`Krippendorff's alpha: value "${v}" is not in the scale`);
  const k = labels.length;
  // Coincidence matrix: each unit with m_u values contributes 1/(m_u − 1) per ordered pair of different coders.
  const o = labels.map(() => new Array<number>(k).fill(0));
  for (const u of clean) {
    const m = u.length;
    if (m < 2) continue;
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) if (a !== b) o[idx.get(u[a])!][idx.get(u[b])!] += 1 / (m - 1);
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (n <= 1) return NaN;
  const numeric = metric === 'interval' && labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  const delta2 = (c: number, kk: number): number => {
    if (c === kk) return 0;
    if (metric === 'nominal') return 1;
    if (metric === 'interval') {
      const d = numeric ? Number(labels[c]) - Number(labels[kk]) : c - kk;
      return d * d;
    }
    // ordinal: (Σ_{g between c and k} n_g − (n_c + n_k)/2)²
    const lo = Math.min(c, kk);
    const hi = Math.max(c, kk);
    let s = 0;
    for (let g = lo; g <= hi; g++) s += nc[g];
    const d = s - (nc[c] + nc[kk]) / 2;
    return d * d;
  };
  let dObs = 0;
  let dExp = 0;
  for (let c = 0; c < k; c++)
    for (let kk = 0; kk < k; kk++) {
      const d2 = delta2(c, kk);
      if (d2 === 0) continue;
      dObs += o[c][kk] * d2;
      dExp += nc[c] * nc[kk] * d2;
    }
  if (dExp === 0) return NaN; // one value throughout: no variation to measure against
  return 1 - ((n - 1) * dObs) / dExp;
}

/** Krippendorff's α for two complete label lists (two coders, every unit coded by both). */
export function alphaPair(
  gold: readonly Label[],
  pred: readonly Label[],
  metric: AlphaMetric = 'nominal',
  order?: readonly Label[],
): number {
  checkPair(gold, pred);
  return krippendorffAlpha(
    gold.map((g, i) => [g, pred[i]]),
    metric,
    order,
  );
}

export interface ClassScore {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose gold label is this class. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
}

/** Precision, recall and F1 per class; a ratio with a zero denominator counts as 0 (as is usual). */
export function perClass(cm: ConfusionMatrix): ClassScore[] {
  const { rows, cols } = marginals(cm);
  return cm.labels.map((label, i) => {
    const tp = cm.matrix[i][i];
    const precision = cols[i] ? tp / cols[i] : 0;
    const recall = rows[i] ? tp / rows[i] : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: rows[i], predicted: cols[i] };
  });
}

/** Unweighted mean of per-class F1 over every label seen in either source. */
export function macroF1(gold: readonly Label[], pred: readonly Label[]): number {
  const cm = confusionMatrix(gold, pred);
  if (cm.n === 0) return NaN;
  const pc = perClass(cm);
  return pc.reduce((s, c) => s + c.f1, 0) / pc.length;
}

export interface AgreementOptions {
  /** The ordered scale, when the categories are ordinal (adds weighted κ and ordinal α). */
  ordinal?: readonly Label[];
  /** Order of rows/columns in the confusion matrix (defaults to natural order of the codes). */
  order?: readonly Label[];
}

export interface Agreement {
  n: number;
  accuracy: number;
  kappa: number;
  macro_f1: number;
  alpha: number;
  weighted_kappa?: number;
  linear_weighted_kappa?: number;
  alpha_ordinal?: number;
  per_class: ClassScore[];
  confusion: ConfusionMatrix;
}

/** Every agreement statistic for two parallel label lists. */
export function agreement(gold: readonly Label[], pred: readonly Label[], opts: AgreementOptions = {}): Agreement {
  const confusion = confusionMatrix(gold, pred, opts.order ?? opts.ordinal);
  const pc = perClass(confusion);
  const out: Agreement = {
    n: gold.length,
    accuracy: accuracy(gold, pred),
    kappa: kappaFromMatrix(confusion),
    macro_f1: confusion.n ? pc.reduce((s, c) => s + c.f1, 0) / pc.length : NaN,
    alpha: alphaPair(gold, pred, 'nominal'),
    per_class: pc,
    confusion,
  };
  if (opts.ordinal) {
    out.weighted_kappa = weightedKappa(gold, pred, opts.ordinal, 'quadratic');
    out.linear_weighted_kappa = weightedKappa(gold, pred, opts.ordinal, 'linear');
    out.alpha_ordinal = alphaPair(gold, pred, 'ordinal', opts.ordinal);
  }
  return out;
}

/**
 * Agreement at a coarser taxonomy level: both label lists are mapped through `ancestor`
 * (e.g. subdomain "2.1" → domain "2") before scoring. Rows whose label has no ancestor
 * at that level (ancestor returns undefined) are dropped from both lists.
 */
export function agreementAtLevel(
  gold: readonly Label[],
  pred: readonly Label[],
  ancestor: (code: Label) => Label | undefined,
  opts: AgreementOptions = {},
): Agreement {
  checkPair(gold, pred);
  const g: Label[] = [];
  const p: Label[] = [];
  for (let i = 0; i < gold.length; i++) {
    const a = ancestor(gold[i]);
    const b = ancestor(pred[i]);
    if (a === undefined || b === undefined) continue;
    g.push(a);
    p.push(b);
  }
  return agreement(g, p, opts);
}

/** Ancestor by dotted code prefix: ("1.2.3", 1) → "1", ("1.2.3", 2) → "1.2"; undefined when the code is shallower. */
export function dottedAncestor(level: number): (code: Label) => Label | undefined {
  return (code) => {
    const parts = code.split('.');
    return parts.length >= level ? parts.slice(0, level).join('.') : undefined;
  };
}

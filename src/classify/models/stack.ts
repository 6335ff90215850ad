// Stacking for the actor axis: the guidelines decide who carries out a measure partly by the kind of
// measure (a deployment-stage measure is the operator's, a law or a penalty the state's), and the
// other annotated axes say what kind of measure a text is. So the actor model gets small auxiliary
// members, one linear SVM per related axis (lifecycle stage, v2 level 1 and 2, AI RMF function),
// trained on the same examples' labels on those axes and scored on the same features, and a
// combiner on top of its own probabilities:
//
//   logit_k = log p_k + b_k + Σ_d W_kd · z_d        (z: the auxiliary members' probabilities)
//
// W and b are fitted by L2-regularised multinomial logistic regression on held-out rows only: the
// model's own held-out probabilities (its inner cross-validation) and auxiliary probabilities from
// members that did not see the row (three folds grouped by source document). With W = 0 and b = 0
// the combiner gives the model's own probabilities back. Its regularisation and class weighting are
// chosen by the same grouped folds (held-out κ), never on data outside the training set.
import type { Features } from '../embedded/features.ts';
import { compactScores, type CompactLinear } from '../embedded/compact.ts';
import { EmbeddedModel, loadMember, storeMember, type HyperParameters } from '../embedded/model.ts';
import { argmax, softmaxInPlace, type SparseVec } from '../embedded/sparse.ts';
import type { SectionReader, SectionWriter } from './binary.ts';
import { foldsOfGroups, kappaOfClasses } from '../../util/folds.ts';

/** An axis whose labels become an auxiliary member: its codes, cut to `level` parts when given. */
export interface AuxSpec {
  taxonomy: string;
  level?: number;
}

/** The taxonomies that are stacked, and on which axes. */
export const STACK_AXES: Readonly<Record<string, readonly AuxSpec[]>> = {
  actor: [{ taxonomy: 'lifecycle' }, { taxonomy: 'mitigation-v2', level: 1 }, { taxonomy: 'nist-ai-rmf' }, { taxonomy: 'mitigation-v2', level: 2 }],
};

/** The combiner's candidate settings (L2 weight, class balance), chosen by grouped held-out κ. */
export const STACK_GRID = { lambdas: [0.001, 0.01, 0.1], balances: [0, 0.25, 0.5, 0.75] } as const;
const INNER_FOLDS = 3;
const STEPS = 400;
const RATE = 0.5;

/** An auxiliary member: one linear SVM over the stemmed-word block, softmax at temperature T. */
const AUX_HYPER: Partial<HyperParameters> = {
  components: ['svmw'],
  select: false,
  selectPrior: false,
  innerFolds: 0,
  useDescriptions: false,
  pruneRel: 0.02,
};

export const auxKey = (s: AuxSpec): string => (s.level ? `${s.taxonomy}@${s.level}` : s.taxonomy);

/** The code an example's label on the spec's axis stands for (cut to the spec's level), or undefined. */
export function auxCode(spec: AuxSpec, labels: Readonly<Record<string, string>> | undefined): string | undefined {
  const code = labels?.[spec.taxonomy];
  if (!code) return undefined;
  if (!spec.level) return code;
  const parts = code.split('.');
  return parts.length >= spec.level ? parts.slice(0, spec.level).join('.') : undefined;
}

export interface AuxMember {
  key: string;
  classes: string[];
  T: number;
  model: CompactLinear;
}

export interface Stack {
  aux: AuxMember[];
  /** Classes of the stacked model (its own order) and the auxiliary inputs. */
  K: number;
  D: number;
  /** K × D, row by row. */
  W: Float64Array;
  b: Float64Array;
  /**
   * Learned member weighting (optional): one weight per member of the model, on that member's own
   * log-probabilities (logit_k += Σ_m a_m · log p_mk); absent = the members' average only.
   */
  a?: Float64Array;
  lambda: number;
  balance: number;
  /** Held-out κ of the combiner at the chosen setting (grouped folds of the training set). */
  heldKappa: number;
}

/** One training row of the stacked model: its text, vector, source document and labels on the other axes. */
export interface StackRow {
  text: string;
  x: SparseVec;
  group?: string;
  aux?: Readonly<Record<string, string>>;
}

/** Rows into k folds by source document (src/util/folds.ts); a row without a document is a group of its own. */
export function groupedFolds(groups: (string | undefined)[], k: number = INNER_FOLDS): number[] {
  const keys = groups.map((g, i) => g ?? `\u0000row${i}`);
  const fold = foldsOfGroups(keys, k);
  return keys.map((g) => fold.get(g)!);
}

function trainAux(spec: AuxSpec, rows: StackRow[], features: Features): AuxMember | undefined {
  const ex = rows.flatMap((r) => {
    const code = auxCode(spec, r.aux);
    return code ? [{ text: r.text, code }] : [];
  });
  if (new Set(ex.map((e) => e.code)).size < 2) return undefined;
  const m = EmbeddedModel.train(ex, { hyper: AUX_HYPER, features, created: '1970-01-01T00:00:00.000Z' });
  const c = m.components[0]!;
  return { key: auxKey(spec), classes: m.classes.map((k) => k.code), T: c.T, model: c.model };
}

/** The auxiliary probabilities of a vector, laid out in `layout` order (a class a member lacks is 0). */
function auxInputs(members: (AuxMember | undefined)[], layout: string[][], x: SparseVec): Float64Array {
  const z = new Float64Array(layout.reduce((s, l) => s + l.length, 0));
  let at = 0;
  members.forEach((m, j) => {
    if (m) {
      const p = softmaxInPlace(compactScores(m.model, x), m.T);
      m.classes.forEach((c, i) => {
        const d = layout[j]!.indexOf(c);
        if (d >= 0) z[at + d] = p[i]!;
      });
    }
    at += layout[j]!.length;
  });
  return z;
}

/** Held-out auxiliary inputs of every row (members trained without the row's fold), and the members on all rows. */
function auxTraining(specs: readonly AuxSpec[], rows: StackRow[], features: Features, fold: number[]): { members: AuxMember[]; z: Float64Array[] } {
  const full = specs.map((s) => trainAux(s, rows, features));
  const layout = full.map((m) => m?.classes ?? []);
  const z: Float64Array[] = new Array(rows.length);
  for (let f = 0; f < INNER_FOLDS; f++) {
    const inner = specs.map((s) => trainAux(s, rows.filter((_, i) => fold[i] !== f), features));
    rows.forEach((r, i) => {
      if (fold[i] === f) z[i] = auxInputs(inner, layout, r.x);
    });
  }
  const members = full.flatMap((m, j) => (m ? [{ ...m, classes: layout[j]! }] : []));
  return { members, z };
}

/**
 * W and b of the combiner (and `a`, the member weights, when `mem` gives each row its members'
 * log-probabilities, M × K flat): proximal gradient descent on weighted cross-entropy +
 * λ/2·(‖W‖² + ‖b‖² + ‖a‖²), from zero.
 */
export function fitCombiner(
  lp: Float64Array[],
  z: Float64Array[],
  y: ArrayLike<number>,
  K: number,
  lambda: number,
  balance: number,
  mem?: Float64Array[],
): { W: Float64Array; b: Float64Array; a?: Float64Array } {
  const n = y.length;
  const D = n ? z[0]!.length : 0;
  const M = mem && n ? mem[0]!.length / K : 0;
  const W = new Float64Array(K * D);
  const b = new Float64Array(K);
  const a = new Float64Array(M);
  const cnt = new Float64Array(K);
  for (let i = 0; i < n; i++) cnt[y[i]!]!++;
  const w = Float64Array.from({ length: n }, (_, i) => Math.pow(n / (K * cnt[y[i]!]!), balance));
  const wsum = w.reduce((s, v) => s + v, 0);
  const gW = new Float64Array(K * D);
  const gb = new Float64Array(K);
  const ga = new Float64Array(M);
  const s = new Float64Array(K);
  for (let step = 0; step < STEPS && n; step++) {
    gW.fill(0);
    gb.fill(0);
    ga.fill(0);
    for (let i = 0; i < n; i++) {
      logits(lp[i]!, z[i]!, W, b, K, D, s, M ? a : undefined, mem?.[i]);
      softmaxInPlace(s);
      for (let k = 0; k < K; k++) {
        const g = (w[i]! * (s[k]! - (k === y[i] ? 1 : 0))) / wsum;
        gb[k]! += g;
        for (let d = 0; d < D; d++) gW[k * D + d]! += g * z[i]![d]!;
        for (let m = 0; m < M; m++) ga[m]! += g * mem![i]![m * K + k]!;
      }
    }
    // a gradient step on the loss, then the penalty's proximal step (stable for any λ)
    const shrink = 1 / (1 + RATE * lambda);
    for (let k = 0; k < K; k++) b[k] = (b[k]! - RATE * gb[k]!) * shrink;
    for (let j = 0; j < K * D; j++) W[j] = (W[j]! - RATE * gW[j]!) * shrink;
    for (let m = 0; m < M; m++) a[m] = (a[m]! - RATE * ga[m]!) * shrink;
  }
  return M ? { W, b, a } : { W, b };
}

/** log p + b + W z (+ Σ_m a_m · log p_m) into `out`. */
function logits(lp: Float64Array, z: Float64Array, W: Float64Array, b: Float64Array, K: number, D: number, out: Float64Array, a?: Float64Array, mem?: Float64Array): Float64Array {
  for (let k = 0; k < K; k++) {
    let v = lp[k]! + b[k]!;
    for (let d = 0; d < D; d++) v += W[k * D + d]! * z[d]!;
    if (a && mem) for (let m = 0; m < a.length; m++) v += a[m]! * mem[m * K + k]!;
    out[k] = v;
  }
  return out;
}

/** Members' probabilities (one array per member, K each) as the combiner reads them: log-probabilities, M × K flat. */
export function memberLogs(members: readonly ArrayLike<number>[]): Float64Array {
  const K = members[0]?.length ?? 0;
  const out = new Float64Array(members.length * K);
  members.forEach((p, m) => {
    for (let k = 0; k < K; k++) out[m * K + k] = Math.log(Math.max(p[k]!, 1e-6));
  });
  return out;
}

const logOf = (p: ArrayLike<number>) => Float64Array.from(p, (v) => Math.log(Math.max(v, 1e-6)));

/** κ of the combiner's held-out decisions; an undefined κ (chance agreement 1) counts as 0. */
function kappa(gold: ArrayLike<number>, pred: ArrayLike<number>, K: number): number {
  const k = kappaOfClasses(gold, pred, K);
  return Number.isNaN(k) ? 0 : k;
}

/** Held-out combined probabilities of every row at one setting (combiners fitted on the other folds). */
function heldOutCombined(lp: Float64Array[], z: Float64Array[], y: Int32Array, fold: number[], K: number, lambda: number, balance: number, mem?: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = new Array(y.length);
  const D = z[0]?.length ?? 0;
  for (let f = 0; f < INNER_FOLDS; f++) {
    const tr = [...y.keys()].filter((i) => fold[i] !== f);
    if (!tr.length) continue;
    const c = fitCombiner(tr.map((i) => lp[i]!), tr.map((i) => z[i]!), Int32Array.from(tr, (i) => y[i]!), K, lambda, balance, mem && tr.map((i) => mem[i]!));
    for (let i = 0; i < y.length; i++) if (fold[i] === f) out[i] = softmaxInPlace(logits(lp[i]!, z[i]!, c.W, c.b, K, D, new Float64Array(K), c.a, mem?.[i]));
  }
  for (let i = 0; i < y.length; i++) out[i] ??= softmaxInPlace(Float64Array.from(lp[i]!));
  return out;
}

/** The auxiliary side of a stack: members trained on all rows, held-out inputs of every row, and the rows' inner folds. */
export interface AuxTraining {
  members: AuxMember[];
  z: Float64Array[];
  fold: number[];
}

/** Train the auxiliary members of `specs` on `rows` (undefined when no auxiliary axis has labels to learn from). */
export function trainAuxiliary(specs: readonly AuxSpec[], rows: StackRow[], features: Features): AuxTraining | undefined {
  const fold = groupedFolds(rows.map((r) => r.group));
  const { members, z } = auxTraining(specs, rows, features, fold);
  return members.length ? { members, z, fold } : undefined;
}

/**
 * The combiner of one model over auxiliary inputs already trained: `held` are the model's held-out
 * probabilities (rows: indices into the auxiliary rows, y: class indices). Returns the stack and the
 * held-out combined probabilities at the chosen setting.
 */
export function fitStack(
  aux: AuxTraining,
  held: { probs: Float64Array[]; y: number[]; rows?: number[]; members?: Float64Array[][] },
  K: number,
  opts: { members?: boolean } = {},
): { stack: Stack; heldProbs: Float64Array[]; heldY: number[] } | undefined {
  if (!held.rows || !held.probs.length) return undefined;
  const lp = held.probs.map(logOf);
  // with member weighting: each held-out row's members' own probabilities
  const mem = opts.members && held.members?.length ? held.probs.map((_, i) => memberLogs(held.members!.map((m) => m[i]!))) : undefined;
  const zh = held.rows.map((r) => aux.z[r]!);
  const fh = held.rows.map((r) => aux.fold[r]!);
  const y = Int32Array.from(held.y);
  let best = { k: -Infinity, lambda: 0, balance: 0, probs: [] as Float64Array[] };
  for (const lambda of STACK_GRID.lambdas)
    for (const balance of STACK_GRID.balances) {
      const probs = heldOutCombined(lp, zh, y, fh, K, lambda, balance, mem);
      const k = kappa(y, probs.map(argmax), K);
      if (k > best.k + 1e-12) best = { k, lambda, balance, probs };
    }
  const { W, b, a } = fitCombiner(lp, zh, y, K, best.lambda, best.balance, mem);
  const stack: Stack = { aux: aux.members, K, D: zh[0]!.length, W, b, ...(a ? { a } : {}), lambda: best.lambda, balance: best.balance, heldKappa: best.k };
  return { stack, heldProbs: best.probs, heldY: held.y };
}

/** No auxiliary axis: a stack over the model's own members only (member weighting without auxiliary inputs). */
export function noAuxiliary(rows: StackRow[]): AuxTraining {
  return { members: [], z: rows.map(() => new Float64Array(0)), fold: groupedFolds(rows.map((r) => r.group)) };
}

/**
 * Train the stack of a model: `rows` are its training rows (in order), `held` its held-out
 * probabilities (rows: indices into `rows`, y: class indices). Returns the stack and the held-out
 * combined probabilities at the chosen setting (for the model's confidence thresholds), or undefined
 * when no auxiliary axis has labels to learn from.
 */
export function trainStack(
  specs: readonly AuxSpec[],
  rows: StackRow[],
  features: Features,
  held: { probs: Float64Array[]; y: number[]; rows?: number[] },
  K: number,
): { stack: Stack; heldProbs: Float64Array[]; heldY: number[] } | undefined {
  if (!held.rows || !held.probs.length) return undefined;
  const aux = trainAuxiliary(specs, rows, features);
  return aux ? fitStack(aux, held, K) : undefined;
}

/**
 * The stacked probabilities of a vector, from the model's own probabilities `p` (same class order)
 * and, for a stack with member weights, each member's own probabilities.
 */
export function stackProbabilities(stack: Stack, p: ArrayLike<number>, x: SparseVec, members?: readonly ArrayLike<number>[]): Float64Array {
  const z = auxInputs(stack.aux, stack.aux.map((m) => m.classes), x);
  if (stack.a && members?.length !== stack.a.length) throw new Error(`stacked combiner: ${stack.a.length} member weights but ${members?.length ?? 0} members' probabilities`);
  const mem = stack.a ? memberLogs(members!) : undefined;
  return softmaxInPlace(logits(logOf(p), z, stack.W, stack.b, stack.K, stack.D, new Float64Array(stack.K), stack.a, mem));
}

/** How a stack is described in a model file's header (its arrays are sections of the file). */
export interface StoredStack {
  K: number;
  D: number;
  lambda: number;
  balance: number;
  heldKappa: number;
  W: string;
  b: string;
  a?: string;
  aux: { key: string; classes: string[]; T: number; range: [number, number]; K: number; cols: string; counts: string; rows: string; vals: string; bias: string }[];
}

/** Write a stack's arrays as sections; returns the header entry. */
export function writeStack(w: SectionWriter, s: Stack): StoredStack {
  return {
    K: s.K,
    D: s.D,
    lambda: s.lambda,
    balance: s.balance,
    heldKappa: s.heldKappa,
    W: w.add(s.W, 'sw'),
    b: w.add(s.b, 'sb'),
    ...(s.a ? { a: w.add(s.a, 'sa') } : {}),
    aux: s.aux.map((m) => {
      const st = storeMember('svmw', m.T, m.model);
      return { key: m.key, classes: m.classes, T: m.T, range: st.range, K: st.K, cols: w.add(st.cols, 'c'), counts: w.add(st.counts, 'n'), rows: w.add(st.rows, 'r'), vals: w.add(st.vals, 'w'), bias: w.add(st.bias, 'b') };
    }),
  };
}

/** Read a stack back from a model file. */
export function readStack(r: SectionReader, s: StoredStack, source: string): Stack {
  const aux = s.aux.map((a) => ({
    key: a.key,
    classes: a.classes,
    T: a.T,
    model: loadMember(
      { kind: 'svmw', T: a.T, range: a.range, K: a.K, cols: r.get(a.cols, 'i32'), counts: r.get(a.counts, 'u16'), rows: r.get(a.rows, 'u16'), vals: r.get(a.vals, 'f32'), bias: r.get(a.bias, 'f32') },
      source,
    ),
  }));
  const W = Float64Array.from(r.get<Float64Array>(s.W, 'f64'));
  const b = Float64Array.from(r.get<Float64Array>(s.b, 'f64'));
  if (W.length !== s.K * s.D || b.length !== s.K) throw new Error(`${source}: the stacked combiner's weights do not match its size; retrain the model`);
  const a = s.a ? Float64Array.from(r.get<Float64Array>(s.a, 'f64')) : undefined;
  return { aux, K: s.K, D: s.D, W, b, ...(a ? { a } : {}), lambda: s.lambda, balance: s.balance, heldKappa: s.heldKappa };
}

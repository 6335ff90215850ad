// Bootstrap confidence intervals for agreement statistics. Items (rows) are resampled with
// replacement; every statistic of one resample is computed on the same drawn rows, so a difference
// between two classifiers scored on the same rows is a paired difference. Intervals are percentile
// intervals. The generator is seeded: the same data, seed and number of resamples give the same
// interval on every machine.
import { PROTOCOL } from './defaults.ts';
import type { Label } from './metrics.ts';
import { rng } from '../classify/embedded/sparse.ts';
import { kappaOfClasses } from '../util/folds.ts';

export interface Interval {
  /** The statistic on all rows. */
  estimate: number;
  /** Lower and upper bounds of the percentile interval (NaN when no resample gave a value). */
  low: number;
  high: number;
  /** Coverage, e.g. 0.95. */
  level: number;
  resamples: number;
  /** Resamples on which the statistic was undefined (e.g. κ when one class fills the resample); left out. */
  undefined: number;
  seed: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

/** A small seeded generator (mulberry32): uniform floats in [0, 1); the classifier's own. */
export const seededRandom = rng;

/** Quantile q of sorted values, by linear interpolation between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Bootstrap several statistics at once over n rows: `stats(idx)` returns one number per statistic for
 * the rows idx (with repeats). Returns one interval per statistic; `stats(identity)` gives the estimates.
 */
export function bootstrapMany(n: number, stats: (idx: Int32Array) => number[], opts: BootstrapOptions = {}): Interval[] {
  const resamples = opts.resamples ?? PROTOCOL.resamples;
  const seed = opts.seed ?? PROTOCOL.bootstrapSeed;
  const level = opts.level ?? PROTOCOL.level;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const est = stats(all);
  const draws: number[][] = est.map(() => []);
  const undef = est.map(() => 0);
  if (n > 0) {
    const rand = seededRandom(seed);
    const idx = new Int32Array(n);
    for (let b = 0; b < resamples; b++) {
      for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
      const v = stats(idx);
      v.forEach((x, k) => (Number.isFinite(x) ? draws[k]!.push(x) : undef[k]!++));
    }
  }
  const alpha = (1 - level) / 2;
  return est.map((e, k) => {
    const s = draws[k]!.sort((a, b) => a - b);
    return { estimate: e, low: quantile(s, alpha), high: quantile(s, 1 - alpha), level, resamples, undefined: n > 0 ? undef[k]! : resamples, seed };
  });
}

/** Labels as small integers (shared by both lists), for fast counting. */
export function encodeLabels(...lists: (readonly Label[])[]): { codes: Int32Array[]; k: number } {
  const ids = new Map<Label, number>();
  const codes = lists.map((l) =>
    Int32Array.from(l, (x) => {
      let v = ids.get(x);
      if (v === undefined) ids.set(x, (v = ids.size));
      return v;
    }),
  );
  return { codes, k: ids.size };
}

/** Cohen's κ of the rows idx of two encoded label lists (NaN when undefined). */
export function kappaOf(g: Int32Array, p: Int32Array, k: number, idx: Int32Array): number {
  return kappaOfClasses(g, p, k, idx);
}

function check(a: readonly Label[], b: readonly Label[]): void {
  if (a.length !== b.length) throw new Error(`bootstrap: the label lists differ in length (${a.length} vs ${b.length})`);
}

/** Cohen's κ between gold and predicted labels, with its bootstrap interval. */
export function kappaInterval(gold: readonly Label[], pred: readonly Label[], opts: BootstrapOptions = {}): Interval {
  check(gold, pred);
  const { codes, k } = encodeLabels(gold, pred);
  return bootstrapMany(gold.length, (idx) => [kappaOf(codes[0]!, codes[1]!, k, idx)], opts)[0]!;
}

export interface PairedKappa {
  a: Interval;
  b: Interval;
  /** κ(a) − κ(b), resampled on the same rows. */
  difference: Interval;
}

/** κ of two predictions against the same gold, and their difference κ(a) − κ(b), from paired resamples. */
export function pairedKappa(gold: readonly Label[], predA: readonly Label[], predB: readonly Label[], opts: BootstrapOptions = {}): PairedKappa {
  check(gold, predA);
  check(gold, predB);
  const { codes, k } = encodeLabels(gold, predA, predB);
  const [a, b, difference] = bootstrapMany(
    gold.length,
    (idx) => {
      const ka = kappaOf(codes[0]!, codes[1]!, k, idx);
      const kb = kappaOf(codes[0]!, codes[2]!, k, idx);
      return [ka, kb, ka - kb];
    },
    opts,
  );
  return { a: a!, b: b!, difference: difference! };
}

/** "0.612 [0.571, 0.650]" */
export function formatInterval(i: Interval | undefined, digits = 3, signed = false): string {
  if (!i) return '';
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : (signed && x >= 0 ? '+' : '') + x.toFixed(digits));
  return `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]`;
}

/** The interval as a JSON object (NaN → null is left to JSON.stringify). */
export function intervalJson(i: Interval): Record<string, unknown> {
  return { estimate: i.estimate, low: i.low, high: i.high, level: i.level, resamples: i.resamples, undefined: i.undefined, seed: i.seed };
}

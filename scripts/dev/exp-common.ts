// The parts every experiment script of scripts/dev/exp-*.ts shares: the protocol's folds over an
// annotation set, predictions of a cross-validation cached as JSON files, and the report that prints
// κ base → variant with the paired-bootstrap difference (1,000 resamples, seed 2026) per v2 level and
// for the Chinese items; and the warm-speed loop of the --speed modes. Development tools only (not shipped).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assignFolds, crossValidate, truncateCode, type ScoredItem } from '../../src/eval/annotations.ts';
import { documentKey, type AnnotationSet } from '../../src/importers/annotations.ts';
import { pairedKappa } from '../../src/eval/bootstrap.ts';
import type { Learner, Prediction } from '../../src/eval/csv-eval.ts';
import type { TrainingExample } from '../../src/classify/models/hierarchy.ts';

/** The protocol's folds: one per document of the set's mitigation items (pass 1). */
export function protocolFolds(set: AnnotationSet): Map<string, number> {
  return assignFolds(set.items.filter((it) => set.pass1.get(it.id)?.mitigation).map(documentKey));
}

/**
 * The JSON value in `dir/file` when it is there; otherwise `make()`'s, written there. `cpuLine`, when
 * given, turns the CPU seconds `make` took into a line for stderr.
 */
export async function cachedJson<T>(dir: string, file: string, make: () => T | Promise<T>, cpuLine?: (seconds: number) => string): Promise<T> {
  const path = join(dir, file);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as T;
  const t0 = process.cpuUsage();
  const value = await make();
  if (cpuLine) {
    const cpu = process.cpuUsage(t0);
    process.stderr.write(`${cpuLine((cpu.user + cpu.system) / 1e6)}\n`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, JSON.stringify(value));
  return value;
}

export interface PredictionCache {
  /** Where `<axis>-<name>.json` files live. */
  dir: string;
  /** The fold of each item's group. */
  folds: Map<string, number>;
  /** The stderr line for the CPU time of a run (default "<name>: 12.3 s CPU"); null: no line. */
  cpuLine?: ((name: string, seconds: number) => string) | null;
}

export const cpuSeconds = (name: string, seconds: number): string => `${name}: ${seconds.toFixed(1)} s CPU`;

/** The cross-validated predictions of one learner on the items, cached as `<axis>-<name>.json`. */
export function cachedPredictions(cache: PredictionCache, axis: string, name: string, items: ScoredItem[], learner: () => Learner): Promise<Prediction[]> {
  const line = cache.cpuLine === undefined ? cpuSeconds : cache.cpuLine;
  return cachedJson(
    cache.dir,
    `${axis}-${name}.json`,
    async () => {
      const [p] = await crossValidate(items, (it) => cache.folds.get(it.group)!, [learner()], (i) => process.stderr.write(`${name}: fold ${i.fold}\n`));
      return p!;
    },
    line ? (s) => line(name, s) : undefined,
  );
}

// ------------------------------------------------------------------ reporting

/** A difference with its sign (a true minus sign for negatives), three decimals. */
export const signed = (x: number): string => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(3);

export interface Show {
  /** Words before the base's and the variant's κ ("without", "with"). */
  names?: [string, string];
  /** The variant's own 95% interval after its κ. */
  interval?: boolean;
  /** The paired difference and its interval (default true). */
  difference?: boolean;
}

/** "n N: κ(base) → κ(variant) ±d [low, high]", the paired bootstrap of κ(variant) − κ(base). */
export function compareKappa(gold: string[], variant: string[], base: string[], show: Show = {}): string {
  const pk = pairedKappa(gold, variant, base, { resamples: 1000, seed: 2026 });
  const d = pk.difference;
  const [nb, na] = show.names ? show.names.map((s) => `${s} `) : ['', ''];
  let out = `n ${gold.length}: ${nb}${pk.b.estimate.toFixed(3)} → ${na}${pk.a.estimate.toFixed(3)}`;
  if (show.interval) out += ` [${pk.a.low.toFixed(3)}, ${pk.a.high.toFixed(3)}]`;
  if (show.difference ?? true) out += ` ${signed(d.estimate)} [${signed(d.low)}, ${signed(d.high)}]`;
  return out;
}

/** Predictions (their labels are compared), or labels already (null where a cache has a hole). */
export type Labels = readonly Prediction[] | readonly string[];
/** The label of item i: predictions are told apart from labels by the array, so a missing prediction still fails. */
function labelsOf(p: Labels): (i: number) => string {
  if (p.some((x) => x !== null && typeof x === 'object')) return (i) => (p as readonly Prediction[])[i]!.label;
  return (i) => (p as readonly string[])[i]!;
}

/** One row over the items `keep` (indices), codes and labels cut by `cut`. */
export function rowOf(items: ScoredItem[], keep: number[], base: Labels, other: Labels, cut: (c: string) => string = (c) => c, show?: Show): string {
  const gold = keep.map((i) => cut(items[i]!.code));
  const [o, b] = [labelsOf(other), labelsOf(base)];
  return compareKappa(gold, keep.map((i) => cut(o(i))), keep.map((i) => cut(b(i))), show);
}

export interface ReportOptions {
  /** The levels reported (default: 1, 2 and the deepest code for v2; the code itself otherwise). */
  levels?: (number | undefined)[];
  /** The words of a level row's name (default " level N"). */
  level?: (level: number) => string;
  /** The words of the deepest row's name (default none). */
  deepest?: string;
  /** Before the axis on every row (e.g. the variant's name). */
  prefix?: string;
  /** What the overall and the Chinese cells show. */
  all?: Show;
  zh?: Show;
  /** Lines after a level's row (e.g. per fold), given the items kept at that level and its cut. */
  after?: (level: number | undefined, keep: number[], cut: (c: string) => string) => string[];
}

/**
 * Per level, "<axis> level N: n …: κ base → variant d [low, high]; zh n …: …", the items whose code
 * reaches the level, codes and labels cut to it.
 */
export function report(axis: string, items: ScoredItem[], base: Labels, other: Labels, o: ReportOptions = {}): string[] {
  const lines: string[] = [];
  const levels = o.levels ?? (axis === 'mitigation-v2' ? [1, 2, undefined] : [undefined]);
  for (const level of levels) {
    const cut = (c: string) => (level ? truncateCode(c, level) : c);
    const keep = items.map((_, i) => i).filter((i) => level === undefined || items[i]!.code.split('.').length >= level);
    const zh = keep.filter((i) => items[i]!.language === 'zh');
    const name = level ? (o.level ? o.level(level) : ` level ${level}`) : (o.deepest ?? '');
    lines.push(`${o.prefix ?? ''}${axis}${name}: ${rowOf(items, keep, base, other, cut, o.all)}; zh ${rowOf(items, zh, base, other, cut, o.zh)}`);
    if (o.after) lines.push(...o.after(level, keep, cut));
  }
  return lines;
}

// ------------------------------------------------------------------ speed

/** The examples `TaxonomyModel.train` takes, from scored items. */
export function trainingExamples(items: readonly ScoredItem[]): TrainingExample[] {
  return items.map((e) => ({ text: e.text, code: e.code, group: e.group, id: e.id, name: e.name, language: e.language, aux: e.aux }));
}

export interface WarmRun {
  m: { decide(text: string): unknown };
  texts: readonly string[];
  /** The least CPU seconds one round of `texts` took (start at Infinity). */
  best: number;
}

/**
 * Warm decision time: each model decides its first 300 texts once, then all its texts in 3 rounds,
 * the models alternated within a round; `best` keeps each model's fastest round. `afterRound` runs
 * after each model's round (e.g. to time loading it).
 */
export function warmBest<R extends WarmRun>(runs: R[], afterRound?: (r: R) => void): void {
  for (const r of runs) for (const t of r.texts.slice(0, 300)) r.m.decide(t);
  for (let round = 0; round < 3; round++)
    for (const r of runs) {
      const t0 = process.cpuUsage();
      for (const t of r.texts) r.m.decide(t);
      const d = process.cpuUsage(t0);
      r.best = Math.min(r.best, (d.user + d.system) / 1e6);
      afterRound?.(r);
    }
}

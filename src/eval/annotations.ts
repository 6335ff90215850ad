// Evaluation on govnav's own annotated set (annotations/): for each axis, five folds grouped by
// source document, train on four and predict the fifth, then score every prediction against the
// first-pass labels. Reported per axis: n, accuracy, Cohen's κ with its bootstrap interval, macro-F1,
// κ per language, the baseline at C = 1 and C = 0.5, the paired κ difference to each baseline, the
// v2 levels 1, 2 and 3, and the agreement between the two annotation passes.
import { createHash } from 'node:crypto';
import { readAnnotationSet, documentKey, normaliseForMatch, type AnnotationSet } from '../importers/annotations.ts';
import { ImportError } from '../importers/types.ts';
import { taxonomies, type Taxonomy, type TaxonomyRegistry } from '../taxonomy/index.ts';
import { kappaInterval, pairedKappa, type BootstrapOptions, type Interval } from './bootstrap.ts';
import type { Learner, Prediction, TrainExample } from './csv-eval.ts';
import { ANNOTATION_AXES, PROTOCOL } from './defaults.ts';
import { baselineLearner, taxonomyModelLearner } from './learners.ts';
import { STACK_AXES } from '../classify/models/stack.ts';
import { withDocContext } from '../classify/embedded/doc-context.ts';
import { sourceDocContext } from '../classify/embedded/doc-sources.ts';
import { agreement, type Agreement } from './metrics.ts';

/** One annotated item as scored on one axis. */
export interface ScoredItem extends TrainExample {
  id: string;
  /** name + body, as the classifiers read a statement. */
  text: string;
  /** The source document (the fold group). */
  group: string;
  language: string;
  /**
   * The item's first-pass labels on the other axes a stacked taxonomy learns from (taxonomy → code,
   * special codes left out; src/classify/models/stack.ts). Read by training only: a held-out item's
   * prediction sees its text, never these.
   */
  aux?: Record<string, string>;
}

/**
 * The fold of each group (source document). Rule: groups in order of size (most items first), ties
 * broken by the SHA-256 of "<seed>:<group>"; each group goes to the fold with the fewest items so far
 * (ties: the lowest fold number). Folds are numbered 1..k. A group is never split.
 */
export function assignFolds(groups: readonly string[], k: number = PROTOCOL.folds, seed: number = PROTOCOL.foldSeed): Map<string, number> {
  if (k < 2) throw new Error(`folds: need at least 2 folds, not ${k}`);
  const size = new Map<string, number>();
  for (const g of groups) size.set(g, (size.get(g) ?? 0) + 1);
  const tie = (g: string) => createHash('sha256').update(`${seed}:${g}`).digest('hex');
  const order = [...size.keys()]
    .map((g) => ({ g, n: size.get(g)!, h: tie(g) }))
    .sort((a, b) => b.n - a.n || (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  const load = new Array<number>(k).fill(0);
  const out = new Map<string, number>();
  for (const { g, n } of order) {
    let f = 0;
    for (let i = 1; i < k; i++) if (load[i]! < load[f]!) f = i;
    out.set(g, f + 1);
    load[f]! += n;
  }
  return out;
}

export const FOLD_RULE =
  'Items are grouped by source document (its title; the same document reached through two datasets is one group). Groups are taken largest first (ties broken by the ' +
  'SHA-256 of "<seed>:<group>") and each goes to the fold holding the fewest items so far (ties: the lowest fold number). ' +
  'A document is never split across folds; the assignment is the same for every axis.';

/** The text a classifier reads: the name, then the text (once, when the text already begins with the name). */
export function itemText(name: string, text: string): string {
  const n = name.trim();
  const t = text.trim();
  if (!n) return t;
  if (!t || t.startsWith(n)) return t || n;
  return `${n} ${t}`;
}

const langOf = (l: string) => l.toLowerCase().split('-')[0]!;

/** The items labelled on one axis in pass 1 (mitigations with a proper, non-special code). */
export function axisItems(set: AnnotationSet, axis: string, tax: Taxonomy): { items: ScoredItem[]; special: number; missing: number; repeats: number } {
  const items: ScoredItem[] = [];
  let special = 0;
  let missing = 0;
  // A text that reached the pool twice (e.g. a NIST action drawn directly and again through the MIT
  // database) is scored once, as its first item: a repeat could otherwise sit in a training fold and
  // a test fold at the same time.
  const seen = new Set<string>();
  let repeats = 0;
  for (const it of set.items) {
    const l = set.pass1.get(it.id);
    if (!l?.mitigation) continue;
    const key = normaliseForMatch(it.text);
    if (key && seen.has(key)) {
      repeats++;
      continue;
    }
    if (key) seen.add(key);
    const lab = l.labels[axis];
    if (!lab) {
      missing++;
      continue;
    }
    // "N.0" (a risk domain named without a subdomain) is scored as the domain N itself.
    const code = axis === 'risk-domain' && /^\d+\.0$/.test(lab.code) && tax.has(lab.code.split('.')[0]!) ? lab.code.split('.')[0]! : lab.code;
    if (tax.node(code).special) {
      special++;
      continue;
    }
    const aux = stackedLabels(set, tax.id, it.id);
    items.push({
      id: it.id,
      // with the marks of its document's kind, as `govnav classify` gives the same statement (doc-context.ts)
      text: withDocContext(itemText(it.name, it.text), sourceDocContext(it.source)),
      name: it.name,
      body: it.text,
      code,
      group: documentKey(it),
      language: langOf(it.language),
      ...(aux ? { aux } : {}),
    });
  }
  return { items, special, missing, repeats };
}

/** An item's pass-1 labels on the axes `axis` is stacked on (none when it is not stacked), special codes left out. */
function stackedLabels(set: AnnotationSet, axis: string, id: string): Record<string, string> | undefined {
  const specs = STACK_AXES[axis];
  const labels = set.pass1.get(id)?.labels;
  if (!specs || !labels) return undefined;
  const shipped = taxonomies();
  const out: Record<string, string> = {};
  for (const { taxonomy } of specs) {
    const code = labels[taxonomy]?.code;
    const t = shipped.has(taxonomy) ? shipped.get(taxonomy) : undefined;
    if (code && t?.has(code) && !t.node(code).special) out[taxonomy] = code;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Axes also scored with codes cut to a coarser level: v2 at levels 1, 2 and 3, the risk subdomain at its domain. */
export const LEVELS: Record<string, number[]> = { 'mitigation-v2': [1, 2, 3], 'risk-domain': [1] };

/** Code truncated to `level` dotted parts; a shallower code stays as it is (and so disagrees with any deeper one). */
export function truncateCode(code: string, level: number): string {
  const parts = code.split('.');
  return parts.length > level ? parts.slice(0, level).join('.') : code;
}

export interface LearnerScore {
  learner: string;
  accuracy: number;
  kappa: Interval;
  macro_f1: number;
  /** Items the learner would abstain on (embedded) or gave no code for (LLM). */
  abstained?: number;
  failed?: number;
}

export interface LevelScore {
  level: number;
  n: number;
  scores: Record<string, Interval>;
  /** κ(main) − κ(baseline) at this level, paired. */
  difference: Record<string, Interval>;
  interAnnotator?: { n: number; kappa: Interval };
}

export interface AxisReport {
  axis: string;
  n: number;
  /** Pass-1 mitigations without a label on this axis, or with a special code ("other", "unable"): not scored. */
  unlabelled: number;
  special: number;
  /** Pass-1 mitigations whose text repeats an earlier item's (case, spacing, punctuation ignored): scored once. */
  repeats: number;
  main: LearnerScore;
  baselines: LearnerScore[];
  /** κ(main) − κ(baseline), paired bootstrap, by baseline name. */
  difference: Record<string, Interval>;
  byLanguage: Record<string, { n: number; kappa: Interval; baselineKappa: Interval; few: boolean }>;
  levels?: LevelScore[];
  interAnnotator: { n: number; accuracy: number; kappa: Interval };
  agreement: Agreement;
  predictions: { id: string; gold: string; predicted: Record<string, string> }[];
}

export interface AnnotationReport {
  dir: string;
  version: string;
  items: number;
  pass1: number;
  pass2: number;
  mitigations: number;
  folds: { fold: number; documents: number; items: number }[];
  foldRule: string;
  settings: { folds: number; foldSeed: number; resamples: number; bootstrapSeed: number; level: number; baselineC: number[] };
  main: string;
  /** Pass 1 vs pass 2 on whether an item is a mitigation at all. */
  mitigationJudgement: { n: number; kappa: Interval; accuracy: number };
  axes: AxisReport[];
}

export interface AnnotationEvalOptions {
  axes?: string[];
  folds?: number;
  foldSeed?: number;
  bootstrap?: BootstrapOptions;
  /** The learner scored (default: the shipped hierarchical TaxonomyModel of src/classify/models). */
  main?: (tax: Taxonomy) => Learner;
  /** Leave out the baselines (tests). */
  baselines?: boolean;
  onFold?: (info: { axis: string; fold: number; total: number; learner: string; train: number; test: number }) => void;
}

/** Read the set and refuse one with broken lines (naming file, line and field). */
export function loadAnnotationSetStrict(dir: string, registry: TaxonomyRegistry): AnnotationSet {
  const set = readAnnotationSet(dir, registry);
  if (set.issues.length)
    throw new ImportError(`${dir}: ${set.issues.length} broken line${set.issues.length === 1 ? '' : 's'} in the annotated set; nothing was scored:`, set.issues);
  return set;
}

function score(name: string, gold: string[], preds: Prediction[], kappa: Interval): LearnerScore {
  const labels = preds.map((p) => p.label);
  const a = agreement(gold, labels);
  const out: LearnerScore = { learner: name, accuracy: a.accuracy, kappa, macro_f1: a.macro_f1 };
  const ab = preds.filter((p) => p.abstained).length;
  if (preds.some((p) => p.abstained !== undefined)) out.abstained = ab;
  const failed = preds.filter((p) => p.failed).length;
  if (failed) out.failed = failed;
  return out;
}

/** Cross-validate learners on items with a fold each; predictions in item order, per learner. */
export async function crossValidate(
  items: ScoredItem[],
  foldOf: (it: ScoredItem) => number,
  learners: Learner[],
  onFold?: (info: { fold: number; total: number; learner: string; train: number; test: number }) => void,
): Promise<Prediction[][]> {
  const preds = learners.map(() => new Array<Prediction>(items.length));
  const folds = [...new Set(items.map(foldOf))].sort((a, b) => a - b);
  if (folds.length < 2) throw new Error('cross-validation needs items from at least two folds (two source documents)');
  for (const f of folds) {
    const testIdx: number[] = [];
    const train: TrainExample[] = [];
    items.forEach((it, i) => (foldOf(it) === f ? testIdx.push(i) : train.push(it)));
    for (const [li, l] of learners.entries()) {
      onFold?.({ fold: f, total: folds.length, learner: l.name, train: train.length, test: testIdx.length });
      const predict = await l.fit(train);
      const test = testIdx.map((i) => items[i]!);
      const out = await predict(
        test.map((t) => t.text),
        test.map(({ id, text, name, body, language }) => ({ id, text, name, body, language })),
      );
      if (out.length !== testIdx.length) throw new Error(`${l.name}: ${out.length} predictions for ${testIdx.length} items`);
      testIdx.forEach((i, k) => (preds[li]![i] = out[k]!));
    }
  }
  return preds;
}

/** Inter-annotator agreement on one axis: items both passes judged mitigations and labelled on the axis. */
export function interAnnotator(set: AnnotationSet, axis: string, level?: number, boot?: BootstrapOptions): { n: number; accuracy: number; kappa: Interval; a: string[]; b: string[] } {
  const a: string[] = [];
  const b: string[] = [];
  for (const [id, l2] of set.pass2) {
    const l1 = set.pass1.get(id);
    const x = l1?.mitigation ? l1.labels[axis]?.code : undefined;
    const y = l2.mitigation ? l2.labels[axis]?.code : undefined;
    if (x === undefined || y === undefined) continue;
    if (level !== undefined) {
      if (x.split('.').length < level) continue;
      a.push(truncateCode(x, level));
      b.push(truncateCode(y, level));
    } else {
      a.push(x);
      b.push(y);
    }
  }
  const ag = agreement(a, b);
  return { n: a.length, accuracy: ag.accuracy, kappa: kappaInterval(a, b, boot), a, b };
}

/** Run the evaluation on an annotated set. */
export async function evaluateAnnotations(dir: string, registry: TaxonomyRegistry, opts: AnnotationEvalOptions = {}): Promise<AnnotationReport> {
  const set = loadAnnotationSetStrict(dir, registry);
  const axes = opts.axes?.length ? opts.axes : [...ANNOTATION_AXES];
  for (const a of axes)
    if (!(ANNOTATION_AXES as readonly string[]).includes(a)) throw new Error(`unknown axis "${a}"; the annotated axes are: ${ANNOTATION_AXES.join(', ')}`);
  const k = opts.folds ?? PROTOCOL.folds;
  const seed = opts.foldSeed ?? PROTOCOL.foldSeed;
  const boot = opts.bootstrap;
  // One fold assignment for the whole set, from every pass-1 mitigation's document.
  const mitigations = set.items.filter((it) => set.pass1.get(it.id)?.mitigation);
  if (!mitigations.length) throw new Error(`${dir}: no pass-1 label says "mitigation": true; nothing to score`);
  const groups = mitigations.map(documentKey);
  const folds = assignFolds(groups, k, seed);
  const foldTable = Array.from({ length: k }, (_, i) => ({ fold: i + 1, documents: 0, items: 0 }));
  for (const [g, f] of folds) {
    foldTable[f - 1]!.documents++;
    foldTable[f - 1]!.items += groups.filter((x) => x === g).length;
  }
  const mainFactory = opts.main ?? ((t: Taxonomy) => taxonomyModelLearner(t));
  // Pass 1 vs pass 2 on "is this a mitigation".
  const mj = { a: [] as string[], b: [] as string[] };
  for (const [id, l2] of set.pass2) {
    const l1 = set.pass1.get(id);
    if (!l1) continue;
    mj.a.push(String(l1.mitigation));
    mj.b.push(String(l2.mitigation));
  }
  const report: AnnotationReport = {
    dir,
    version: set.version,
    items: set.items.length,
    pass1: set.pass1.size,
    pass2: set.pass2.size,
    mitigations: mitigations.length,
    folds: foldTable,
    foldRule: FOLD_RULE,
    settings: {
      folds: k,
      foldSeed: seed,
      resamples: boot?.resamples ?? PROTOCOL.resamples,
      bootstrapSeed: boot?.seed ?? PROTOCOL.bootstrapSeed,
      level: boot?.level ?? PROTOCOL.level,
      baselineC: [PROTOCOL.baselineC, PROTOCOL.baselineAltC],
    },
    main: '',
    mitigationJudgement: { n: mj.a.length, accuracy: agreement(mj.a, mj.b).accuracy, kappa: kappaInterval(mj.a, mj.b, boot) },
    axes: [],
  };
  for (const axis of axes) {
    const tax = registry.get(axis);
    const main = mainFactory(tax);
    report.main = main.name;
    report.axes.push(await scoreAxis(set, axis, tax, main, folds, opts));
  }
  return report;
}

/** One axis: cross-validate the main learner (and the baselines) on the protocol's folds, and score them. */
async function scoreAxis(set: AnnotationSet, axis: string, tax: Taxonomy, main: Learner, folds: Map<string, number>, opts: AnnotationEvalOptions): Promise<AxisReport> {
  const boot = opts.bootstrap;
  const { items, special, missing, repeats } = axisItems(set, axis, tax);
  if (items.length < 2) throw new Error(`axis ${axis}: only ${items.length} scored item(s); nothing to cross-validate`);
  const learners: Learner[] = [main];
  if (opts.baselines !== false) learners.push(baselineLearner(PROTOCOL.baselineC), baselineLearner(PROTOCOL.baselineAltC));
  const preds = await crossValidate(items, (it) => folds.get(it.group)!, learners, (i) => opts.onFold?.({ axis, ...i }));
  const gold = items.map((i) => i.code);
  const labels = preds.map((p) => p.map((x) => x.label));
  const mainKappa = kappaInterval(gold, labels[0]!, boot);
  const baselines: LearnerScore[] = [];
  const difference: Record<string, Interval> = {};
  for (let li = 1; li < learners.length; li++) {
    const pk = pairedKappa(gold, labels[0]!, labels[li]!, boot);
    baselines.push(score(learners[li]!.name, gold, preds[li]!, pk.b));
    difference[learners[li]!.name] = pk.difference;
  }
  const byLanguage: AxisReport['byLanguage'] = {};
  for (const lang of [...new Set(items.map((i) => i.language))].sort()) {
    const idx = items.map((it, i) => (it.language === lang ? i : -1)).filter((i) => i >= 0);
    const g = idx.map((i) => gold[i]!);
    byLanguage[lang] = {
      n: idx.length,
      kappa: kappaInterval(g, idx.map((i) => labels[0]![i]!), boot),
      baselineKappa: labels[1] ? kappaInterval(g, idx.map((i) => labels[1]![i]!), boot) : kappaInterval([], [], boot),
      few: idx.length < PROTOCOL.minItemsPerLanguage,
    };
  }
  const ax: AxisReport = {
    axis,
    n: items.length,
    unlabelled: missing,
    special,
    repeats,
    main: score(main.name, gold, preds[0]!, mainKappa),
    baselines,
    difference,
    byLanguage,
    interAnnotator: (({ n, accuracy, kappa }) => ({ n, accuracy, kappa }))(interAnnotator(set, axis, undefined, boot)),
    agreement: agreement(gold, labels[0]!),
    predictions: items.map((it, i) => ({ id: it.id, gold: it.code, predicted: Object.fromEntries(learners.map((l, li) => [l.name, labels[li]![i]!])) })),
  };
  const levels = LEVELS[axis];
  if (levels) ax.levels = levels.map((level) => scoreLevel(set, axis, level, gold, labels, learners, boot));
  return ax;
}

/** κ of every learner with codes cut to `level` (items whose gold code is shallower left out), and the paired differences. */
function scoreLevel(set: AnnotationSet, axis: string, level: number, gold: string[], labels: string[][], learners: Learner[], boot: BootstrapOptions | undefined): LevelScore {
  const keep = gold.map((g, i) => (g.split('.').length >= level ? i : -1)).filter((i) => i >= 0);
  const g = keep.map((i) => truncateCode(gold[i]!, level));
  const at = (li: number) => keep.map((i) => truncateCode(labels[li]![i]!, level));
  const scores: Record<string, Interval> = { [learners[0]!.name]: kappaInterval(g, at(0), boot) };
  const diff: Record<string, Interval> = {};
  for (let li = 1; li < learners.length; li++) {
    const pk = pairedKappa(g, at(0), at(li), boot);
    scores[learners[li]!.name] = pk.b;
    diff[learners[li]!.name] = pk.difference;
  }
  const ia = interAnnotator(set, axis, level, boot);
  return { level, n: keep.length, scores, difference: diff, interAnnotator: { n: ia.n, kappa: ia.kappa } };
}

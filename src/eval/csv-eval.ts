// Scoring a text classifier against human labels in a CSV file: cross-validated by a folds file
// (grouped, e.g. by source document), or trained on a separate CSV and scored on all of the gold file.
import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { agreement, agreementAtLevel, type Agreement, type AgreementOptions } from './metrics.ts';
import { kappaInterval, pairedKappa, type BootstrapOptions, type Interval } from './bootstrap.ts';

export interface RowFilter {
  column: string;
  pattern: RegExp;
  /** Keep rows that do NOT match. */
  exclude: boolean;
}

/** Parse "COL=REGEX" (keep matching rows) or "COL!=REGEX" (drop matching rows). */
export function parseFilter(spec: string): RowFilter {
  const m = /^([^=!]+)(!?=)(.*)$/.exec(spec);
  if (!m) throw new Error(`bad filter "${spec}": expected COL=REGEX or COL!=REGEX`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(m[3], 'u');
  } catch (e) {
    throw new Error(`bad filter "${spec}": ${(e as Error).message}`);
  }
  return { column: m[1].trim(), pattern, exclude: m[2] === '!=' };
}

export interface GoldSpec {
  gold: string;
  /** Columns joined with a space to form the text. */
  text: string[];
  label: string;
  folds?: string;
  group?: string;
  train?: string;
  filters?: RowFilter[];
  /** Map each raw label to a code (e.g. through a taxonomy); undefined = not a known label, an error. */
  labelMap?: (label: string) => string | undefined;
  /** What the label map checks against, for error messages (e.g. 'taxonomy "nist-ai-rmf"'). */
  labelMapName?: string;
}

export interface LabelledRow {
  text: string;
  label: string;
  group?: string;
  /** 1-based line of the record in its file (header = line 1). */
  line: number;
}

export interface LoadedRows {
  rows: LabelledRow[];
  /** Rows kept by the filters but with an empty label. */
  skipped: number;
  /** Rows removed by the filters. */
  filtered: number;
}

export function readCsv(file: string): { header: string[]; records: Record<string, string>[] } {
  if (!existsSync(file)) throw new Error(`${file}: file not found`);
  let records: Record<string, string>[];
  try {
    records = parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (e) {
    throw new Error(`${file}: not a valid CSV file: ${(e as Error).message}`);
  }
  const header = records.length ? Object.keys(records[0]) : readHeader(file);
  return { header, records };
}

function readHeader(file: string): string[] {
  const first = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const rows = parse(first) as string[][];
  return rows[0] ?? [];
}

function requireColumns(file: string, header: string[], cols: string[], what: string): void {
  for (const c of cols)
    if (!header.includes(c))
      throw new Error(`${file}: no column "${c}" (${what}); the columns are: ${header.join(', ') || '(none)'}`);
}

/** Load labelled rows from a CSV: text columns joined, label trimmed; filters applied first. */
export function loadLabelledRows(
  file: string,
  spec: Pick<GoldSpec, 'text' | 'label' | 'group' | 'filters' | 'labelMap' | 'labelMapName'>,
): LoadedRows {
  const { header, records } = readCsv(file);
  requireColumns(file, header, spec.text, '--text');
  requireColumns(file, header, [spec.label], '--label');
  if (spec.group) requireColumns(file, header, [spec.group], '--group');
  for (const f of spec.filters ?? []) requireColumns(file, header, [f.column], '--filter');
  const rows: LabelledRow[] = [];
  let skipped = 0;
  let filtered = 0;
  records.forEach((r, i) => {
    for (const f of spec.filters ?? []) {
      const hit = f.pattern.test(r[f.column] ?? '');
      if (hit === f.exclude) {
        filtered++;
        return;
      }
    }
    const raw = (r[spec.label] ?? '').trim();
    if (!raw) {
      skipped++;
      return;
    }
    const label = spec.labelMap ? spec.labelMap(raw) : raw;
    if (label === undefined)
      throw new Error(`${file}, line ${i + 2}: label "${raw}" (column "${spec.label}") is not a code of ${spec.labelMapName ?? 'the label set'}`);
    const text = spec.text
      .map((c) => (r[c] ?? '').trim())
      .filter(Boolean)
      .join(' ');
    rows.push({ text, label, group: spec.group ? (r[spec.group] ?? '').trim() : undefined, line: i + 2 });
  });
  return { rows, skipped, filtered };
}

/** Read a folds file: `group column` → fold. */
export function loadFolds(file: string, group: string): Map<string, string> {
  const { header, records } = readCsv(file);
  requireColumns(file, header, [group], '--group');
  requireColumns(file, header, ['fold'], 'fold');
  const out = new Map<string, string>();
  records.forEach((r, i) => {
    const g = (r[group] ?? '').trim();
    const f = (r.fold ?? '').trim();
    if (!g || !f) throw new Error(`${file}, line ${i + 2}: empty ${!g ? `"${group}"` : '"fold"'}`);
    const prev = out.get(g);
    if (prev !== undefined && prev !== f) throw new Error(`${file}, line ${i + 2}: "${g}" is in fold ${prev} and fold ${f}`);
    out.set(g, f);
  });
  return out;
}

export interface Prediction {
  label: string;
  /** Calibrated probability of the predicted label, when the learner has one. */
  confidence?: number;
  /** The learner would abstain (its label is still its best guess, scored as usual). */
  abstained?: boolean;
  /** No usable answer at all (e.g. an LLM request that failed); the label is NO_LABEL. */
  failed?: boolean;
}

/** The label scored for an item on which a learner gave no code (abstained without a guess, or failed). */
export const NO_LABEL = '(none)';

export interface TrainExample {
  text: string;
  code: string;
  group?: string;
  /** What learners that read more than the joined text use (LLM prompts, few-shot examples). */
  id?: string;
  name?: string;
  /** The text without the name (text = name + body when both exist). */
  body?: string;
  language?: string;
}

/** An item to predict: its joined text, and the same details a training example may carry. */
export type TestItem = Omit<TrainExample, 'code' | 'group'>;

export type Predictor = (texts: string[], items?: TestItem[]) => Prediction[] | Promise<Prediction[]>;

/** Something that learns from labelled texts: the embedded classifier, the baseline, or a test double. */
export interface Learner {
  name: string;
  fit(examples: TrainExample[]): Predictor | Promise<Predictor>;
}

export interface LearnerResult {
  learner: string;
  predictions: Prediction[];
  agreement: Agreement;
  /** Share of rows on which the learner did not abstain, and the accuracy on those rows. */
  coverage?: { abstained: number; coverage: number; accuracyCovered: number };
  /** Agreement after mapping codes to a coarser level, when asked. */
  levels?: Record<string, Agreement>;
  /** Cohen's κ with its bootstrap interval (rows resampled). */
  kappaCI?: Interval;
  /** For every learner after the first: κ(first) − κ(this), paired bootstrap on the same rows. */
  difference?: Interval;
  /** κ at each coarser level with its interval, and the paired difference to the first learner there. */
  levelsCI?: Record<string, { kappa: Interval; difference?: Interval }>;
  /** Items with no usable answer (LLM failures). */
  failed?: number;
}

export interface EvalResult {
  gold: string;
  mode: 'folds' | 'train';
  n: number;
  skipped: number;
  filtered: number;
  folds?: { fold: string; train: number; test: number }[];
  rows: LabelledRow[];
  results: LearnerResult[];
}

export interface EvalOptions extends AgreementOptions {
  onFold?: (info: { fold: string; index: number; total: number; learner: string; train: number; test: number }) => void;
  /** Extra levels to score: name → code → ancestor code. */
  levels?: Record<string, (code: string) => string | undefined>;
  /** Bootstrap settings for the intervals (defaults: src/eval/defaults.ts). */
  bootstrap?: BootstrapOptions;
}

/**
 * Bootstrap intervals: κ of every learner, and κ(first) − κ(other) for the others (paired: the
 * same resampled rows), overall and at each extra level.
 */
export function addIntervals(
  gold: readonly string[],
  results: LearnerResult[],
  levels?: Record<string, (code: string) => string | undefined>,
  boot?: BootstrapOptions,
): void {
  const main = results[0];
  if (!main) return;
  const mainPred = main.predictions.map((p) => p.label);
  main.kappaCI = kappaInterval(gold, mainPred, boot);
  for (const r of results.slice(1)) {
    const pk = pairedKappa(gold, mainPred, r.predictions.map((p) => p.label), boot);
    r.kappaCI = pk.b;
    r.difference = pk.difference;
  }
  if (!levels) return;
  for (const [name, anc] of Object.entries(levels)) {
    // Rows where the gold code and every learner's code have an ancestor at this level.
    const keep: number[] = [];
    gold.forEach((g, i) => {
      if (anc(g) !== undefined && results.every((r) => anc(r.predictions[i]!.label) !== undefined)) keep.push(i);
    });
    const g = keep.map((i) => anc(gold[i]!)!);
    const at = (r: LearnerResult) => keep.map((i) => anc(r.predictions[i]!.label)!);
    const m = at(main);
    (main.levelsCI ??= {})[name] = { kappa: kappaInterval(g, m, boot) };
    for (const r of results.slice(1)) {
      const pk = pairedKappa(g, m, at(r), boot);
      (r.levelsCI ??= {})[name] = { kappa: pk.b, difference: pk.difference };
    }
  }
}

type GoldRow = ReturnType<typeof loadLabelledRows>['rows'][number];

/** Cross-validation on the folds file: each fold's rows predicted by learners trained on the other folds. */
async function predictByFolds(spec: GoldSpec, rows: GoldRow[], learners: Learner[], preds: Prediction[][], opts: EvalOptions): Promise<EvalResult['folds']> {
  const folds = loadFolds(spec.folds!, spec.group!);
  const rowFold = rows.map((r) => {
    const f = folds.get(r.group!);
    if (f === undefined) throw new Error(`${spec.gold}, line ${r.line}: ${spec.group} "${r.group}" is not in the folds file ${spec.folds}`);
    return f;
  });
  const foldIds = [...new Set(rowFold)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const foldInfo: NonNullable<EvalResult['folds']> = [];
  for (const [fi, f] of foldIds.entries()) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    rowFold.forEach((x, i) => (x === f ? testIdx : trainIdx).push(i));
    foldInfo.push({ fold: f, train: trainIdx.length, test: testIdx.length });
    if (trainIdx.length === 0) throw new Error(`fold ${f} holds every row: nothing left to train on`);
    const train = trainIdx.map((i) => ({ text: rows[i].text, code: rows[i].label, group: rows[i].group, id: `line ${rows[i].line}` }));
    for (const [li, learner] of learners.entries()) {
      opts.onFold?.({ fold: f, index: fi, total: foldIds.length, learner: learner.name, train: trainIdx.length, test: testIdx.length });
      const predict = await learner.fit(train);
      const out = await predict(
        testIdx.map((i) => rows[i].text),
        testIdx.map((i) => ({ id: `line ${rows[i].line}`, text: rows[i].text })),
      );
      testIdx.forEach((i, k) => (preds[li][i] = out[k]));
    }
  }
  return foldInfo;
}

/** A separate training file: learners trained on it predict every gold row. */
async function predictFromTrainFile(spec: GoldSpec, rows: GoldRow[], learners: Learner[], preds: Prediction[][], opts: EvalOptions): Promise<void> {
  const tr = loadLabelledRows(spec.train!, { ...spec, group: undefined });
  if (tr.rows.length === 0) throw new Error(`${spec.train}: no labelled rows to train on (column "${spec.label}")`);
  const train = tr.rows.map((r) => ({ text: r.text, code: r.label }));
  for (const [li, learner] of learners.entries()) {
    opts.onFold?.({ fold: 'train', index: 0, total: 1, learner: learner.name, train: train.length, test: rows.length });
    const predict = await learner.fit(train);
    const out = await predict(
      rows.map((r) => r.text),
      rows.map((r) => ({ id: `line ${r.line}`, text: r.text })),
    );
    out.forEach((p, i) => (preds[li][i] = p));
  }
}

/** One learner's agreement with the gold, its coverage when it abstains, and its agreement at coarser levels. */
function learnerResult(name: string, goldLabels: string[], preds: Prediction[], opts: EvalOptions): LearnerResult {
  const predicted = preds.map((p) => p.label);
  const res: LearnerResult = { learner: name, predictions: preds, agreement: agreement(goldLabels, predicted, opts) };
  if (preds.some((p) => p.abstained !== undefined)) {
    const covered = preds.map((p, i) => (p.abstained ? -1 : i)).filter((i) => i >= 0);
    const ok = covered.filter((i) => predicted[i] === goldLabels[i]).length;
    res.coverage = {
      abstained: goldLabels.length - covered.length,
      coverage: covered.length / goldLabels.length,
      accuracyCovered: covered.length ? ok / covered.length : NaN,
    };
  }
  if (opts.levels) {
    res.levels = {};
    for (const [level, anc] of Object.entries(opts.levels)) res.levels[level] = agreementAtLevel(goldLabels, predicted, anc);
  }
  const failed = preds.filter((p) => p.failed).length;
  if (failed) res.failed = failed;
  return res;
}

/** Run the evaluation a GoldSpec describes for each learner, on identical folds. */
export async function evaluateCsv(spec: GoldSpec, learners: Learner[], opts: EvalOptions = {}): Promise<EvalResult> {
  if (spec.folds && spec.train) throw new Error('give either --folds or --train, not both');
  if (!spec.folds && !spec.train) throw new Error('give --folds FOLDS.csv --group COL, or --train TRAIN.csv');
  if (spec.folds && !spec.group) throw new Error('--folds needs --group COL (the column that names each row\'s fold key)');
  const gold = loadLabelledRows(spec.gold, spec);
  if (gold.rows.length === 0) throw new Error(`${spec.gold}: no labelled rows to score (column "${spec.label}")`);
  const rows = gold.rows;
  const preds: Prediction[][] = learners.map(() => new Array<Prediction>(rows.length));
  let foldInfo: EvalResult['folds'];

  if (spec.folds) foldInfo = await predictByFolds(spec, rows, learners, preds, opts);
  else await predictFromTrainFile(spec, rows, learners, preds, opts);

  const goldLabels = rows.map((r) => r.label);
  const results: LearnerResult[] = learners.map((l, li) => learnerResult(l.name, goldLabels, preds[li], opts));
  addIntervals(goldLabels, results, opts.levels, opts.bootstrap);
  return {
    gold: spec.gold,
    mode: spec.folds ? 'folds' : 'train',
    n: rows.length,
    skipped: gold.skipped,
    filtered: gold.filtered,
    folds: foldInfo,
    rows,
    results,
  };
}

// Grouped cross-validation of a taxonomy model on its own training set: the examples of one source
// document stay in one fold, a model is trained on the other folds and decides the held-out ones.
// Reported per level (κ of the best guess at that level, against the gold ancestor at that level, on
// the rows whose gold label reaches it), per language, and the share of held-out rows left as a
// suggestion. This is how the defaults in docs/classification.md were chosen; the protocol of record
// for the annotated set is `govnav eval` (docs/evaluation.md).
import { createHash } from 'node:crypto';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { cohenKappa } from '../../eval/metrics.ts';
import type { HyperParameters } from '../embedded/model.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from './hierarchy.ts';

export interface CvLevel {
  level: number;
  n: number;
  kappa: number;
  accuracy: number;
}

export interface CvReport {
  taxonomy: string;
  folds: number;
  n: number;
  levels: CvLevel[];
  byLanguage: Record<string, { n: number; kappaTop: number }>;
  /** Held-out rows whose label would be only a suggestion / no label at all. */
  suggested: number;
  unlabelled: number;
}

/** Fold of a group: a stable hash, so the same documents always land in the same fold. */
export function foldOf(group: string, folds: number): number {
  return createHash('sha256').update(group).digest().readUInt32LE(0) % folds;
}

export function crossValidate(
  examples: TrainingExample[],
  taxonomy: Taxonomy,
  opts: { folds?: number; hyper?: Partial<HyperParameters>; onFold?: (i: number) => void } = {},
): CvReport {
  const k = opts.folds ?? 5;
  const rows = examples.filter((e) => (e.weight ?? 1) >= 1 && taxonomy.has(e.code) && !taxonomy.node(e.code).special);
  const fold = rows.map((e, i) => foldOf(e.group ?? `row${i}`, k));
  const rowIndex = new Map(rows.map((e, i) => [e, i]));
  const tree = taxonomy.data.labelLevels === 'any';
  const gold: string[][] = rows.map((e) => (tree ? [...taxonomy.node(e.code).path, e.code] : [e.code]));
  const pred: (string[] | undefined)[] = new Array(rows.length);
  let suggested = 0;
  let unlabelled = 0;
  for (let f = 0; f < k; f++) {
    opts.onFold?.(f);
    const train = examples.filter((e) => {
      const i = rowIndex.get(e);
      return i === undefined ? foldOf(e.group ?? '', k) !== f : fold[i] !== f;
    });
    const test = rows.map((_, i) => i).filter((i) => fold[i] === f);
    if (!test.length) continue;
    const m = TaxonomyModel.train(train, taxonomy, { hyper: opts.hyper ?? MODEL_HYPER });
    for (const i of test) {
      const d = m.decide(rows[i]!.text);
      pred[i] = d.steps.map((s) => s.code);
      if (d.code === null) unlabelled++;
      else if (d.suggested) suggested++;
    }
  }
  const depth = Math.max(...gold.map((g) => g.length), 1);
  const levels: CvLevel[] = [];
  for (let l = 1; l <= depth; l++) {
    const g: string[] = [];
    const p: string[] = [];
    gold.forEach((path, i) => {
      if (path.length < l || !pred[i]) return;
      g.push(path[l - 1]!);
      p.push(pred[i]![l - 1] ?? '(none)');
    });
    if (!g.length) continue;
    levels.push({ level: l, n: g.length, kappa: cohenKappa(g, p), accuracy: g.filter((x, i) => x === p[i]).length / g.length });
  }
  const byLanguage: CvReport['byLanguage'] = {};
  for (const lang of new Set(rows.map((e) => e.language ?? 'en'))) {
    const idx = rows.map((e, i) => ((e.language ?? 'en') === lang && pred[i] ? i : -1)).filter((i) => i >= 0);
    byLanguage[lang] = { n: idx.length, kappaTop: cohenKappa(idx.map((i) => gold[i]![0]!), idx.map((i) => pred[i]![0] ?? '(none)')) };
  }
  return { taxonomy: taxonomy.id, folds: k, n: rows.length, levels, byLanguage, suggested, unlabelled };
}

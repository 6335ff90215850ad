// Grouped cross-validation of a taxonomy model on its own training set: the examples of one source
// document stay in one fold, a model is trained on the other folds and decides the held-out ones.
// Reported per level (κ of the best guess at that level, against the gold ancestor at that level, on
// the rows whose gold label reaches it), per language, and the share of held-out rows left as a
// suggestion. This is how the defaults in docs/classification.md were chosen; the protocol of record
// for the annotated set is `govnav eval` (docs/evaluation.md).
import type { Taxonomy } from '../../taxonomy/index.ts';
import { cohenKappa } from '../../eval/metrics.ts';
import type { HyperParameters } from '../embedded/model.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from './hierarchy.ts';
import { foldsOfGroups } from '../../util/folds.ts';

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

function textKey(t: string): string {
  return t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '').slice(0, 160);
}

/** Folds of groups (src/util/folds.ts): largest group first into the fold with fewest rows, ties by a stable hash. */
export function assignFolds(groups: string[], k: number): Map<string, number> {
  return foldsOfGroups(groups, k);
}

export function crossValidate(
  examples: TrainingExample[],
  taxonomy: Taxonomy,
  opts: {
    folds?: number;
    hyper?: Partial<HyperParameters>;
    onFold?: (i: number) => void;
    /** Which examples are scored (default: every full-weight one); the others only train. */
    score?: (e: TrainingExample) => boolean;
  } = {},
): CvReport {
  const k = opts.folds ?? 5;
  const rows = examples.filter((e) => (e.weight ?? 1) >= 1 && taxonomy.has(e.code) && !taxonomy.node(e.code).special && (opts.score?.(e) ?? true));
  const folds = assignFolds(rows.map((e, i) => e.group ?? `row${i}`), k);
  const fold = rows.map((e, i) => folds.get(e.group ?? `row${i}`)!);
  const rowIndex = new Map(rows.map((e, i) => [e, i]));
  const tree = taxonomy.data.labelLevels === 'any';
  const gold: string[][] = rows.map((e) => (tree ? [...taxonomy.node(e.code).path, e.code] : [e.code]));
  const pred: (string[] | undefined)[] = new Array(rows.length);
  let suggested = 0;
  let unlabelled = 0;
  for (let f = 0; f < k; f++) {
    opts.onFold?.(f);
    const test = rows.map((_, i) => i).filter((i) => fold[i] === f);
    // the same text held out under another name (another dataset's copy) must not train either
    const held = new Set(test.map((i) => textKey(rows[i]!.text)));
    const train = examples.filter((e) => {
      const i = rowIndex.get(e);
      if (i !== undefined) return fold[i] !== f;
      return !held.has(textKey(e.text));
    });
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

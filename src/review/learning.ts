// The learning curve of the embedded classifier on reviewed labels: how well a model trained on the
// first n reviewed labels (in the order they were reviewed) agrees with the reviewers on labels it
// never saw (a fixed fifth of the statements, chosen by a hash of the statement id), for growing n.
// It answers "is reviewing still making the classifier better?". The model is the shipped
// TaxonomyModel (src/classify/models), trained as `govnav models train` trains it, minus the
// other training sources, so that the curve shows what the reviews alone teach.
import { createHash } from 'node:crypto';
import { TaxonomyModel } from '../classify/models/index.ts';
import { cohenKappa } from '../eval/metrics.ts';
import type { Db } from '../store/db.ts';
import type { Taxonomy } from '../taxonomy/index.ts';
import { noteIgnored } from '../util/errors.ts';
import { queryRows, row, text } from '../store/schema/columns.ts';

export interface ReviewedExample {
  statementId: string;
  code: string;
  text: string;
}

export interface CurvePoint {
  /** Reviewed labels the model was trained on. */
  trained: number;
  /** Held-out reviewed labels it was scored on. */
  heldOut: number;
  /** Cohen's κ against the reviewers (NaN when undefined). */
  kappa: number;
  accuracy: number;
}

/** Current labels of this taxonomy that a person decided (reviewed, corrected, proposed, double coded). */
export async function reviewedExamples(db: Db, taxonomy: string): Promise<ReviewedExample[]> {
  const rows = await queryRows(
    db,
    row({ statement_id: text(), code: text(), text: text() }),
    `SELECT c.statement_id, c.code, coalesce(nullif(s.text, ''), s.name) AS text
     FROM classifications c JOIN statements s ON s.id = c.statement_id
     WHERE c.taxonomy = $1 AND c.is_current AND s.retired_at IS NULL
       AND (c.source = 'human' OR (NOT c.human AND c.review_status = 'accepted'))
     ORDER BY c.reviewed_at NULLS LAST, c.id`,
    [taxonomy],
    'reviewed examples',
  );
  return rows.map((r) => ({ statementId: r.statement_id, code: r.code, text: r.text }));
}

/** The fixed held-out fifth: decided by the statement id alone, so it never moves between runs. */
export function isHeldOut(statementId: string): boolean {
  return createHash('sha256').update(statementId).digest()[0]! % 5 === 0;
}

/** Training sizes: 10, 20, 50, 100, 200, 500 … up to the number available (always included). */
export function curveSizes(available: number, max = 8): number[] {
  const out: number[] = [];
  for (let base = 10; base < available && out.length < max - 1; base *= 10)
    for (const m of [1, 2, 5]) if (base * m < available && out.length < max - 1) out.push(base * m);
  if (available > 0) out.push(available);
  return out;
}

/** Train on growing prefixes of the reviewed labels and score each model on the held-out ones. */
export function learningCurve(t: Taxonomy, examples: readonly ReviewedExample[], opts: { maxTrain?: number } = {}): CurvePoint[] {
  const train = examples.filter((e) => !isHeldOut(e.statementId)).slice(0, opts.maxTrain ?? 3000);
  const test = examples.filter((e) => isHeldOut(e.statementId));
  if (test.length < 2 || train.length < 2) return [];
  const gold = test.map((e) => e.code);
  const out: CurvePoint[] = [];
  for (const n of curveSizes(train.length)) {
    const sample = train.slice(0, n);
    if (new Set(sample.map((e) => e.code)).size < 2) continue; // one code teaches nothing
    let model: TaxonomyModel;
    try {
      model = TaxonomyModel.train(sample.map((e) => ({ text: e.text, code: e.code, id: e.statementId, origin: 'reviewed' })), t);
    } catch (e) {
      noteIgnored(`learning curve: training ${t.id} on ${sample.length} reviewed labels (point skipped)`, e);
      continue; // e.g. every example on a special code
    }
    const pred = test.map((e) => model.decide(e.text).code ?? '(none)');
    const right = pred.filter((p, i) => p === gold[i]).length;
    out.push({ trained: n, heldOut: test.length, kappa: cohenKappa(gold, pred), accuracy: right / test.length });
  }
  return out;
}

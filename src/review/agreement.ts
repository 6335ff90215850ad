// Agreement between double coders: per taxonomy (axis) and per pair of reviewers, Cohen's κ and
// Krippendorff's α (nominal) over the items both coded, with the confusion matrix. The metrics are
// the evaluation module's (src/eval/metrics.ts); this file only gathers the pairs.
import { z } from 'zod';
import { alphaPair, cohenKappa, confusionMatrix, type ConfusionMatrix } from '../eval/metrics.ts';
import type { Db } from '../store/db.ts';
import { queryRows, row, text } from '../store/schema/columns.ts';
import { reviewAssignments } from '../store/schema/tables.ts';

const CodedRow = reviewAssignments.row
  .pick({ id: true, statement_id: true, taxonomy: true })
  .extend(row({ ua: text(), ub: text(), ca: text(), cb: text() }).shape);

export interface CodedPair {
  assignmentId: number;
  statementId: string;
  taxonomy: string;
  /** The two coders in a stable order (by user name) with their codes. */
  coderA: string;
  coderB: string;
  codeA: string;
  codeB: string;
}

export interface PairAgreement {
  taxonomy: string;
  coderA: string;
  coderB: string;
  n: number;
  agreed: number;
  /** NaN when undefined (e.g. both coders always used one code). */
  kappa: number;
  alpha: number;
  matrix: ConfusionMatrix;
}

/** Every double-coded item both coders have coded, optionally of one taxonomy. */
export async function codedPairs(db: Db, taxonomy?: string): Promise<CodedPair[]> {
  const rows = await queryRows(
    db,
    CodedRow,
    `SELECT ra.id, ra.statement_id, ra.taxonomy, a.username AS ua, b.username AS ub, a.code AS ca, b.code AS cb
     FROM review_assignments ra
     JOIN review_codings a ON a.assignment_id = ra.id
     JOIN review_codings b ON b.assignment_id = ra.id AND a.username < b.username
     WHERE ($1::text IS NULL OR ra.taxonomy = $1) ORDER BY ra.taxonomy, ra.id`,
    [taxonomy ?? null],
    'coded pairs',
  );
  return rows.map((r) => ({
    assignmentId: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    coderA: r.ua,
    coderB: r.ub,
    codeA: r.ca,
    codeB: r.cb,
  }));
}

/** Group coded pairs by taxonomy and reviewer pair and measure their agreement. */
export function pairAgreement(pairs: readonly CodedPair[], order?: (taxonomy: string) => string[] | undefined): PairAgreement[] {
  const groups = new Map<string, CodedPair[]>();
  for (const p of pairs) {
    const k = `${p.taxonomy}\u0000${p.coderA}\u0000${p.coderB}`;
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  const out: PairAgreement[] = [];
  for (const g of groups.values()) {
    const a = g.map((p) => p.codeA);
    const b = g.map((p) => p.codeB);
    const first = g[0]!;
    out.push({
      taxonomy: first.taxonomy,
      coderA: first.coderA,
      coderB: first.coderB,
      n: g.length,
      agreed: g.filter((p) => p.codeA === p.codeB).length,
      kappa: cohenKappa(a, b),
      alpha: alphaPair(a, b, 'nominal'),
      matrix: confusionMatrix(a, b, order?.(first.taxonomy)),
    });
  }
  return out.sort((x, y) => x.taxonomy.localeCompare(y.taxonomy) || y.n - x.n);
}

/** How far double coding has come, per taxonomy and state. */
export async function assignmentCounts(db: Db): Promise<{ taxonomy: string; status: string; n: number }[]> {
  return queryRows(
    db,
    z.object({ taxonomy: z.string(), status: z.string(), n: z.number().int() }),
    `SELECT taxonomy, status, count(*)::int AS n FROM review_assignments GROUP BY taxonomy, status ORDER BY taxonomy, status`,
    [],
    'assignment counts',
  );
}

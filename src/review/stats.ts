// Review bookkeeping: per taxonomy and source, what was reviewed and how; machine labels paired with
// the reviewer's verdict; the other labels of a statement.
import { Params } from '../search/query.ts';
import type { ClassificationRow } from '../store/classifications.ts';
import type { Db } from '../store/db.ts';
import { roundConfidence } from './queue.ts';
import { int, nullable, queryRows, row, text } from '../store/schema/columns.ts';
import { classifications } from '../store/schema/tables.ts';

/** The human correction made in the same decision as a rejected machine label (same time and reviewer). */
const CORRECTION_JOIN = `LEFT JOIN LATERAL (
    SELECT h.id, h.code FROM classifications h
    WHERE h.statement_id = m.statement_id AND h.taxonomy = m.taxonomy AND h.source = 'human'
      AND h.review_status = 'corrected' AND h.reviewed_at = m.reviewed_at AND h.reviewer IS NOT DISTINCT FROM m.reviewer
    ORDER BY h.id LIMIT 1) corr ON m.review_status = 'rejected'`;

export interface ReviewStatsRow {
  taxonomy: string;
  source: string;
  /** Machine labels from this source (all, current or not). */
  machine: number;
  /** Current, unreviewed labels on live statements: what the queue holds. */
  pending: number;
  reviewed: number;
  accepted: number;
  corrected: number;
  /** Rejected without a correction. */
  rejected: number;
  /** accepted / reviewed; null when nothing was reviewed. */
  acceptanceRate: number | null;
}

/** Per taxonomy and source: how many machine labels there are, how many were reviewed and how. */
export async function reviewStats(db: Db, opts: { taxonomies?: string[] } = {}): Promise<ReviewStatsRow[]> {
  const params: unknown[] = [];
  let extra = '';
  if (opts.taxonomies?.length) {
    params.push(opts.taxonomies);
    extra = ' AND m.taxonomy = ANY($1::text[])';
  }
  const rows = await queryRows(
    db,
    row({ taxonomy: text(), source: text(), machine: int(), pending: int(), accepted: int(), corrected: int(), rejected: int() }),
    `SELECT m.taxonomy, m.source, count(*)::int AS machine,
       count(*) FILTER (WHERE m.is_current AND m.review_status = 'unreviewed'
         AND s.retired_at IS NULL AND d.retired_at IS NULL)::int AS pending,
       count(*) FILTER (WHERE m.review_status = 'accepted')::int AS accepted,
       count(*) FILTER (WHERE m.review_status = 'rejected' AND corr.id IS NOT NULL)::int AS corrected,
       count(*) FILTER (WHERE m.review_status = 'rejected' AND corr.id IS NULL)::int AS rejected
     FROM classifications m JOIN statements s ON s.id = m.statement_id JOIN documents d ON d.id = s.document_id
     ${CORRECTION_JOIN}
     WHERE NOT m.human${extra}
     GROUP BY m.taxonomy, m.source ORDER BY m.taxonomy, m.source`,
    params,
    'review stats',
  );
  return rows.map((r) => {
    const reviewed = r.accepted + r.corrected + r.rejected;
    return { ...r, reviewed, acceptanceRate: reviewed ? Math.round((r.accepted / reviewed) * 10000) / 10000 : null };
  });
}

export interface ReviewedPair {
  labelId: number;
  statementId: string;
  taxonomy: string;
  source: string;
  model: string | null;
  confidence: number | null;
  /** What the machine said. */
  machineCode: string;
  /** What the reviewer settled on: the same code (accepted), the correction, or null (rejected without one). */
  reviewedCode: string | null;
  outcome: 'accepted' | 'corrected' | 'rejected';
  reviewer: string | null;
  reviewedAt: Date | null;
}

/** Every reviewed machine label paired with the reviewer's verdict: the input for machine-vs-reviewed agreement. */
export async function reviewedPairs(
  db: Db,
  opts: { taxonomies?: string[]; sources?: string[] } = {},
): Promise<ReviewedPair[]> {
  const p = new Params();
  const parts = ['NOT m.human', `m.review_status IN ('accepted', 'rejected')`];
  if (opts.taxonomies?.length) parts.push(`m.taxonomy = ANY(${p.add(opts.taxonomies)}::text[])`);
  if (opts.sources?.length) parts.push(`m.source = ANY(${p.add(opts.sources)}::text[])`);
  const rows = await queryRows(
    db,
    classifications.row
      .pick({ id: true, statement_id: true, taxonomy: true, source: true, model: true, confidence: true, code: true, review_status: true, reviewer: true, reviewed_at: true })
      .extend({ corr_code: nullable(text()).schema }),
    `SELECT m.id, m.statement_id, m.taxonomy, m.source, m.model, m.confidence, m.code, m.review_status,
       corr.code AS corr_code, m.reviewer, m.reviewed_at
     FROM classifications m ${CORRECTION_JOIN}
     WHERE ${parts.join(' AND ')} ORDER BY m.taxonomy, m.id`,
    p.values,
    'reviewed pairs',
  );
  return rows.map((r) => ({
    labelId: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    source: r.source,
    model: r.model,
    confidence: roundConfidence(r.confidence),
    machineCode: r.code,
    reviewedCode: r.review_status === 'accepted' ? r.code : r.corr_code,
    outcome: r.review_status === 'accepted' ? 'accepted' : r.corr_code !== null ? 'corrected' : 'rejected',
    reviewer: r.reviewer,
    reviewedAt: r.reviewed_at,
  }));
}

/** Other labels of the same statement and taxonomy (for context while reviewing), newest first. */
export async function siblingLabels(db: Db, labelId: number): Promise<ClassificationRow[]> {
  return queryRows(
    db,
    classifications.row,
    `SELECT o.* FROM classifications o JOIN classifications l ON l.statement_id = o.statement_id AND l.taxonomy = o.taxonomy
     WHERE l.id = $1 AND o.id <> $1 ORDER BY o.is_current DESC, o.created_at DESC, o.id DESC`,
    [labelId],
    'sibling labels',
  );
}

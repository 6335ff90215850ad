// The review queue of the web page (/review): the machine labels whose review most improves the
// data come first. Three tiers, each an index range scan, joined with UNION ALL:
//   0. contested: a reader's or contributor's proposal is open on the label's statement and taxonomy
//      (oldest proposal first);
//   1. read: the statement is among the MOST_VIEWED most-viewed statements (most viewed first);
//   2. the rest, lowest confidence first (the partial index classifications_queue_idx).
// A label under blind double coding is left out (its coders must not be pre-empted).
import type { Db } from '../store/db.ts';
import { roundConfidence } from './queue.ts';
import { z } from 'zod';
import { bigint, int, queryRow, queryRows, row as row_, text } from '../store/schema/columns.ts';
import { classifications, datasets, documents, statements, statementViews } from '../store/schema/tables.ts';

const IdViews = row_({ id: bigint(), views: bigint() });
const QueueLabel = classifications.row
  .pick({ id: true, statement_id: true, taxonomy: true, code: true, source: true, model: true, reasoning: true, confidence: true })
  .extend(statements.row.pick({ kind: true, name: true, text: true, heading_path: true, ord: true, document_id: true }).shape)
  .extend({ document_title: text().schema, dataset: documents.columns.dataset.schema });

export interface PageQueueFilter {
  taxonomy?: string;
  dataset?: string;
  document?: string;
  source?: string;
  maxConfidence?: number;
  /** Only contested labels (open proposals). */
  disagreement?: boolean;
  limit?: number;
  offset?: number;
}

export interface PageQueueRow {
  labelId: number;
  statementId: string;
  taxonomy: string;
  code: string;
  source: string;
  model: string | null;
  reasoning: string | null;
  confidence: number | null;
  tier: 0 | 1 | 2;
  views: number;
  kind: string;
  name: string;
  text: string;
  headingPath: string[];
  ord: number;
  documentId: string;
  documentTitle: string;
  dataset: string;
}

class P {
  values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const QUEUE_COND = `lab.is_current AND NOT lab.human AND lab.review_status = 'unreviewed'`;
// The EXISTS tests end in OFFSET 0, which keeps each one a per-row index probe: flattened into
// anti-joins, the planner hashes the whole (small) table again for every outer row.
const OPEN_PROPOSAL = `EXISTS (SELECT 1 FROM review_proposals rp WHERE rp.status = 'open'
  AND rp.statement_id = lab.statement_id AND rp.taxonomy = lab.taxonomy OFFSET 0)`;
const viewed = (minViews: number) =>
  `EXISTS (SELECT 1 FROM statement_views sv WHERE sv.statement_id = lab.statement_id AND sv.views >= ${Math.max(1, Math.floor(minViews))} OFFSET 0)`;

/** The most-viewed statements that put their labels in tier 1; beyond them, confidence decides. */
export const MOST_VIEWED = 500;

/** The views of the MOST_VIEWED-th most-viewed statement (at least 1): tier 1's threshold. */
async function viewThreshold(db: Db): Promise<number> {
  const row = await queryRow(
    db,
    statementViews.row.pick({ views: true }),
    `SELECT views FROM statement_views ORDER BY views DESC, statement_id OFFSET ${MOST_VIEWED - 1} LIMIT 1`,
    [],
    'view threshold',
  );
  return Math.max(1, row?.views ?? 1);
}
const BLIND = `NOT EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.statement_id = lab.statement_id
  AND ra.taxonomy = lab.taxonomy AND ra.status IN ('open', 'disputed') OFFSET 0)`;

function filterSql(f: PageQueueFilter, p: P): string {
  // A retired document's statements are retired with it, so the documents table is only joined
  // (as a semi-join) for the dataset filter.
  const parts = [QUEUE_COND, 's.retired_at IS NULL', BLIND];
  if (f.taxonomy) parts.push(`lab.taxonomy = ${p.add(f.taxonomy)}`);
  if (f.source) parts.push(`lab.source = ${p.add(f.source)}`);
  if (f.dataset) parts.push(`s.document_id IN (SELECT id FROM documents WHERE dataset = ${p.add(f.dataset)})`);
  if (f.document) parts.push(`s.document_id = ${p.add(f.document)}`);
  if (f.maxConfidence !== undefined) parts.push(`coalesce(lab.confidence, 0) <= ${p.add(f.maxConfidence)}::real`);
  return parts.join(' AND ');
}

const COLS = `lab.id, lab.statement_id, lab.taxonomy, lab.code, lab.source, lab.model, lab.reasoning, lab.confidence,
  s.kind, s.name, left(s.text, 2000) AS text, s.heading_path, s.ord, s.document_id, d.title AS document_title, d.dataset`;
const FROM = `FROM classifications lab JOIN statements s ON s.id = lab.statement_id JOIN documents d ON d.id = s.document_id`;
const LEAN = `FROM classifications lab JOIN statements s ON s.id = lab.statement_id`;

/**
 * The queue labels of one statement, as a LATERAL subquery the planner keeps as a nested loop
 * (OFFSET 0 stops it from being flattened into a hash join over every label): for drivers that
 * hold few statements (open proposals, viewed statements, one document's statements).
 */
const labsOf = (statementCol: string) => `CROSS JOIN LATERAL (SELECT l.* FROM classifications l
  WHERE l.statement_id = ${statementCol} AND l.is_current AND NOT l.human AND l.review_status = 'unreviewed' OFFSET 0) lab`;

interface Picked {
  id: number;
  tier: 0 | 1 | 2;
  views: number;
}

/**
 * The label ids of one tier, in its order. Each tier is its own small statement: one statement
 * joining the three would cost more to plan (hundreds of join orders) than to run.
 */
async function tierIds(db: Db, f: PageQueueFilter, tier: 0 | 1 | 2, take: number, minViews: number): Promise<Picked[]> {
  const p = new P();
  const where = filterSql(f, p);
  let sql: string;
  if (tier === 0)
    // Oldest open proposal first (one current label per statement and taxonomy: a total order).
    sql = `SELECT lab.id, 0::bigint AS views
      FROM (SELECT statement_id, taxonomy, min(id) AS first FROM review_proposals WHERE status = 'open'
            GROUP BY statement_id, taxonomy ORDER BY first) op
      JOIN statements s ON s.id = op.statement_id ${labsOf('op.statement_id')}
      WHERE lab.taxonomy = op.taxonomy AND ${where} ORDER BY op.first LIMIT ${take}`;
  else if (tier === 1)
    // In the order of statement_views_views_idx, so the scan stops as soon as it has `take` rows.
    sql = `SELECT lab.id, sv.views FROM statement_views sv JOIN statements s ON s.id = sv.statement_id ${labsOf('sv.statement_id')}
      WHERE sv.views >= ${Math.max(1, Math.floor(minViews))} AND ${where} AND NOT ${OPEN_PROPOSAL}
      ORDER BY sv.views DESC, sv.statement_id, lab.id LIMIT ${take}`;
  else
    sql = `SELECT lab.id, 0::bigint AS views ${LEAN} WHERE ${where} AND NOT ${OPEN_PROPOSAL} AND NOT ${viewed(minViews)}
      ORDER BY coalesce(lab.confidence, 0), lab.id LIMIT ${take}`;
  const rows = await queryRows(db, IdViews, sql, p.values, `queue tier ${tier}`);
  return rows.map((r) => ({ id: r.id, tier, views: r.views }));
}

/**
 * One document's queue (a few thousand labels at most): its labels are gathered first through
 * statements_document_idx, then ranked in one go.
 */
async function documentIds(db: Db, f: PageQueueFilter, want: number): Promise<Picked[]> {
  const p = new P();
  const where = filterSql(f, p);
  const rows = await queryRows(
    db,
    IdViews.extend({ tier: z.union([z.literal(0), z.literal(1), z.literal(2)]) }),
    `WITH cand AS MATERIALIZED (SELECT lab.id, lab.statement_id, lab.taxonomy, coalesce(lab.confidence, 0) AS conf
       FROM statements s ${labsOf('s.id')} WHERE ${where}),
     ranked AS (SELECT c.id, c.conf, coalesce(sv.views, 0) AS views,
         CASE WHEN EXISTS (SELECT 1 FROM review_proposals rp WHERE rp.status = 'open' AND rp.statement_id = c.statement_id
           AND rp.taxonomy = c.taxonomy) THEN 0 WHEN coalesce(sv.views, 0) > 0 THEN 1 ELSE 2 END AS tier
       FROM cand c LEFT JOIN statement_views sv ON sv.statement_id = c.statement_id)
     SELECT id, tier, views FROM ranked ${f.disagreement ? 'WHERE tier = 0' : ''}
     ORDER BY tier, views DESC, conf, id LIMIT ${want}`,
    p.values,
    'document queue',
  );
  return rows.map((r) => ({ id: r.id, tier: r.tier, views: r.views }));
}

/** One page of the queue (limit + 1 rows are looked at, to know whether there is a next page). */
export async function pageQueue(db: Db, f: PageQueueFilter = {}): Promise<{ rows: PageQueueRow[]; more: boolean }> {
  const limit = Math.min(200, Math.max(1, Math.floor(f.limit ?? 20)));
  const offset = Math.max(0, Math.floor(f.offset ?? 0));
  const want = offset + limit + 1;
  const picked: Picked[] = [];
  if (f.document) picked.push(...(await documentIds(db, f, want)));
  else {
    let minViews = 1;
    for (const tier of f.disagreement ? ([0] as const) : ([0, 1, 2] as const)) {
      if (tier === 1) minViews = await viewThreshold(db);
      picked.push(...(await tierIds(db, f, tier, want - picked.length, minViews)));
      if (picked.length >= want) break;
    }
  }
  const page = picked.slice(offset, offset + limit);
  if (!page.length) return { rows: [], more: false };
  const rows = await queryRows(db, QueueLabel, `SELECT ${COLS} ${FROM} WHERE lab.id = ANY($1::bigint[])`, [page.map((x) => x.id)], 'queue page');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = page.flatMap((x) => {
    const r = byId.get(x.id);
    return r ? [toRow(r, x)] : [];
  });
  return { rows: out, more: picked.length > offset + limit };
}

function toRow(r: z.infer<typeof QueueLabel>, x: Picked): PageQueueRow {
  return {
    labelId: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    code: r.code,
    source: r.source,
    model: r.model,
    reasoning: r.reasoning,
    confidence: roundConfidence(r.confidence),
    tier: x.tier,
    views: x.views,
    kind: r.kind,
    name: r.name,
    text: r.text,
    headingPath: r.heading_path,
    ord: r.ord,
    documentId: r.document_id,
    documentTitle: r.document_title,
    dataset: r.dataset,
  };
}

/** How many labels the queue holds with this filter, counted up to `cap` (shown as "200+"). */
export async function countQueue(db: Db, f: PageQueueFilter = {}, cap = 200): Promise<{ n: number; capped: boolean }> {
  const p = new P();
  const where = filterSql(f, p);
  // Contested labels are counted from the open proposals (few), never by probing every label.
  const from = f.disagreement
    ? `FROM (SELECT DISTINCT statement_id, taxonomy FROM review_proposals WHERE status = 'open') op
       JOIN statements s ON s.id = op.statement_id ${labsOf('op.statement_id')}`
    : f.document
      ? `FROM statements s ${labsOf('s.id')}`
      : LEAN;
  const row = await queryRow(
    db,
    row_({ n: int() }),
    `SELECT count(*)::int AS n FROM (SELECT 1 ${from} WHERE ${f.disagreement ? 'lab.taxonomy = op.taxonomy AND ' : ''}${where} LIMIT ${cap + 1}) x`,
    p.values,
    'queue count',
  );
  const n = row?.n ?? 0;
  return { n: Math.min(n, cap), capped: n > cap };
}

/** The unreviewed queue labels of one document (per-document bulk review), optionally one taxonomy. */
export async function documentQueueLabelIds(db: Db, documentId: string, taxonomy?: string): Promise<number[]> {
  const p = new P();
  const where = filterSql({ document: documentId, taxonomy }, p);
  const rows = await queryRows(
    db,
    classifications.row.pick({ id: true }),
    `SELECT lab.id FROM statements s ${labsOf('s.id')} WHERE ${where} ORDER BY s.ord, lab.id LIMIT 5000`,
    p.values,
    'document queue labels',
  );
  return rows.map((r) => r.id);
}

/** The datasets and the machine sources present, for the queue's filter form. */
export async function queueFilterChoices(db: Db): Promise<{ datasets: string[] }> {
  const rows = await queryRows(db, datasets.row.pick({ id: true }), 'SELECT id FROM datasets ORDER BY id', [], 'datasets');
  return { datasets: rows.map((r) => r.id) };
}

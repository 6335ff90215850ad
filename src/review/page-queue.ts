// The review queue of the web page (/review): the machine labels whose review most improves the
// data come first. Three tiers, each an index range scan, joined with UNION ALL:
//   0. contested: a reader's or contributor's proposal is open on the label's statement and taxonomy;
//   1. read: the statement has page views (most viewed first, then lowest confidence);
//   2. the rest, lowest confidence first (the partial index classifications_queue_idx).
// A label under blind double coding is left out (its coders must not be pre-empted).
import type { Db } from '../store/db.ts';
import { roundConfidence } from './queue.ts';

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
const OPEN_PROPOSAL = `EXISTS (SELECT 1 FROM review_proposals rp WHERE rp.status = 'open'
  AND rp.statement_id = lab.statement_id AND rp.taxonomy = lab.taxonomy)`;
const VIEWED = `EXISTS (SELECT 1 FROM statement_views sv WHERE sv.statement_id = lab.statement_id AND sv.views > 0)`;
const BLIND = `NOT EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.statement_id = lab.statement_id
  AND ra.taxonomy = lab.taxonomy AND ra.status IN ('open', 'disputed'))`;

function filterSql(f: PageQueueFilter, p: P): string {
  const parts = [QUEUE_COND, 's.retired_at IS NULL', 'd.retired_at IS NULL', BLIND];
  if (f.taxonomy) parts.push(`lab.taxonomy = ${p.add(f.taxonomy)}`);
  if (f.source) parts.push(`lab.source = ${p.add(f.source)}`);
  if (f.dataset) parts.push(`d.dataset = ${p.add(f.dataset)}`);
  if (f.document) parts.push(`s.document_id = ${p.add(f.document)}`);
  if (f.maxConfidence !== undefined) parts.push(`coalesce(lab.confidence, 0) <= ${p.add(f.maxConfidence)}::real`);
  return parts.join(' AND ');
}

const COLS = `lab.id, lab.statement_id, lab.taxonomy, lab.code, lab.source, lab.model, lab.reasoning, lab.confidence,
  s.kind, s.name, left(s.text, 2000) AS text, s.heading_path, s.ord, s.document_id, d.title AS document_title, d.dataset`;
const FROM = `FROM classifications lab JOIN statements s ON s.id = lab.statement_id JOIN documents d ON d.id = s.document_id`;

/** One page of the queue (limit + 1 rows are read, to know whether there is a next page). */
export async function pageQueue(db: Db, f: PageQueueFilter = {}): Promise<{ rows: PageQueueRow[]; more: boolean }> {
  const limit = Math.min(200, Math.max(1, Math.floor(f.limit ?? 20)));
  const offset = Math.max(0, Math.floor(f.offset ?? 0));
  const take = offset + limit + 1;
  const p = new P();
  const where = filterSql(f, p);
  const contested = `(SELECT ${COLS}, 0 AS tier, 0::bigint AS views ${FROM} WHERE ${where} AND ${OPEN_PROPOSAL}
    ORDER BY coalesce(lab.confidence, 0), lab.id LIMIT ${take})`;
  const parts = [contested];
  if (!f.disagreement) {
    parts.push(`(SELECT ${COLS}, 1 AS tier, sv.views FROM statement_views sv
      JOIN classifications lab ON lab.statement_id = sv.statement_id JOIN statements s ON s.id = lab.statement_id
      JOIN documents d ON d.id = s.document_id
      WHERE sv.views > 0 AND ${where} AND NOT ${OPEN_PROPOSAL}
      ORDER BY sv.views DESC, coalesce(lab.confidence, 0), lab.id LIMIT ${take})`);
    parts.push(`(SELECT ${COLS}, 2 AS tier, 0::bigint AS views ${FROM} WHERE ${where} AND NOT ${OPEN_PROPOSAL} AND NOT ${VIEWED}
      ORDER BY coalesce(lab.confidence, 0), lab.id LIMIT ${take})`);
  }
  const sql = `SELECT * FROM (${parts.join(' UNION ALL ')}) q
    ORDER BY tier, views DESC, coalesce(confidence, 0), id OFFSET ${offset} LIMIT ${limit + 1}`;
  const rows = await db.query<Record<string, unknown>>(sql, p.values);
  return { rows: rows.slice(0, limit).map(toRow), more: rows.length > limit };
}

function toRow(r: Record<string, unknown>): PageQueueRow {
  return {
    labelId: Number(r.id),
    statementId: String(r.statement_id),
    taxonomy: String(r.taxonomy),
    code: String(r.code),
    source: String(r.source),
    model: (r.model as string | null) ?? null,
    reasoning: (r.reasoning as string | null) ?? null,
    confidence: roundConfidence(r.confidence as number | null),
    tier: Number(r.tier) as 0 | 1 | 2,
    views: Number(r.views ?? 0),
    kind: String(r.kind),
    name: String(r.name ?? ''),
    text: String(r.text ?? ''),
    headingPath: (r.heading_path as string[] | null) ?? [],
    ord: Number(r.ord ?? 0),
    documentId: String(r.document_id),
    documentTitle: String(r.document_title),
    dataset: String(r.dataset),
  };
}

/** How many labels the queue holds with this filter, counted up to `cap` (shown as "1,000+"). */
export async function countQueue(db: Db, f: PageQueueFilter = {}, cap = 1000): Promise<{ n: number; capped: boolean }> {
  const p = new P();
  const where = filterSql(f, p) + (f.disagreement ? ` AND ${OPEN_PROPOSAL}` : '');
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 ${FROM} WHERE ${where} LIMIT ${cap + 1}) x`,
    p.values,
  );
  const n = row?.n ?? 0;
  return { n: Math.min(n, cap), capped: n > cap };
}

/** The unreviewed queue labels of one document (per-document bulk review), optionally one taxonomy. */
export async function documentQueueLabelIds(db: Db, documentId: string, taxonomy?: string): Promise<number[]> {
  const p = new P();
  const where = filterSql({ document: documentId, taxonomy }, p);
  const rows = await db.query<{ id: number }>(`SELECT lab.id ${FROM} WHERE ${where} ORDER BY s.ord, lab.id LIMIT 5000`, p.values);
  return rows.map((r) => Number(r.id));
}

/** The datasets and the machine sources present, for the queue's filter form. */
export async function queueFilterChoices(db: Db): Promise<{ datasets: string[] }> {
  const rows = await db.query<{ id: string }>('SELECT id FROM datasets ORDER BY id');
  return { datasets: rows.map((r) => r.id) };
}

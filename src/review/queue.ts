// The review queue as a list: current machine labels that no person has looked at yet, with their
// statement and document, lowest confidence first.
import { emptyQuery, Params, whereClause } from '../search/query.ts';
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import type { QueueFilter } from './filter.ts';
import type { z } from 'zod';
import { int, queryRow, queryRows, row } from '../store/schema/columns.ts';
import { classifications, documents, statements } from '../store/schema/tables.ts';

export interface QueueItem {
  labelId: number;
  statementId: string;
  taxonomy: string;
  code: string;
  codeName: string;
  secondary: string[];
  source: string;
  model: string | null;
  modelVersion: string | null;
  promptVersion: string | null;
  runId: string | null;
  reasoning: string | null;
  confidence: number | null;
  createdAt: Date;
  kind: string;
  statementName: string;
  text: string;
  headingPath: string[];
  page: number | null;
  locatorRef: string | null;
  documentId: string;
  documentTitle: string;
  documentOrganisation: string | null;
}

const QUEUE_FROM = `FROM classifications lab
  JOIN statements s ON s.id = lab.statement_id
  JOIN documents d ON d.id = s.document_id`;

function queueWhere(registry: TaxonomyRegistry, f: QueueFilter, p: Params): string {
  const parts = ['lab.is_current', 'NOT lab.human', `lab.review_status = 'unreviewed'`];
  if (f.taxonomies?.length) parts.push(`lab.taxonomy = ANY(${p.add(f.taxonomies)}::text[])`);
  if (f.sources?.length) parts.push(`lab.source = ANY(${p.add(f.sources)}::text[])`);
  if (f.model !== undefined) parts.push(`lab.model = ${p.add(f.model)}`);
  if (f.maxConfidence !== undefined) parts.push(`coalesce(lab.confidence, 0) <= ${p.add(f.maxConfidence)}::real`);
  if (f.excludeIds?.length) parts.push(`NOT (lab.id = ANY(${p.add(f.excludeIds)}::bigint[]))`);
  parts.push(whereClause(registry, f.where ?? emptyQuery(), p));
  return parts.join(' AND ');
}

const QueueRowSchema = classifications.row
  .pick({
    id: true, statement_id: true, taxonomy: true, code: true, secondary: true, source: true, model: true, model_version: true,
    prompt_version: true, run_id: true, reasoning: true, confidence: true, created_at: true,
  })
  .extend(statements.row.pick({ kind: true, text: true, heading_path: true, page: true, locator_ref: true, document_id: true }).shape)
  .extend({
    statement_name: statements.columns.name.schema,
    document_title: documents.columns.title.schema,
    document_organisation: documents.columns.organisation.schema,
  });
type QueueRow = z.infer<typeof QueueRowSchema>;

/** Round a `real` confidence read back from the database (0.6 comes back as 0.6000000238…). */
export function roundConfidence(c: number | null | undefined): number | null {
  return c === null || c === undefined ? null : Math.round(Number(c) * 1e6) / 1e6;
}

function toItem(registry: TaxonomyRegistry, r: QueueRow): QueueItem {
  const t = registry.has(r.taxonomy) ? registry.get(r.taxonomy) : undefined;
  return {
    labelId: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    code: r.code,
    codeName: t?.nodes.get(r.code)?.name.en ?? r.code,
    secondary: r.secondary,
    source: r.source,
    model: r.model,
    modelVersion: r.model_version,
    promptVersion: r.prompt_version,
    runId: r.run_id,
    reasoning: r.reasoning,
    confidence: roundConfidence(r.confidence),
    createdAt: r.created_at,
    kind: r.kind,
    statementName: r.statement_name,
    text: r.text,
    headingPath: r.heading_path,
    page: r.page,
    locatorRef: r.locator_ref,
    documentId: r.document_id,
    documentTitle: r.document_title,
    documentOrganisation: r.document_organisation,
  };
}

const QUEUE_COLUMNS = `lab.id, lab.statement_id, lab.taxonomy, lab.code, lab.secondary, lab.source, lab.model,
  lab.model_version, lab.prompt_version, lab.run_id, lab.reasoning, lab.confidence, lab.created_at, s.kind,
  s.name AS statement_name, s.text, s.heading_path, s.page, s.locator_ref, d.id AS document_id,
  d.title AS document_title, d.organisation AS document_organisation`;

/**
 * The review queue: current labels that are neither human nor reviewed, on live statements, that
 * match the filter; lowest confidence first (unknown confidence first of all), then label id.
 */
export async function reviewQueue(
  db: Db,
  registry: TaxonomyRegistry,
  filter: QueueFilter = {},
): Promise<{ total: number; items: QueueItem[] }> {
  const p = new Params();
  const where = queueWhere(registry, filter, p);
  const n = (await queryRow(db, row({ n: int() }), `SELECT count(*)::int AS n ${QUEUE_FROM} WHERE ${where}`, p.values, 'queue count'))?.n ?? 0;
  const limit = filter.limit ?? 50;
  if (n === 0 || limit === 0) return { total: n, items: [] };
  const order = filter.order === 'id' ? 'lab.id' : 'coalesce(lab.confidence, 0), lab.id';
  const rows = await queryRows(
    db,
    QueueRowSchema,
    `SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM} WHERE ${where} ORDER BY ${order}
     LIMIT ${Math.max(0, Math.floor(limit))} OFFSET ${Math.max(0, Math.floor(filter.offset ?? 0))}`,
    p.values,
    'review queue',
  );
  return { total: n, items: rows.map((r) => toItem(registry, r)) };
}

/** One label with its statement, in the queue's shape (whatever its review state). */
export async function labelDetails(db: Db, registry: TaxonomyRegistry, labelId: number): Promise<QueueItem | undefined> {
  const r = await queryRow(db, QueueRowSchema, `SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM} WHERE lab.id = $1`, [labelId], 'label');
  return r ? toItem(registry, r) : undefined;
}

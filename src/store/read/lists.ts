// Keyset-paged lists behind the JSON API (/api/v1/statements, /documents, /classifications,
// /datasets, /topics) and anything else that pages through the corpus in id order. Filters arrive
// already validated; each function returns the total and one page (limit + 1 rows, so the caller
// knows whether there is a next page).
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { Params, whereClause, type StatementQuery } from '../../search/query.ts';
import { parseRows } from '../schema/columns.ts';
import { classifications, datasets, documents, topics } from '../schema/tables.ts';

const int = z.number().int();
const Total = z.object({ n: int });

async function total(db: Db, sql: string, params: unknown[], where: string): Promise<number> {
  return parseRows(Total, await db.query(sql, params), where)[0]?.n ?? 0;
}

/** Statements matching a query of the search model, in id order after `after`. */
export async function readStatementIdPage(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
  after: string,
  limit: number,
): Promise<{ total: number; ids: string[] }> {
  const p = new Params();
  const where = whereClause(registry, query, p);
  const n = await total(db, `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${where}`, p.values, 'statement count');
  const rows = await db.query(
    `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${where} AND s.id > ${p.add(after)} ORDER BY s.id LIMIT ${limit + 1}`,
    p.values,
  );
  return { total: n, ids: parseRows(z.object({ id: z.string() }), rows, 'statement ids').map((r) => r.id) };
}

export const DocumentListRow = documents.row
  .pick({ id: true, title: true, authors: true, organisation: true, date: true, year: true, doc_type: true, language: true, jurisdiction: true, url: true, doi: true, dataset: true })
  .extend({ n: int });
export type DocumentListRow = z.infer<typeof DocumentListRow>;

/** Live documents (optionally of one dataset, type or year) in id order, with their live statement counts. */
export async function readDocumentPage(
  db: Db,
  filters: { dataset?: string; doctype?: string; year?: number },
  after: string,
  limit: number,
): Promise<{ total: number; rows: DocumentListRow[] }> {
  const p = new Params();
  const conds = ['d.retired_at IS NULL'];
  if (filters.dataset) conds.push(`d.dataset = ${p.add(filters.dataset)}`);
  if (filters.doctype) conds.push(`d.doc_type = ${p.add(filters.doctype)}`);
  if (filters.year !== undefined) conds.push(`d.year = ${p.add(filters.year)}::int`);
  const where = conds.join(' AND ');
  const n = await total(db, `SELECT count(*)::int AS n FROM documents d WHERE ${where}`, p.values, 'document count');
  const rows = await db.query(
    `SELECT d.id, d.title, d.authors, d.organisation, d.date, d.year, d.doc_type, d.language, d.jurisdiction, d.url, d.doi, d.dataset,
       (SELECT count(*)::int FROM statements s WHERE s.document_id = d.id AND s.retired_at IS NULL) AS n
     FROM documents d WHERE ${where} AND d.id > ${p.add(after)} ORDER BY d.id LIMIT ${limit + 1}`,
    p.values,
  );
  return { total: n, rows: parseRows(DocumentListRow, rows, 'documents') };
}

/** Labels (classifications) in id order, with full provenance. */
export async function readClassificationPage(
  db: Db,
  filters: { statement?: string; taxonomy?: string; source?: string; current?: boolean },
  after: number,
  limit: number,
): Promise<{ total: number; rows: z.infer<typeof classifications.row>[] }> {
  const p = new Params();
  const conds: string[] = [];
  if (filters.statement) conds.push(`statement_id = ${p.add(filters.statement)}`);
  if (filters.taxonomy) conds.push(`taxonomy = ${p.add(filters.taxonomy)}`);
  if (filters.source) conds.push(`source = ${p.add(filters.source)}`);
  if (filters.current !== undefined) conds.push(filters.current ? 'is_current' : 'NOT is_current');
  const where = conds.length ? conds.join(' AND ') : 'true';
  const n = await total(db, `SELECT count(*)::int AS n FROM classifications WHERE ${where}`, p.values, 'classification count');
  const rows = await db.query(`SELECT * FROM classifications WHERE ${where} AND id > ${p.add(after)}::bigint ORDER BY id LIMIT ${limit + 1}`, p.values);
  return { total: n, rows: parseRows(classifications.row, rows, 'classifications') };
}

export const DatasetSummary = datasets.row
  .pick({ id: true, version: true, licence: true, attribution: true, source_url: true })
  .extend({ imported_at: datasets.columns.imported_at.schema.nullable(), documents: int, statements: int });
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** Every source dataset (registered or only named by documents) with its licence and live counts. */
export async function readDatasetSummaries(db: Db): Promise<DatasetSummary[]> {
  const rows = await db.query(
    `SELECT x.id, coalesce(ds.version, x.version) AS version, coalesce(ds.licence, x.licence) AS licence,
            coalesce(ds.attribution, x.attribution) AS attribution, coalesce(ds.source_url, x.source_url) AS source_url,
            ds.imported_at, coalesce(x.documents, 0)::int AS documents, coalesce(x.statements, 0)::int AS statements
     FROM (SELECT d.dataset AS id, max(d.dataset_version) AS version, max(d.licence) AS licence, max(d.attribution) AS attribution,
                  max(d.source_url) AS source_url, count(DISTINCT d.id)::int AS documents, count(s.id)::int AS statements
           FROM documents d LEFT JOIN statements s ON s.document_id = d.id AND s.retired_at IS NULL
           WHERE d.retired_at IS NULL GROUP BY d.dataset
           UNION ALL
           SELECT id, version, licence, attribution, source_url, 0, 0 FROM datasets
           WHERE id NOT IN (SELECT dataset FROM documents WHERE retired_at IS NULL)) x
     LEFT JOIN datasets ds ON ds.id = x.id ORDER BY x.id`,
  );
  return parseRows(DatasetSummary, rows, 'datasets');
}

export const TopicSummary = topics.row
  .pick({ id: true, name_en: true, name_zh: true, description_en: true, description_zh: true, terms: true, lexicon_version: true })
  .extend({ n: int });
export type TopicSummary = z.infer<typeof TopicSummary>;

/** Live topics in lexicon order with their number of linked live statements (one topic with `id`). */
export async function readTopicSummaries(db: Db, id?: string): Promise<TopicSummary[]> {
  const rows = await db.query(
    `SELECT t.id, t.name_en, t.name_zh, t.description_en, t.description_zh, t.terms, t.lexicon_version,
        (SELECT count(*)::int FROM statement_topics st JOIN statements s ON s.id = st.statement_id
         WHERE st.topic_id = t.id AND s.retired_at IS NULL) AS n
     FROM topics t WHERE NOT t.retired ${id !== undefined ? 'AND t.id = $1' : ''} ORDER BY t.ord, t.id`,
    id !== undefined ? [id] : [],
  );
  return parseRows(TopicSummary, rows, 'topics');
}

// Exporting a filtered set of statements: the query model of /search selects the rows, which are
// walked in id order a batch at a time and written as CSV, JSON, JSON Lines or XLSX. The web route
// (/export.<format>) and `govnav export` both call exportStatements.
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Params, parseQuery, toSearchParams, whereClause, type QueryError, type StatementQuery } from '../search/query.ts';
import { z } from 'zod';
import type { Db } from '../store/index.ts';
import { checkRows, parseRows } from '../store/schema/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { exportColumns, loadStatementRecords, type StatementRecord } from './rows.ts';
import { writeExport, type DatasetAttribution, type ExportFormat, type ExportMeta } from './writers.ts';
import { hasCode } from '../util/errors.ts';

export { EXPORT_FORMATS, CONTENT_TYPES, exportFilename, type ExportFormat, type DatasetAttribution } from './writers.ts';
export { exportColumns, loadStatementRecords, statementTaxonomies, type StatementRecord } from './rows.ts';

export const DEFAULT_BATCH = 1000;

export class QueryParamError extends Error {
  constructor(readonly errors: QueryError[]) {
    super(errors.map((e) => `parameter "${e.param}" (${JSON.stringify(e.value)}): ${e.message}`).join('; '));
    this.name = 'QueryParamError';
  }
}

/** Parse filter parameters, throwing a QueryParamError that names every bad parameter. */
export function queryFromParams(params: URLSearchParams, registry: TaxonomyRegistry): StatementQuery {
  const { query, errors } = parseQuery(params, registry);
  if (errors.length) throw new QueryParamError(errors);
  return query;
}

export function govnavVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch (e) {
    if (!hasCode(e, 'ENOENT')) throw e; // package.json not shipped beside the code: version unknown
    return 'unknown';
  }
}

const ScopeRow = z.object({ dataset: z.string(), n: z.number(), version: z.string(), licence: z.string(), attribution: z.string(), source_url: z.string().nullable() });
const IdRow = z.object({ id: z.string() });

/** How many statements match, and the attribution of every dataset they come from. */
export async function queryScope(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
): Promise<{ total: number; attribution: DatasetAttribution[] }> {
  const p = new Params();
  const where = whereClause(registry, query, p);
  const sql = `SELECT x.dataset, x.n, coalesce(ds.version, x.version) AS version, coalesce(ds.licence, x.licence) AS licence,
            coalesce(ds.attribution, x.attribution) AS attribution, coalesce(ds.source_url, x.source_url) AS source_url
     FROM (SELECT d.dataset, count(*)::int AS n, max(d.dataset_version) AS version, max(d.licence) AS licence,
                  max(d.attribution) AS attribution, max(d.source_url) AS source_url
           FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${where} GROUP BY d.dataset) x
     LEFT JOIN datasets ds ON ds.id = x.dataset
     ORDER BY x.dataset`;
  const rows = parseRows(ScopeRow, await db.query(sql, p.values), 'export scope');
  return {
    total: rows.reduce((a, r) => a + r.n, 0),
    attribution: rows.map((r) => ({ dataset: r.dataset, version: r.version, licence: r.licence, attribution: r.attribution, sourceUrl: r.source_url })),
  };
}

/**
 * Ids of every matching statement in id order, `batch` at a time: one keyset query per batch over
 * the query model's WHERE clause (the same SQL that /search and the API count with).
 */
export async function* idBatches(db: Db, registry: TaxonomyRegistry, query: StatementQuery, batch = DEFAULT_BATCH): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const p = new Params();
    const where = whereClause(registry, query, p);
    const rows = checkRows(
      IdRow,
      await db.query(
        `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id
         WHERE ${where} AND s.id > ${p.add(after)} ORDER BY s.id LIMIT ${batch}`,
        p.values,
      ),
      'export ids',
    );
    if (!rows.length) return;
    yield rows.map((r) => r.id);
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Full records of every matching statement, in id order, one batch per keyset query. */
export async function* recordBatches(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
  opts: { batchSize?: number; baseUrl?: string } = {},
): AsyncGenerator<StatementRecord[]> {
  for await (const ids of idBatches(db, registry, query, opts.batchSize ?? DEFAULT_BATCH)) {
    yield await loadStatementRecords(db, registry, ids, { baseUrl: opts.baseUrl });
  }
}

export interface ExportOptions {
  format: ExportFormat;
  query: StatementQuery;
  out: Writable;
  baseUrl?: string;
  batchSize?: number;
  /** Called after each batch is written (progress). */
  onBatch?: (rowsSoFar: number, total: number) => void;
  now?: Date;
}

/** Write every statement matching `query` to `out` (which is ended afterwards). */
export async function exportStatements(db: Db, registry: TaxonomyRegistry, opts: ExportOptions): Promise<{ rows: number; total: number }> {
  const { total, attribution } = await queryScope(db, registry, opts.query);
  const base = (opts.baseUrl ?? '').replace(/\/+$/, '');
  const meta: ExportMeta = {
    generator: `govnav ${govnavVersion()}`,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    query: queryString(opts.query),
    total,
    about: `${base}/about`,
    attribution,
  };
  let soFar = 0;
  const batches = async function* () {
    for await (const b of recordBatches(db, registry, opts.query, { batchSize: opts.batchSize, baseUrl: opts.baseUrl })) {
      yield b;
      soFar += b.length;
      opts.onBatch?.(soFar, total);
    }
  };
  const { rows } = await writeExport(opts.format, batches(), { columns: exportColumns(registry), meta, out: opts.out });
  return { rows, total };
}

/** The canonical filter parameters of a query, without sort (exports are in id order). */
export function queryString(query: StatementQuery): string {
  return toSearchParams({ ...query, sort: undefined }).toString();
}

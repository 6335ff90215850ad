// The one query model behind the search page, the JSON API and every export: the same URL
// parameters select the same set of statements everywhere.
//
// Parameters (repeat a parameter for OR within it; different parameters combine with AND):
//   q            full text over names, excerpts and heading paths (English stemmed, Chinese segmented);
//                a statement id (e.g. M000123) matches that statement
//   kind         mitigation | principle | risk
//   doc          document id (D0001)
//   doctype      document type (law, framework, standard, principles, …)
//   year         publication year of the document; year_from / year_to for a range
//   language     language of the statement (en, zh, …); `lang` is always the interface language
//   dataset      source dataset id
//   review       human | reviewed | machine | unlabelled (see reviewClause)
//   topic        topic id (statements linked to that topic)
//   <taxonomy>   a code of that taxonomy, e.g. risk-domain=2 or mitigation-v2=2.2.1: statements whose
//                current label is the code or one of its sub-codes
//   sort         relevance (default with q) | document (default without q) | year | id
import { z } from 'zod';
import { STATEMENT_KINDS, type StatementKind } from '../model/index.ts';
import type { Db } from '../store/db.ts';
import { ID_PATTERN } from '../store/ids.ts';
import { checkRows, parseRows } from '../store/schema/columns.ts';
import { toSearchText } from '../store/search-text.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';

export const REVIEW_VALUES = ['human', 'reviewed', 'annotated', 'machine', 'unlabelled'] as const;
export type ReviewValue = (typeof REVIEW_VALUES)[number];
export const SORTS = ['relevance', 'document', 'year', 'id'] as const;
export type Sort = (typeof SORTS)[number];

export interface StatementQuery {
  q?: string;
  kinds: StatementKind[];
  docs: string[];
  docTypes: string[];
  years: number[];
  yearFrom?: number;
  yearTo?: number;
  langs: string[];
  datasets: string[];
  review: ReviewValue[];
  topics: string[];
  /** taxonomy id → codes (OR) */
  labels: Record<string, string[]>;
  sort?: Sort;
}

export interface QueryError {
  param: string;
  value: string;
  message: string;
}

/** Parameters that are not filters (pagination, output options) and are ignored by parseQuery. */
export const NON_FILTER_PARAMS = new Set(['lang', 'page', 'limit', 'cursor', 'facets', 'format', 'per_page', 'fields']);

export function emptyQuery(): StatementQuery {
  return { kinds: [], docs: [], docTypes: [], years: [], langs: [], datasets: [], review: [], topics: [], labels: {} };
}

/**
 * Read a query from URL parameters. Unknown parameters and bad values are reported in `errors`
 * (naming the parameter) and left out of the query; `lang` (interface language) and pagination
 * parameters are not filters and are ignored.
 */
export function parseQuery(params: URLSearchParams, registry: TaxonomyRegistry): { query: StatementQuery; errors: QueryError[] } {
  const query = emptyQuery();
  const errors: QueryError[] = [];
  const err = (param: string, value: string, message: string) => errors.push({ param, value, message });
  for (const [key, rawValue] of params) {
    const value = rawValue.trim();
    if (value === '') continue;
    switch (key) {
      case 'q':
        query.q = query.q ? `${query.q} ${value}` : value;
        break;
      case 'kind':
        if ((STATEMENT_KINDS as readonly string[]).includes(value)) pushUnique(query.kinds, value as StatementKind);
        else err(key, value, `must be one of ${STATEMENT_KINDS.join(', ')}`);
        break;
      case 'doc':
        if (/^D\d{4,}$/.test(value)) pushUnique(query.docs, value);
        else err(key, value, 'must be a document id such as D0001');
        break;
      case 'doctype':
        if (/^[a-z][a-z-]*$/.test(value)) pushUnique(query.docTypes, value);
        else err(key, value, 'must be a document type such as framework');
        break;
      case 'year': {
        const y = Number(value);
        if (Number.isInteger(y) && y >= 1900 && y <= 2100) pushUnique(query.years, y);
        else err(key, value, 'must be a year such as 2024');
        break;
      }
      case 'year_from':
      case 'year_to': {
        const y = Number(value);
        if (!Number.isInteger(y) || y < 1900 || y > 2100) err(key, value, 'must be a year such as 2024');
        else if (key === 'year_from') query.yearFrom = y;
        else query.yearTo = y;
        break;
      }
      case 'dataset':
        if (/^[\w.-]+$/.test(value)) pushUnique(query.datasets, value);
        else err(key, value, 'must be a dataset id');
        break;
      case 'review':
        if ((REVIEW_VALUES as readonly string[]).includes(value)) pushUnique(query.review, value as ReviewValue);
        else err(key, value, `must be one of ${REVIEW_VALUES.join(', ')}`);
        break;
      case 'topic':
        if (/^[a-z0-9][a-z0-9-]*$/.test(value)) pushUnique(query.topics, value);
        else err(key, value, 'must be a topic id such as security');
        break;
      case 'sort':
        if ((SORTS as readonly string[]).includes(value)) query.sort = value as Sort;
        else err(key, value, `must be one of ${SORTS.join(', ')}`);
        break;
      default:
        if (key === 'language') {
          if (/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(value)) pushUnique(query.langs, value);
          else err(key, value, 'must be a language code such as en or zh');
        } else if (registry.has(key)) {
          const tax = registry.get(key);
          if (tax.has(value)) {
            const list = (query.labels[key] ??= []);
            pushUnique(list, value);
          } else err(key, value, `is not a code of taxonomy "${key}"`);
        } else if (!NON_FILTER_PARAMS.has(key)) {
          err(key, value, 'unknown parameter');
        }
    }
  }
  return { query, errors };
}

/** The canonical URL parameters of a query (stable order), for shareable links and cursors. */
export function toSearchParams(query: StatementQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (query.q) p.append('q', query.q);
  for (const v of query.kinds) p.append('kind', v);
  for (const v of query.docs) p.append('doc', v);
  for (const v of query.docTypes) p.append('doctype', v);
  for (const v of query.years) p.append('year', String(v));
  if (query.yearFrom !== undefined) p.append('year_from', String(query.yearFrom));
  if (query.yearTo !== undefined) p.append('year_to', String(query.yearTo));
  for (const v of query.langs) p.append('language', v);
  for (const v of query.datasets) p.append('dataset', v);
  for (const v of query.review) p.append('review', v);
  for (const v of query.topics) p.append('topic', v);
  for (const tax of Object.keys(query.labels).sort()) for (const code of query.labels[tax]!) p.append(tax, code);
  if (query.sort) p.append('sort', query.sort);
  return p;
}

export function isEmptyQuery(q: StatementQuery): boolean {
  return toSearchParams({ ...q, sort: undefined }).toString() === '';
}

function pushUnique<T>(arr: T[], v: T) {
  if (!arr.includes(v)) arr.push(v);
}

// ------------------------------------------------------------------ SQL

/** Collects positional parameters while SQL is assembled. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export type FacetName = 'kind' | 'doc' | 'doctype' | 'year' | 'language' | 'dataset' | 'review' | 'topic' | string;

/**
 * The WHERE clause (over `statements s JOIN documents d`) selecting the query's statements.
 * `omit` leaves one facet's own filter out (for disjunctive facet counts).
 */
export function whereClause(registry: TaxonomyRegistry, query: StatementQuery, p: Params, omit?: FacetName): string {
  const parts = ['s.retired_at IS NULL', 'd.retired_at IS NULL'];
  // One work, one document: a statement with the same text as another in its work (same_as) is
  // listed and counted once, as the canonical one; looking one up by its own id, or asking for a
  // dataset's own rows (dataset=), still finds it.
  const ownRows = (query.q && ID_PATTERN.test(query.q.trim())) || (query.datasets.length > 0 && omit !== 'dataset');
  if (!ownRows) parts.push('s.same_as IS NULL');
  if (query.q) parts.push(textClause(query.q, p));
  if (query.kinds.length && omit !== 'kind') parts.push(`s.kind = ANY(${p.add(query.kinds)}::text[])`);
  if (query.docs.length && omit !== 'doc') {
    // A document stands for its work: its statements and those of every other document carrying it.
    const docs = p.add(query.docs);
    parts.push(`(d.id = ANY(${docs}::text[]) OR d.work_id IN (SELECT w.work_id FROM documents w WHERE w.id = ANY(${docs}::text[]) AND w.work_id IS NOT NULL))`);
  }
  if (query.docTypes.length && omit !== 'doctype') parts.push(`d.doc_type = ANY(${p.add(query.docTypes)}::text[])`);
  if (query.years.length && omit !== 'year') parts.push(`d.year = ANY(${p.add(query.years)}::int[])`);
  if (query.yearFrom !== undefined) parts.push(`d.year >= ${p.add(query.yearFrom)}::int`);
  if (query.yearTo !== undefined) parts.push(`d.year <= ${p.add(query.yearTo)}::int`);
  if (query.langs.length && omit !== 'language') parts.push(`s.language = ANY(${p.add(query.langs)}::text[])`);
  if (query.datasets.length && omit !== 'dataset') parts.push(`d.dataset = ANY(${p.add(query.datasets)}::text[])`);
  if (query.review.length && omit !== 'review') parts.push('(' + query.review.map((r) => reviewClause(r)).join(' OR ') + ')');
  if (query.topics.length && omit !== 'topic')
    parts.push(`EXISTS (SELECT 1 FROM statement_topics st WHERE st.statement_id = s.id AND st.topic_id = ANY(${p.add(query.topics)}::text[]))`);
  for (const [tax, codes] of Object.entries(query.labels)) {
    if (!codes.length || omit === tax) continue;
    const t = registry.get(tax);
    const expanded = new Set<string>();
    for (const code of codes) for (const n of t.nodes.values()) if (n.code === code || n.path.includes(code)) expanded.add(n.code);
    parts.push(
      `EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.taxonomy = ${p.add(tax)} AND c.code = ANY(${p.add([...expanded])}::text[]))`,
    );
  }
  return parts.join(' AND ');
}

const HAN = /\p{Script=Han}/u;

function textClause(q: string, p: Params): string {
  const trimmed = q.trim();
  if (ID_PATTERN.test(trimmed)) return `(s.id = ${p.add(trimmed)} OR d.id = ${p.add(trimmed)})`;
  const tokens = toSearchText(trimmed);
  const clauses: string[] = [];
  if (tokens) clauses.push(`s.search_vector @@ plainto_tsquery('simple', ${p.add(tokens)})`);
  if (HAN.test(trimmed)) {
    // Segmentation can differ between a short query and running text: a plain substring match backs it up.
    const like = p.add('%' + trimmed.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    clauses.push(`s.text ILIKE ${like}`, `s.name ILIKE ${like}`);
  }
  return clauses.length ? `(${clauses.join(' OR ')})` : 'false';
}

/**
 * review=human: the statement has a current label made or confirmed by a person (human coder or
 * imported human gold); reviewed: a current label someone accepted or corrected; annotated: a
 * current label from the govnav project's own annotation (source 'annotation', never counted as a
 * person's or a reviewed label); machine: a current label made by a classifier (embedded or LLM)
 * and not yet reviewed; unlabelled: no current label at all.
 */
export function reviewClause(r: ReviewValue): string {
  switch (r) {
    case 'human':
      return `EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.human)`;
    case 'reviewed':
      return `EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.review_status IN ('accepted', 'corrected', 'adjudicated'))`;
    case 'annotated':
      return `EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.source = 'annotation')`;
    case 'machine':
      return `EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.source IN ('embedded', 'llm') AND c.review_status = 'unreviewed')`;
    case 'unlabelled':
      return `NOT EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current)`;
  }
}

function orderBy(query: StatementQuery, p: Params): string {
  const sort = query.sort ?? (query.q ? 'relevance' : 'document');
  switch (sort) {
    case 'relevance': {
      const tokens = query.q ? toSearchText(query.q) : '';
      if (!tokens) return 'd.title, s.ord, s.id';
      return `ts_rank(s.search_vector, plainto_tsquery('simple', ${p.add(tokens)})) DESC, s.id`;
    }
    case 'year':
      return 'd.year DESC NULLS LAST, d.title, s.ord, s.id';
    case 'id':
      return 's.id';
    default:
      return 'd.title, d.id, s.ord, s.id';
  }
}

const optText = z.string().nullable();
const optInt = z.number().int().nullable();

/** A statement as search lists it (HIT_COLUMNS). */
export const StatementHitSchema = z.object({
  id: z.string(),
  kind: z.enum(STATEMENT_KINDS),
  name: z.string(),
  text: z.string(),
  heading_path: z.array(z.string()),
  language: z.string(),
  parent_id: optText,
  ord: z.number().int(),
  page: optInt,
  char_start: optInt,
  char_end: optInt,
  locator_ref: optText,
  document_id: z.string(),
  document_title: z.string(),
  document_organisation: optText,
  document_authors: optText,
  document_year: optInt,
  document_type: z.string(),
  dataset: z.string(),
});
export type StatementHit = z.infer<typeof StatementHitSchema>;

const CountRow = z.object({ n: z.number().int() });
const FacetRow = z.object({ value: z.string(), n: z.number().int(), label: z.string().nullable().optional() });
const CodeCount = z.object({ taxonomy: z.string(), code: z.string(), n: z.number().int() });
const ReviewCounts = z.object(Object.fromEntries(REVIEW_VALUES.map((v) => [v, z.number().int()])) as Record<ReviewValue, z.ZodNumber>);

export const HIT_COLUMNS = `s.id, s.kind, s.name, s.text, s.heading_path, s.language, s.parent_id, s.ord, s.page, s.char_start,
  s.char_end, s.locator_ref, d.id AS document_id, d.title AS document_title, d.organisation AS document_organisation,
  d.authors AS document_authors, d.year AS document_year, d.doc_type AS document_type, d.dataset`;

/** One page of matching statements and the total number that match. */
export async function searchStatements(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
  opts: { limit?: number; offset?: number } = {},
): Promise<{ total: number; items: StatementHit[] }> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 0), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  const p = new Params();
  const where = whereClause(registry, query, p);
  const [{ n }] = parseRows(
    CountRow,
    await db.query(`SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${where}`, p.values),
    'search count',
  ) as [{ n: number }];
  if (limit === 0 || n === 0) return { total: n, items: [] };
  const p2 = new Params();
  const where2 = whereClause(registry, query, p2);
  const order = orderBy(query, p2);
  const items = parseRows(
    StatementHitSchema,
    await db.query(
      `SELECT ${HIT_COLUMNS} FROM statements s JOIN documents d ON d.id = s.document_id
       WHERE ${where2} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      p2.values,
    ),
    'search page',
  );
  return { total: n, items };
}

/**
 * Every matching statement in id order, `batch` at a time (keyset pagination): for exports and
 * releases that must not hold the whole set in memory.
 */
export async function* iterateStatements(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
  batch = 1000,
): AsyncGenerator<StatementHit[]> {
  let after = '';
  for (;;) {
    const p = new Params();
    const where = whereClause(registry, query, p);
    const rows = checkRows(
      StatementHitSchema,
      await db.query(
        `SELECT ${HIT_COLUMNS} FROM statements s JOIN documents d ON d.id = s.document_id
         WHERE ${where} AND s.id > ${p.add(after)} ORDER BY s.id LIMIT ${batch}`,
        p.values,
      ),
      'search export batch',
    );
    if (!rows.length) return;
    yield rows;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}

export interface FacetValue {
  value: string;
  /** Statements matching the query with this value (the facet's own filter left out). */
  count: number;
  /** For taxonomy facets: the count including sub-codes (what selecting the code would give). */
  total?: number;
  label?: string;
}

/** Facets that are one column of the statement or its document. */
const COLUMN_FACETS: Record<string, string> = { kind: 's.kind', doctype: 'd.doc_type', language: 's.language', dataset: 'd.dataset' };

export const BASIC_FACETS = ['kind', 'doctype', 'year', 'language', 'dataset', 'review', 'doc'] as const;

/**
 * Counts for each requested facet: the number of matching statements per value, computed with every
 * other filter applied and the facet's own filter left out (so the counts say what choosing another
 * value would give). Taxonomy facets return per-code counts and totals rolled up to ancestors.
 */
export async function facetCounts(
  db: Db,
  registry: TaxonomyRegistry,
  query: StatementQuery,
  facets: FacetName[],
): Promise<Record<string, FacetValue[]>> {
  const out: Record<string, FacetValue[]> = {};
  const taxFacets = facets.filter((f) => registry.has(f));
  // Taxonomies without an active filter share one query.
  const shared = taxFacets.filter((f) => !query.labels[f]?.length);
  const codeCounts = async (taxes: string[], omit?: string) => {
    const p = new Params();
    const where = whereClause(registry, query, p, omit);
    const sql = `SELECT c.taxonomy, c.code, count(*)::int AS n
       FROM statements s JOIN documents d ON d.id = s.document_id
       JOIN classifications c ON c.statement_id = s.id AND c.is_current AND c.taxonomy = ANY(${p.add(taxes)}::text[])
       WHERE ${where} GROUP BY c.taxonomy, c.code`;
    return parseRows(CodeCount, await db.query(sql, p.values), 'taxonomy facet counts');
  };
  if (shared.length) {
    const rows = await codeCounts(shared);
    for (const tax of shared) out[tax] = rollUpFacet(registry, tax, rows.filter((r) => r.taxonomy === tax));
  }
  for (const tax of taxFacets.filter((f) => !shared.includes(f))) out[tax] = rollUpFacet(registry, tax, await codeCounts([tax], tax));
  for (const f of facets) if (!registry.has(f)) out[f] = await plainFacet(db, registry, query, f);
  return out;
}

/** One facet that is not a taxonomy: a column of the statement or its document, topics or label review state. */
async function plainFacet(db: Db, registry: TaxonomyRegistry, query: StatementQuery, f: FacetName): Promise<FacetValue[]> {
  const p = new Params();
  const where = whereClause(registry, query, p, f);
  const from = 'FROM statements s JOIN documents d ON d.id = s.document_id';
  const column = COLUMN_FACETS[f];
  let sql: string;
  if (column) sql = `SELECT ${column} AS value, count(*)::int AS n ${from} WHERE ${where} GROUP BY 1 ORDER BY 2 DESC`;
  else if (f === 'year') sql = `SELECT d.year::text AS value, count(*)::int AS n ${from} WHERE ${where} AND d.year IS NOT NULL GROUP BY d.year ORDER BY d.year DESC`;
  else if (f === 'doc') sql = `SELECT d.id AS value, min(d.title) AS label, count(*)::int AS n ${from} WHERE ${where} GROUP BY d.id ORDER BY 3 DESC, 1 LIMIT 200`;
  else if (f === 'topic')
    sql = `SELECT st.topic_id AS value, count(DISTINCT s.id)::int AS n ${from} JOIN statement_topics st ON st.statement_id = s.id
           WHERE ${where} GROUP BY 1 ORDER BY 2 DESC`;
  else if (f === 'review') {
    const [r] = parseRows(
      ReviewCounts,
      await db.query(`SELECT ${REVIEW_VALUES.map((v) => `count(*) FILTER (WHERE ${reviewClause(v)})::int AS "${v}"`).join(', ')} ${from} WHERE ${where}`, p.values),
      'review facet counts',
    );
    return REVIEW_VALUES.map((v) => ({ value: v, count: r?.[v] ?? 0 }));
  } else throw new Error(`Unknown facet "${f}"`);
  const rows = parseRows(FacetRow, await db.query(sql, p.values), `${f} facet counts`);
  if (column) return rows.map((r) => ({ value: r.value, count: r.n }));
  return rows.map((r) => ({ value: r.value, count: r.n, ...(r.label ? { label: r.label } : {}) }));
}

/** Facet values of a taxonomy from direct counts per code, each with the total of its subtree, in display order. */
export function rollUpFacet(registry: TaxonomyRegistry, tax: string, rows: { code: string; n: number }[]): FacetValue[] {
  const t = registry.get(tax);
  const direct = new Map(rows.map((r) => [r.code, r.n]));
  const total = new Map<string, number>();
  for (const [code, n] of direct) {
    if (!t.has(code)) continue;
    for (const c of [code, ...t.node(code).path]) total.set(c, (total.get(c) ?? 0) + n);
  }
  return t
    .ordered()
    .filter((n) => total.has(n.code))
    .map((n) => ({ value: n.code, count: direct.get(n.code) ?? 0, total: total.get(n.code)!, label: n.name.en }));
}

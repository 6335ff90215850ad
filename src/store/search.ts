// The search read model: one function behind the /search page, its JSON twin (/search.json),
// /api/v1/search and the search exports. It answers from the in-process index when that index
// reflects every committed change (src/store/search-index.ts), else in SQL (src/search/query.ts);
// both give the same set, total and facet counts.
import { z } from 'zod';
import { SearchIndex } from '../search/index.ts';
import { facetCounts, HIT_COLUMNS, searchStatements, StatementHitSchema, type FacetValue, type StatementHit, type StatementQuery } from '../search/query.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import type { Db } from './db.ts';
import { parseRows } from './schema/columns.ts';
import { freshIndex, indexLost, queryLexemes, TOPIC_NAMES, TopicNameSchema, type TopicName } from './search-index.ts';
import { toSearchText } from './search-text.ts';
import { sameTextOf, type SameText } from './works.ts';

export interface SearchRequest {
  query: StatementQuery;
  /** Facets to count (see BASIC_FACETS, 'topic', taxonomy ids). */
  facets: string[];
  offset: number;
  limit: number;
  /** Also the current labels of the page's statements on these taxonomies (from the index when it answers). */
  labelTaxonomies?: string[];
}

export interface SearchResult {
  total: number;
  items: StatementHit[];
  facets: Record<string, FacetValue[]>;
  /** Which path answered: the in-process index or SQL. */
  via: 'index' | 'sql';
  /** From the index (req.labelTaxonomies): the page's current labels on those taxonomies. */
  labels?: PageLabel[];
  /** From the index: the topics' names as of its build. */
  topics?: TopicName[];
}

/** One page of a search with its facet counts. */
export async function runSearch(db: Db, registry: TaxonomyRegistry, req: SearchRequest, opts: { waitForIndex?: boolean } = {}): Promise<SearchResult> {
  const tokens = req.query.q ? toSearchText(req.query.q.trim()) : '';
  const index = SearchIndex.handles(req.query) ? await freshIndex(db, { wait: opts.waitForIndex, tokens: tokens || undefined }) : undefined;
  if (index) {
    const lexemes = tokens ? await queryLexemes(db, tokens) : [];
    const r = await index.search(registry, req.query, lexemes, req);
    if (r) return { total: r.total, items: await hitsByIds(db, r.ids), facets: r.facets, via: 'index', labels: r.labels, topics: index.topics };
    indexLost(db, index);
  }
  // The facet groups are independent queries: on PostgreSQL they run on separate connections.
  const taxFacets = req.facets.filter((f) => registry.has(f));
  const groups = [['kind', 'review'], ['doctype', 'year', 'language'], ['dataset', 'doc', 'topic'], taxFacets]
    .map((g) => g.filter((f) => req.facets.includes(f)))
    .filter((g) => g.length);
  const [res, ...parts] = await Promise.all([
    searchStatements(db, registry, req.query, { limit: req.limit, offset: req.offset }),
    ...groups.map((g) => facetCounts(db, registry, req.query, g)),
  ]);
  return { total: res.total, items: res.items, facets: Object.assign({}, ...parts) as Record<string, FacetValue[]>, via: 'sql' };
}

/** Statements by id, in the order given (retired ones left out). */
export async function hitsByIds(db: Db, ids: string[]): Promise<StatementHit[]> {
  if (!ids.length) return [];
  const rows = parseRows(
    StatementHitSchema,
    await db.query(`SELECT ${HIT_COLUMNS} FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = ANY($1::text[])`, [ids]),
    'search hits',
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is StatementHit => !!r);
}

const PageLabelSchema = z.object({ statement_id: z.string(), taxonomy: z.string(), code: z.string() });
export type PageLabel = z.infer<typeof PageLabelSchema>;

export interface SearchPageData extends SearchResult {
  /** Current labels of the listed statements on the given taxonomies. */
  labels: PageLabel[];
  /** Where else each listed text is published (one work, one document). */
  also: Map<string, SameText[]>;
  /** Names of the topics (for the topic facet). */
  topics: TopicName[];
}

/**
 * Everything the search page (and its JSON twin) shows for one page of a query. When the index
 * answers, the page's labels and the topic names come with it (three round trips to the database
 * instead of five); in SQL they are read here.
 */
export async function searchPageData(
  db: Db,
  registry: TaxonomyRegistry,
  req: SearchRequest,
  labelTaxonomies: string[],
): Promise<SearchPageData> {
  const res = await runSearch(db, registry, { ...req, labelTaxonomies });
  const ids = res.items.map((h) => h.id);
  // Labels of retired statements the index still listed are dropped with their hits.
  const listed = new Set(ids);
  const [topics, labels, also] = await Promise.all([
    res.topics ?? db.query(TOPIC_NAMES).then((rows) => parseRows(TopicNameSchema, rows, 'topic names')),
    res.labels
      ? res.labels.filter((l) => listed.has(l.statement_id))
      : ids.length && labelTaxonomies.length
        ? db
            .query('SELECT statement_id, taxonomy, code FROM classifications WHERE statement_id = ANY($1::text[]) AND taxonomy = ANY($2::text[]) AND is_current', [
              ids,
              labelTaxonomies,
            ])
            .then((rows) => parseRows(PageLabelSchema, rows, 'search page labels'))
        : Promise.resolve([] as PageLabel[]),
    sameTextOf(db, ids),
  ]);
  return { total: res.total, items: res.items, facets: res.facets, via: res.via, labels, also, topics };
}

// The routes of the JSON API under /api/v1: one table that both serves requests and describes
// them (parameters, response schema, example) for the OpenAPI document and the reference page.
import { z } from 'zod';
import { documentCitation, statementCitation } from '../cite/index.ts';
import { loadStatementRecords, type StatementRecord } from '../export/rows.ts';
import { CursorError, cursorKey, signCursor, verifyCursor } from '../search/cursor.ts';
import { runSearch } from '../store/search.ts';
import { BASIC_FACETS, facetCounts, Params, parseQuery, REVIEW_VALUES, searchStatements, SORTS, toSearchParams, whereClause, type StatementQuery } from '../search/query.ts';
import { STATEMENT_KINDS, CLASSIFICATION_SOURCES } from '../model/index.ts';
import { classificationsOf, getDocument, getStatement, ID_PATTERN, sameTextInfo, type ClassificationRow, type Db, type SameTextInfo } from '../store/index.ts';
import type { TaxonomyRegistry, Taxonomy } from '../taxonomy/index.ts';
import { isStatementId, readStatement, type StatementView } from '../store/read/statement.ts';
import { readDocument, type DocumentView } from '../store/read/document.ts';
import { listTitle } from '../store/read/title.ts';
import { readClassificationPage, readDatasetSummaries, readDocumentPage, readStatementIdPage, readTopicSummaries, type TopicSummary } from '../store/read/lists.ts';
import { readLabelCounts } from '../store/read/taxonomy.ts';
import type { ReadContext as AppContext } from '../store/read/context.ts';
import { badParam, checkAllowed, decodeCursor, encodeCursor, fingerprint, notFound, parseLimit } from './http.ts';
import * as S from './schemas.ts';

export interface ParamDoc {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  schema: z.ZodType;
  description: string;
  example?: string;
}

export interface RequestInfo {
  params: URLSearchParams;
  path: Record<string, string>;
  /** Base URL for stable URLs and citations: config.baseUrl, else the request's origin. */
  base: string;
}

export interface RouteDoc {
  /** OpenAPI path, e.g. /api/v1/statements/{id}. */
  path: string;
  operationId: string;
  summary: { en: string; zh: string };
  description: string;
  params: ParamDoc[];
  response: z.ZodType;
  responseId: string;
  /** Query string of the example request (path parameters come from their examples). */
  exampleQuery?: string;
  has404?: boolean;
  handler: (ctx: AppContext, req: RequestInfo) => Promise<unknown>;
}

const LIMIT: ParamDoc = {
  name: 'limit',
  in: 'query',
  schema: z.number().int().min(1).max(500).default(50),
  description: 'Items per page (1–500, default 50).',
  example: '20',
};
const CURSOR: ParamDoc = {
  name: 'cursor',
  in: 'query',
  schema: z.string(),
  description: 'The `next` value of the previous page. Keep every other parameter unchanged while paging.',
};
const many = z.array(z.string());

/** The filter parameters shared by /statements, /search and the exports (the query model of /search). */
export function filterParams(registry: TaxonomyRegistry): ParamDoc[] {
  const base: ParamDoc[] = [
    { name: 'q', in: 'query', schema: z.string(), description: 'Full text over names, excerpts and heading paths (English words are stemmed, Chinese is segmented). A statement or document id finds that record.', example: 'audit' },
    { name: 'kind', in: 'query', schema: z.array(z.enum(STATEMENT_KINDS)), description: 'Statement kind. Repeat a parameter to combine values with OR; different parameters combine with AND.', example: 'mitigation' },
    { name: 'doc', in: 'query', schema: many, description: 'Document id, e.g. D0001.' },
    { name: 'doctype', in: 'query', schema: many, description: 'Document type (law, framework, standard, principles, paper, …).' },
    { name: 'year', in: 'query', schema: z.array(z.number().int()), description: 'Publication year of the document.' },
    { name: 'year_from', in: 'query', schema: z.number().int(), description: 'Earliest publication year.' },
    { name: 'year_to', in: 'query', schema: z.number().int(), description: 'Latest publication year.' },
    { name: 'language', in: 'query', schema: many, description: 'Language of the statement text (en, zh, …). `lang` only sets the interface language.' },
    { name: 'dataset', in: 'query', schema: many, description: 'Source dataset id (see /api/v1/datasets).' },
    { name: 'review', in: 'query', schema: z.array(z.enum(REVIEW_VALUES)), description: 'human: a current label by a person; reviewed: a current label accepted or corrected; annotated: a current label from the govnav project annotation; machine: an unreviewed classifier label (embedded or LLM); unlabelled: no current label.' },
    { name: 'topic', in: 'query', schema: many, description: 'Topic id (see /api/v1/topics).' },
    { name: 'sort', in: 'query', schema: z.enum(SORTS), description: 'Order of results. /statements defaults to id (keyset paging); /search defaults to relevance with q, else document order.' },
  ];
  for (const t of registry.list().filter((x) => x.data.appliesTo.length > 0))
    base.push({
      name: t.id,
      in: 'query',
      schema: many,
      description: `A code of the taxonomy "${t.data.name.en}": statements whose current label is the code or one of its sub-codes.`,
      ...(t.id === 'risk-domain' ? { example: '2' } : {}),
    });
  return base;
}

/** Parse filters, throwing 400 for the first bad parameter. */
function queryOf(registry: TaxonomyRegistry, params: URLSearchParams): StatementQuery {
  const { query, errors } = parseQuery(params, registry);
  if (errors.length) throw badParam(errors[0]!.param, `${JSON.stringify(errors[0]!.value)} ${errors[0]!.message}`);
  return query;
}

export function toItem(r: StatementRecord, base: string, same?: SameTextInfo): z.infer<typeof S.StatementItem> {
  return {
    id: r.id,
    kind: r.kind as z.infer<typeof S.StatementItem>['kind'],
    name: r.name,
    text: r.text,
    textRaw: r.textRaw,
    markup: r.markup,
    headingPath: r.headingPath,
    locator: r.locator,
    language: r.language,
    parentId: r.parentId,
    document: { id: r.document.id, title: r.document.title, organisation: r.document.organisation, year: r.document.year, type: r.document.type, dataset: r.document.dataset },
    labels: r.labels as z.infer<typeof S.StatementItem>['labels'],
    url: r.url,
    cite: citeLinks(base, r.id),
    sameAs: same?.sameAs ?? null,
    alsoPublishedIn: same?.also ?? [],
  };
}

/** Statement items with their same-text information (src/store/works.ts). */
async function itemsOf(db: Db, registry: TaxonomyRegistry, ids: string[], base: string): Promise<z.infer<typeof S.StatementItem>[]> {
  const [records, same] = await Promise.all([loadStatementRecords(db, registry, ids, { baseUrl: base }), sameTextInfo(db, ids)]);
  return records.map((r) => toItem(r, base, same.get(r.id)));
}

/** Links to the citation files served at /cite/<id>.bib and /cite/<id>.json. */
function citeLinks(base: string, id: string): z.infer<typeof S.CiteLinks> {
  return { bibtex: `${base}/cite/${id}.bib`, csl: `${base}/cite/${id}.json` };
}

const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function toClassification(registry: TaxonomyRegistry, r: ClassificationRow): z.infer<typeof S.Classification> {
  const node = registry.has(r.taxonomy) ? registry.get(r.taxonomy).nodes.get(r.code) : undefined;
  return {
    id: Number(r.id),
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    taxonomyVersion: r.taxonomy_version,
    code: r.code,
    name: node?.name.en ?? r.code,
    secondary: r.secondary ?? [],
    source: r.source,
    human: r.human,
    model: r.model,
    modelVersion: r.model_version,
    promptVersion: r.prompt_version,
    reasoning: r.reasoning,
    confidence: r.confidence === null ? null : Math.round(Number(r.confidence) * 1000) / 1000,
    reviewStatus: r.review_status,
    reviewer: r.reviewer,
    reviewedAt: iso(r.reviewed_at),
    sourceValue: r.source_value,
    runId: r.run_id,
    isCurrent: r.is_current,
    createdAt: iso(r.created_at)!,
  };
}

/** The JSON of one statement (API getStatement and the page's twin /m/<id>.json), from the statement read model. */
export function statementDetail(view: StatementView, registry: TaxonomyRegistry, base: string): z.infer<typeof S.StatementDetail> {
  const { statement: st, document: doc } = view;
  const cit = statementCitation(st, doc, { baseUrl: base });
  const same: SameTextInfo = {
    sameAs: st.same_as,
    also: view.sameText.filter((x) => !x.canonical).map((x) => ({ id: x.id, documentId: x.document_id, dataset: x.dataset })),
  };
  return {
    ...toItem(view.record, base, same),
    classifications: view.labels.map((r) => toClassification(registry, r)),
    children: view.children.map((c) => ({ id: c.id, kind: c.kind, name: c.name, url: `${base}/m/${c.id}` })),
    topics: view.topics.map((t) => ({ id: t.id, name: { en: t.name_en, zh: t.name_zh }, score: Math.round(Number(t.score) * 1000) / 1000 })),
    citation: { url: cit.url, key: cit.key, text: cit.text, bibtex: cit.bibtex, csl: cit.csl as unknown as Record<string, unknown> },
  };
}

/** The JSON of one document (API getDocument), from the document read model. */
export function documentDetail(view: DocumentView, base: string): z.infer<typeof S.DocumentDetail> {
  const doc = view.document;
  const cit = documentCitation(doc, { baseUrl: base });
  return {
    ...docItem({ ...doc, n: view.ownStatementIds.length }, base),
    abstract: doc.abstract,
    legislativeStatus: doc.legislative_status,
    statementIds: view.ownStatementIds,
    attribution: view.attribution,
    citation: { url: cit.url, key: cit.key, text: cit.text, bibtex: cit.bibtex, csl: cit.csl as unknown as Record<string, unknown> },
  };
}

/** The JSON twin of the document page (/d/<id>.json): the API document plus what the page lists. */
export function documentPageJson(view: DocumentView, _registry: TaxonomyRegistry, base: string): z.infer<typeof S.DocumentPageJson> {
  const labels = new Map<string, Record<string, string>>();
  for (const l of view.labels) {
    const m = labels.get(l.statement_id) ?? {};
    m[l.taxonomy] = l.code;
    labels.set(l.statement_id, m);
  }
  return {
    ...documentDetail(view, base),
    work: view.work ? { id: view.work.id, title: view.work.title, members: view.memberIds } : null,
    statements: view.statements.map((s) => ({
      id: s.id,
      kind: s.kind,
      parentId: s.parent_id,
      name: listTitle(s),
      labels: labels.get(s.id) ?? {},
      url: `${base}/m/${s.id}`,
    })),
    statementTotal: view.statementTotal,
    labelCounts: view.labelCounts.map((c) => ({ taxonomy: c.taxonomy, code: c.code, count: c.n })),
  };
}

/** A page of statements: keyset by id (default) or offset (other sorts). */
async function statementPage(ctx: AppContext, req: RequestInfo, route: string, opts: { keyset: boolean }) {
  const { db, taxonomies: registry } = ctx.store;
  const limit = parseLimit(req.params);
  const query = queryOf(registry, req.params);
  const fp = fingerprint(route, toSearchParams(query).toString());
  const cursor = decodeCursor(req.params, fp);
  if (opts.keyset && (!query.sort || query.sort === 'id')) {
    if (cursor && typeof cursor.k !== 'string') throw badParam('cursor', 'is not a cursor for this route');
    const { total, ids: rows } = await readStatementIdPage(db, registry, query, String(cursor?.k ?? ''), limit);
    const more = rows.length > limit;
    const ids = rows.slice(0, limit);
    const items = await itemsOf(db, registry, ids, req.base);
    return { query, total, items, next: more ? encodeCursor({ k: ids[ids.length - 1]! }, fp) : null };
  }
  if (cursor && cursor.o === undefined) throw badParam('cursor', 'is not a cursor for this route');
  const offset = cursor?.o ?? 0;
  const { total, items: hits } = await searchStatements(db, registry, query, { limit, offset });
  const items = await itemsOf(db, registry, hits.map((h) => h.id), req.base);
  return { query, total, items, next: offset + hits.length < total && hits.length > 0 ? encodeCursor({ o: offset + hits.length }, fp) : null };
}

/** /api/v1/search: the search read model (src/store/search.ts); paging cursors are signed (src/search/cursor.ts). */
async function searchPage(ctx: AppContext, req: RequestInfo, facets: string[]) {
  const { db, taxonomies: registry } = ctx.store;
  const limit = parseLimit(req.params);
  const query = queryOf(registry, req.params);
  const fp = fingerprint('search', toSearchParams(query).toString());
  const key = cursorKey({ secret: ctx.config.cursorSecret, dataDir: ctx.config.dataDir });
  const raw = req.params.get('cursor');
  let offset = 0;
  if (raw) {
    try {
      offset = verifyCursor(key, raw, fp, 10_000_000).o;
    } catch (e) {
      if (e instanceof CursorError) throw badParam('cursor', e.message);
      throw e;
    }
  }
  const res = await runSearch(db, registry, { query, facets, offset, limit });
  const items = await itemsOf(db, registry, res.items.map((h) => h.id), req.base);
  const more = offset + res.items.length < res.total && res.items.length > 0;
  return { total: res.total, items, next: more ? signCursor(key, { o: offset + res.items.length }, fp) : null, facets: res.facets };
}

function facetList(registry: TaxonomyRegistry, params: URLSearchParams, hasTopics: boolean): string[] {
  const raw = params.getAll('facets').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!raw.length) return ['kind', 'doctype', 'year', 'language', 'review'];
  const known = new Set<string>([...BASIC_FACETS, ...(hasTopics ? ['topic'] : [])]);
  for (const f of raw) if (!known.has(f) && !registry.has(f)) throw badParam('facets', `"${f}" is not a facet (use ${[...known].join(', ')} or a taxonomy id)`);
  return [...new Set(raw)];
}

async function labelCountsOf(db: Db, taxonomy: string): Promise<Map<string, number>> {
  return (await readLabelCounts(db, taxonomy)).get(taxonomy) ?? new Map();
}

/** One code of a taxonomy with its counts: the API node route and the twin /t/<taxonomy>/<code>.json. */
export function taxonomyNodeJson(t: Taxonomy, code: string, direct: Map<string, number>): z.infer<typeof S.TaxonomyNodeDetail> {
  const n = t.node(code);
  return {
    ...nodeOut(t, code, direct, rolled(t, direct)),
    taxonomy: t.id,
    path: n.path,
    children: n.children,
    statements: `/api/v1/statements?${new URLSearchParams([[t.id, code]]).toString()}`,
  };
}

function taxonomySummary(t: Taxonomy): z.infer<typeof S.TaxonomySummary> {
  return {
    id: t.id,
    version: t.version,
    name: { en: t.data.name.en, zh: t.data.name.zh ?? null },
    description: { en: t.data.description.en, zh: t.data.description.zh ?? null },
    appliesTo: t.data.appliesTo,
    appliesToDocuments: t.data.appliesToDocuments,
    nodeCount: t.nodes.size,
    source: { citation: t.data.source.citation, url: t.data.source.url ?? null },
  };
}

function nodeOut(t: Taxonomy, code: string, direct: Map<string, number>, total: Map<string, number>): z.infer<typeof S.TaxonomyNode> {
  const n = t.node(code);
  return {
    code: n.code,
    parent: n.parent,
    level: n.level,
    name: { en: n.name.en, zh: n.name.zh ?? null },
    description: n.description ? { en: n.description.en, zh: n.description.zh ?? null } : null,
    special: n.special ?? null,
    projectLabel: n.projectLabel,
    count: direct.get(code) ?? 0,
    total: total.get(code) ?? 0,
  };
}

function rolled(t: Taxonomy, direct: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [code, n] of direct) {
    if (!t.has(code)) continue;
    for (const c of [code, ...t.node(code).path]) out.set(c, (out.get(c) ?? 0) + n);
  }
  return out;
}

interface DocRowOut {
  id: string;
  title: string;
  authors: string | null;
  organisation: string | null;
  date: string | null;
  year: number | null;
  doc_type: string;
  language: string;
  jurisdiction: string | null;
  url: string | null;
  doi: string | null;
  dataset: string;
  n: number;
}

function docItem(r: DocRowOut, base: string): z.infer<typeof S.DocumentItem> {
  return {
    id: r.id,
    title: r.title,
    authors: r.authors,
    organisation: r.organisation,
    date: r.date,
    year: r.year,
    type: r.doc_type,
    language: r.language,
    jurisdiction: r.jurisdiction,
    link: r.url,
    doi: r.doi,
    dataset: r.dataset,
    statementCount: Number(r.n),
    url: `${base}/d/${r.id}`,
    cite: citeLinks(base, r.id),
  };
}

/** Whether the topics tables exist (created by the topics module's migration). */
export { hasTopicTables } from '../store/read/stats.ts';

function listStatementsRoute(filters: ParamDoc[]): RouteDoc {
  return {
    path: '/api/v1/statements',
    operationId: 'listStatements',
    summary: { en: 'Statements matching a query', zh: '符合查询条件的条目' },
    description:
      'Every statement (mitigation, principle, risk) matching the filters of /search, in id order, with its document and its current label on every taxonomy. Page through the whole set with `next`.',
    params: [...filters, LIMIT, CURSOR],
    response: S.StatementPage,
    responseId: 'StatementPage',
    exampleQuery: 'kind=mitigation&risk-domain=2&limit=2',
    handler: async (ctx, req) => {
      const { total, items, next } = await statementPage(ctx, req, 'statements', { keyset: true });
      return { total, items, next };
    },
  };
}

async function getStatementHandler(ctx: AppContext, req: RequestInfo) {
  checkAllowed(req.params, []);
  const id = req.path.id!;
  if (!isStatementId(id)) throw notFound(`No statement "${id}". Statement ids look like M000123.`);
  const view = await readStatement(ctx.store.db, ctx.store.taxonomies, id, { baseUrl: req.base });
  if (!view) throw notFound(`No statement "${id}".`);
  return statementDetail(view, ctx.store.taxonomies, req.base);
}

const GET_STATEMENT: RouteDoc = {
  path: '/api/v1/statements/{id}',
  operationId: 'getStatement',
  summary: { en: 'One statement with all its labels and a citation', zh: '单个条目及其全部标签与引用格式' },
  description:
    'A statement with its current labels, every label ever made for it (with provenance: source, model, prompt version, confidence, review), its child statements, its topics and a citation (stable URL, BibTeX, CSL-JSON).',
  params: [{ name: 'id', in: 'path', required: true, schema: z.string(), description: 'Statement id (M…, P… or R… followed by six digits).', example: 'M000001' }],
  response: S.StatementDetail,
  responseId: 'StatementDetail',
  has404: true,
  handler: getStatementHandler,
};

function searchRoute(filters: ParamDoc[], topics: boolean): RouteDoc {
  return {
    path: '/api/v1/search',
    operationId: 'search',
    summary: { en: 'Search with facet counts', zh: '带分面计数的搜索' },
    description:
      'The search behind the /search page: the same filters, results in relevance order (with q) or document order, and counts per facet value. Each facet count leaves that facet’s own filter out, so it says what choosing another value would give.',
    params: [
      ...filters,
      {
        name: 'facets',
        in: 'query',
        schema: z.string(),
        description: `Comma-separated facets to count: ${BASIC_FACETS.join(', ')}${topics ? ', topic' : ''} or a taxonomy id (default: kind, doctype, year, language, review).`,
        example: 'risk-domain,kind',
      },
      LIMIT,
      CURSOR,
    ],
    response: S.SearchResult,
    responseId: 'SearchResult',
    exampleQuery: 'q=audit&facets=risk-domain,kind&limit=2',
    handler: (ctx, req) => searchPage(ctx, req, facetList(ctx.store.taxonomies, req.params, topics)),
  };
}

/** The optional year filter of /documents: undefined when absent, 400 when not a year. */
function yearParam(year: string | null): number | undefined {
  if (!year) return undefined;
  const y = Number(year);
  if (!Number.isInteger(y) || y < 0 || y > 9999) throw badParam('year', `must be a year such as 2024, not "${year}"`);
  return y;
}

async function listDocumentsHandler(ctx: AppContext, req: RequestInfo) {
  const { db } = ctx.store;
  checkAllowed(req.params, ['dataset', 'doctype', 'year', 'limit', 'cursor']);
  const limit = parseLimit(req.params);
  const dataset = req.params.get('dataset');
  const doctype = req.params.get('doctype');
  const year = req.params.get('year');
  const y = yearParam(year);
  const fp = fingerprint('documents', dataset ?? '', doctype ?? '', year ?? '');
  const cursor = decodeCursor(req.params, fp);
  const { total, rows } = await readDocumentPage(db, { dataset: dataset || undefined, doctype: doctype || undefined, year: y }, String(cursor?.k ?? ''), limit);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { total, items: page.map((r) => docItem(r, req.base)), next: more ? encodeCursor({ k: page[page.length - 1]!.id }, fp) : null };
}

const LIST_DOCUMENTS: RouteDoc = {
  path: '/api/v1/documents',
  operationId: 'listDocuments',
  summary: { en: 'Documents', zh: '文件列表' },
  description: 'The documents of the corpus in id order, with the number of statements taken from each.',
  params: [
    { name: 'dataset', in: 'query', schema: z.string(), description: 'Only documents of this dataset.' },
    { name: 'doctype', in: 'query', schema: z.string(), description: 'Only documents of this type.' },
    { name: 'year', in: 'query', schema: z.number().int(), description: 'Only documents published in this year.' },
    LIMIT,
    CURSOR,
  ],
  response: S.DocumentPage,
  responseId: 'DocumentPage',
  exampleQuery: 'limit=2',
  handler: listDocumentsHandler,
};

async function getDocumentHandler(ctx: AppContext, req: RequestInfo) {
  checkAllowed(req.params, []);
  const { db } = ctx.store;
  const id = req.path.id!;
  if (!/^D\d{4,}$/.test(id)) throw notFound(`No document "${id}". Document ids look like D0001.`);
  const view = await readDocument(db, id);
  if (!view) throw notFound(`No document "${id}".`);
  return documentDetail(view, req.base);
}

const GET_DOCUMENT: RouteDoc = {
  path: '/api/v1/documents/{id}',
  operationId: 'getDocument',
  summary: { en: 'One document with its statements, attribution and citation', zh: '单个文件及其条目、署名与引用格式' },
  description: 'A document, the ids of its statements in source order, the attribution its dataset requires, and a citation.',
  params: [{ name: 'id', in: 'path', required: true, schema: z.string(), description: 'Document id (D followed by four or more digits).', example: 'D0001' }],
  response: S.DocumentDetail,
  responseId: 'DocumentDetail',
  has404: true,
  handler: getDocumentHandler,
};

const LIST_TAXONOMIES: RouteDoc = {
  path: '/api/v1/taxonomies',
  operationId: 'listTaxonomies',
  summary: { en: 'Taxonomies', zh: '分类体系' },
  description: 'Every taxonomy govnav labels with: version, what it applies to, and its published source.',
  params: [],
  response: S.TaxonomyList,
  responseId: 'TaxonomyList',
  handler: async (ctx, req) => {
    checkAllowed(req.params, []);
    return { items: ctx.store.taxonomies.list().map(taxonomySummary) };
  },
};

async function getTaxonomyHandler(ctx: AppContext, req: RequestInfo) {
  checkAllowed(req.params, []);
  const reg = ctx.store.taxonomies;
  const id = req.path.taxonomy!;
  if (!reg.has(id)) throw notFound(`No taxonomy "${id}". Known: ${reg.list().map((t) => t.id).join(', ')}.`);
  const t = reg.get(id);
  const direct = await labelCountsOf(ctx.store.db, id);
  const total = rolled(t, direct);
  return { ...taxonomySummary(t), nodes: t.ordered().map((n) => nodeOut(t, n.code, direct, total)) };
}

const GET_TAXONOMY: RouteDoc = {
  path: '/api/v1/taxonomies/{taxonomy}',
  operationId: 'getTaxonomy',
  summary: { en: 'A taxonomy with its codes and counts', zh: '分类体系及其代码与数量' },
  description: 'All codes of a taxonomy in display order (depth first) with English and Chinese names and the number of statements labelled with each.',
  params: [{ name: 'taxonomy', in: 'path', required: true, schema: z.string(), description: 'Taxonomy id.', example: 'risk-domain' }],
  response: S.TaxonomyDetail,
  responseId: 'TaxonomyDetail',
  has404: true,
  handler: getTaxonomyHandler,
};

async function getTaxonomyNodeHandler(ctx: AppContext, req: RequestInfo) {
  checkAllowed(req.params, []);
  const reg = ctx.store.taxonomies;
  const id = req.path.taxonomy!;
  const code = req.path.code!;
  if (!reg.has(id)) throw notFound(`No taxonomy "${id}".`);
  const t = reg.get(id);
  if (!t.has(code)) throw notFound(`No code "${code}" in taxonomy "${id}".`);
  return taxonomyNodeJson(t, code, await labelCountsOf(ctx.store.db, id));
}

const GET_TAXONOMY_NODE: RouteDoc = {
  path: '/api/v1/taxonomies/{taxonomy}/{code}',
  operationId: 'getTaxonomyNode',
  summary: { en: 'One code of a taxonomy', zh: '分类体系中的单个代码' },
  description: 'A code with its description, ancestors, children, counts, and the API URL of its statements.',
  params: [
    { name: 'taxonomy', in: 'path', required: true, schema: z.string(), description: 'Taxonomy id.', example: 'risk-domain' },
    { name: 'code', in: 'path', required: true, schema: z.string(), description: 'A code of that taxonomy.', example: '2.1' },
  ],
  response: S.TaxonomyNodeDetail,
  responseId: 'TaxonomyNodeDetail',
  has404: true,
  handler: getTaxonomyNodeHandler,
};

/** The filters of /classifications, each checked (400 on the first bad one). */
function classificationFilters(registry: TaxonomyRegistry, params: URLSearchParams) {
  const statement = params.get('statement');
  const taxonomy = params.get('taxonomy');
  const source = params.get('source');
  const current = params.get('current');
  if (statement && !/^[MRP]\d{6,}$/.test(statement)) throw badParam('statement', `must be a statement id such as M000123, not "${statement}"`);
  if (taxonomy && !registry.has(taxonomy)) throw badParam('taxonomy', `unknown taxonomy "${taxonomy}"`);
  if (source && !(CLASSIFICATION_SOURCES as readonly string[]).includes(source)) throw badParam('source', `must be one of ${CLASSIFICATION_SOURCES.join(', ')}`);
  if (current && current !== 'true' && current !== 'false') throw badParam('current', 'must be true or false');
  return { statement, taxonomy, source, current };
}

async function listClassificationsHandler(ctx: AppContext, req: RequestInfo) {
  const { db, taxonomies: reg } = ctx.store;
  checkAllowed(req.params, ['statement', 'taxonomy', 'source', 'current', 'limit', 'cursor']);
  const limit = parseLimit(req.params);
  const { statement, taxonomy, source, current } = classificationFilters(reg, req.params);
  const fp = fingerprint('classifications', statement ?? '', taxonomy ?? '', source ?? '', current ?? '');
  const cursor = decodeCursor(req.params, fp);
  if (cursor && typeof cursor.k !== 'number') throw badParam('cursor', 'is not a cursor for this route');
  const filters = { statement: statement || undefined, taxonomy: taxonomy || undefined, source: source || undefined, current: current ? current === 'true' : undefined };
  const { total, rows } = await readClassificationPage(db, filters, Number(cursor?.k ?? 0), limit);
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map((r) => toClassification(reg, r));
  return { total, items: page, next: more ? encodeCursor({ k: page[page.length - 1]!.id }, fp) : null };
}

const LIST_CLASSIFICATIONS: RouteDoc = {
  path: '/api/v1/classifications',
  operationId: 'listClassifications',
  summary: { en: 'Labels with their provenance', zh: '标签及其来源' },
  description:
    'Labels (classifications) in id order with full provenance: who or what made each (human, imported, annotation = govnav project annotation, llm, embedded), model and prompt version, confidence, reasoning, review state, and whether it is the current label.',
  params: [
    { name: 'statement', in: 'query', schema: z.string(), description: 'Only labels of this statement.', example: 'M000001' },
    { name: 'taxonomy', in: 'query', schema: z.string(), description: 'Only labels on this taxonomy.' },
    { name: 'source', in: 'query', schema: z.enum(CLASSIFICATION_SOURCES), description: 'Only labels from this source.' },
    { name: 'current', in: 'query', schema: z.enum(['true', 'false']), description: 'Only current (true) or only superseded (false) labels.' },
    LIMIT,
    CURSOR,
  ],
  response: S.ClassificationPage,
  responseId: 'ClassificationPage',
  exampleQuery: 'statement=M000001',
  handler: listClassificationsHandler,
};

async function listDatasetsHandler(ctx: AppContext, req: RequestInfo) {
  checkAllowed(req.params, []);
  const rows = await readDatasetSummaries(ctx.store.db);
  return {
    items: rows.map((r) => ({
      id: r.id,
      version: r.version,
      licence: r.licence,
      attribution: r.attribution,
      sourceUrl: r.source_url,
      importedAt: iso(r.imported_at),
      documents: Number(r.documents),
      statements: Number(r.statements),
    })),
  };
}

const LIST_DATASETS: RouteDoc = {
  path: '/api/v1/datasets',
  operationId: 'listDatasets',
  summary: { en: 'Source datasets, licences and attribution', zh: '来源数据集、许可与署名' },
  description: 'The datasets the corpus was imported from, with the licence of each and the attribution that must accompany its data.',
  params: [],
  response: S.DatasetList,
  responseId: 'DatasetList',
  handler: listDatasetsHandler,
};

function topicOut(t: TopicSummary) {
  return {
    id: t.id,
    name: { en: t.name_en, zh: t.name_zh },
    description: { en: t.description_en, zh: t.description_zh },
    statementCount: Number(t.n),
  };
}

const LIST_TOPICS: RouteDoc = {
  path: '/api/v1/topics',
  operationId: 'listTopics',
  summary: { en: 'Topics', zh: '主题' },
  description: 'The bilingual topics statements are linked to, with the number of linked statements.',
  params: [],
  response: S.TopicList,
  responseId: 'TopicList',
  handler: async (ctx, req) => {
    checkAllowed(req.params, []);
    const rows = await readTopicSummaries(ctx.store.db);
    return { items: rows.map(topicOut) };
  },
};

const GET_TOPIC: RouteDoc = {
  path: '/api/v1/topics/{id}',
  operationId: 'getTopic',
  summary: { en: 'One topic', zh: '单个主题' },
  description: 'A topic with its matching terms in English and Chinese and the API URL of its statements.',
  params: [{ name: 'id', in: 'path', required: true, schema: z.string(), description: 'Topic id.', example: 'safety' }],
  response: S.TopicDetail,
  responseId: 'TopicDetail',
  has404: true,
  handler: async (ctx, req) => {
    checkAllowed(req.params, []);
    const id = req.path.id!;
    const [t] = await readTopicSummaries(ctx.store.db, id);
    if (!t) throw notFound(`No topic "${id}".`);
    return { ...topicOut(t), terms: t.terms, lexiconVersion: t.lexicon_version, statements: `/api/v1/statements?topic=${encodeURIComponent(id)}` };
  },
};

export function apiRoutes(registry: TaxonomyRegistry, opts: { topics: boolean }): RouteDoc[] {
  const filters = filterParams(registry);
  return [
    listStatementsRoute(filters),
    GET_STATEMENT,
    searchRoute(filters, opts.topics),
    LIST_DOCUMENTS,
    GET_DOCUMENT,
    LIST_TAXONOMIES,
    GET_TAXONOMY,
    GET_TAXONOMY_NODE,
    LIST_CLASSIFICATIONS,
    LIST_DATASETS,
    ...(opts.topics ? [LIST_TOPICS, GET_TOPIC] : []),
  ];
}

/** The filter parameters /statements and /search accept besides the taxonomy ids. */
export function statementParamNames(registry: TaxonomyRegistry): string[] {
  return filterParams(registry).map((p) => p.name);
}

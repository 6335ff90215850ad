// Reading topics and their links: the topic list with counts, and the data of one topic's page
// (per document, its statements on the topic), with filters by document type, jurisdiction, year
// and statement kind. Only live statements of live documents and live topics count.
import type { Db } from '../store/db.ts';
import { z } from 'zod';
import { int, queryRow, queryRows, real, row, text } from '../store/schema/columns.ts';
import { documents, statements, topics } from '../store/schema/tables.ts';

export interface TopicFilters {
  docType?: string[];
  jurisdiction?: string[];
  year?: number[];
  kind?: string[];
  /** Restrict to these documents. */
  documents?: string[];
}

export class TopicsNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicsNotFound';
  }
}

/** SQL conditions on aliases d (documents) and s (statements) for the filters; params are appended. */
export function filterSql(f: TopicFilters, params: unknown[]): string {
  const parts = ['s.retired_at IS NULL', docFilterSql(f, params)];
  if (f.kind?.length) {
    params.push(f.kind);
    parts.push(`s.kind = ANY($${params.length}::text[])`);
  }
  return parts.join(' AND ');
}

/** SQL conditions on documents (alias d) only: the document filters of `f`. */
export function docFilterSql(f: TopicFilters, params: unknown[]): string {
  const parts = ['d.retired_at IS NULL'];
  const add = (col: string, values: unknown[] | undefined, type: string) => {
    if (!values?.length) return;
    params.push(values);
    parts.push(`${col} = ANY($${params.length}::${type}[])`);
  };
  add('d.doc_type', f.docType, 'text');
  add('d.jurisdiction', f.jurisdiction, 'text');
  add('d.year', f.year, 'int');
  add('d.id', f.documents, 'text');
  return parts.join(' AND ');
}

/**
 * The same filters for queries over links (alias st = statement_topics, d = documents): links carry
 * their statement's document, kind and order, and only live statements have links.
 */
export function linkFilterSql(f: TopicFilters, params: unknown[]): string {
  const parts = ['d.retired_at IS NULL'];
  const add = (col: string, values: unknown[] | undefined, type: string) => {
    if (!values?.length) return;
    params.push(values);
    parts.push(`${col} = ANY($${params.length}::${type}[])`);
  };
  add('d.doc_type', f.docType, 'text');
  add('d.jurisdiction', f.jurisdiction, 'text');
  add('d.year', f.year, 'int');
  add('st.kind', f.kind, 'text');
  add('st.document_id', f.documents, 'text');
  return parts.join(' AND ');
}

const Label = z.object({ en: z.string(), zh: z.string().optional() });
/** A topic as the pages read it (its lexicon terms without their patterns). */
const TopicRowSchema = topics.row
  .pick({ id: true, ord: true, name_en: true, name_zh: true, description_en: true, description_zh: true, lexicon_version: true })
  .extend({ terms: z.array(z.object({ id: z.string(), label: Label, weight: z.number() })) });
export type TopicRow = z.infer<typeof TopicRowSchema>;
const TopicWithCountsSchema = TopicRowSchema.extend(row({ statements: int(), documents: int() }).shape);
export type TopicWithCounts = z.infer<typeof TopicWithCountsSchema>;

/** Live topics in lexicon order with the number of linked statements and documents. */
export async function listTopics(db: Db, filters: TopicFilters = {}): Promise<TopicWithCounts[]> {
  const params: unknown[] = [];
  const where = linkFilterSql(filters, params);
  return queryRows(
    db,
    TopicWithCountsSchema,
    `SELECT t.id, t.ord, t.name_en, t.name_zh, t.description_en, t.description_zh, t.terms, t.lexicon_version,
       coalesce(c.statements, 0)::int AS statements, coalesce(c.documents, 0)::int AS documents
     FROM topics t LEFT JOIN (
       SELECT st.topic_id, count(*) AS statements, count(DISTINCT coalesce(d.work_id, d.id)) AS documents
       FROM statement_topics st JOIN documents d ON d.id = st.document_id
       WHERE ${where} AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = st.statement_id AND x.same_as IS NOT NULL) GROUP BY st.topic_id
     ) c ON c.topic_id = t.id
     WHERE NOT t.retired ORDER BY t.ord`,
    params,
    'topics with counts',
  );
}

/** Live topics in lexicon order, without counts. */
export async function liveTopics(db: Db): Promise<TopicRow[]> {
  return queryRows(
    db,
    TopicRowSchema,
    'SELECT id, ord, name_en, name_zh, description_en, description_zh, terms, lexicon_version FROM topics WHERE NOT retired ORDER BY ord',
    [],
    'live topics',
  );
}

export async function getTopic(db: Db, id: string): Promise<TopicRow | undefined> {
  return queryRow(
    db,
    TopicRowSchema,
    'SELECT id, ord, name_en, name_zh, description_en, description_zh, terms, lexicon_version FROM topics WHERE id = $1 AND NOT retired',
    [id],
    'topic',
  );
}

export const DocumentMetaSchema = documents.row.pick({
  id: true,
  title: true,
  organisation: true,
  authors: true,
  date: true,
  year: true,
  doc_type: true,
  jurisdiction: true,
  language: true,
  attribution: true,
});
export type DocumentMeta = z.infer<typeof DocumentMetaSchema>;

// A stored match as the linker writes it (src/topics/match.ts MatchedTerm). Links written by older
// lexicon versions may lack the label, weight, field or forms: the page needs only the term and a
// label, so a missing label falls back to the term and the rest stays optional.
const MatchedTermSchema = z
  .object({
    term: z.string(),
    label: Label.optional(),
    weight: z.number().optional(),
    count: z.number().optional(),
    field: z.string().optional(),
    forms: z.array(z.string()).optional(),
  })
  .transform((m) => ({ ...m, label: m.label ?? { en: m.term } }));
export const TopicStatementSchema = statements.row
  .pick({ id: true, document_id: true, kind: true, ord: true, name: true, text: true, language: true, locator_ref: true, page: true })
  .extend({ score: real().schema, matched_terms: z.array(MatchedTermSchema) });
export type TopicStatement = z.infer<typeof TopicStatementSchema>;

export interface TopicPageData {
  topic: TopicRow;
  filters: TopicFilters;
  /** Statements and documents on the topic after filtering. */
  totalStatements: number;
  totalDocuments: number;
  /** Value counts on the topic with the other filters applied. */
  facets: { docType: { value: string; n: number }[]; jurisdiction: { value: string; n: number }[]; year: { value: number; n: number }[]; kind: { value: string; n: number }[] };
  /**
   * This page's documents, ordered by the kind of what they say on the topic (principles, then
   * mitigations, then risks: see KIND_RANK), then most statements of that kind first; each with up
   * to `perDocument` statements, principles and mitigations before risks, in source order within a kind.
   */
  documents: (DocumentMeta & { count: number; statements: TopicStatement[] })[];
  page: number;
  pages: number;
}

export interface TopicPageOptions {
  page?: number;
  documentsPerPage?: number;
  perDocument?: number;
}

/** Topic pages lead with what to do (principles, mitigations) before what can go wrong (risks, attack techniques). */
export const KIND_RANK: Record<string, number> = { principle: 0, mitigation: 1, risk: 2 };
const rankOf = (k: string) => KIND_RANK[k] ?? 3;
const KIND_RANK_SQL = `CASE st.kind WHEN 'principle' THEN 0 WHEN 'mitigation' THEN 1 WHEN 'risk' THEN 2 ELSE 3 END`;

const DOC_COLS = 'd.id, d.title, d.organisation, d.authors, d.date, d.year, d.doc_type, d.jurisdiction, d.language, d.attribution';

type Cell = { document_id: string; kind: string; n: number };
const CellRow = row({ document_id: text(), kind: text(), n: int() });

/** The topic's link counts per (document, kind); statements with the same text as another of their work (same_as) count once (src/store/works.ts). */
async function linkCells(db: Db, topicId: string): Promise<Cell[]> {
  return queryRows(
    db,
    CellRow,
    `SELECT st.document_id, st.kind, count(*)::int AS n FROM statement_topics st WHERE st.topic_id = $1
       AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = st.statement_id AND x.same_as IS NOT NULL) GROUP BY st.document_id, st.kind`,
    [topicId],
    'topic link counts',
  );
}

/** Does a document (or a kind) pass the filters, optionally ignoring one of them (for that filter's facet)? */
function filterTests(filters: TopicFilters) {
  const has = <T>(values: T[] | undefined, v: T | null) => !values?.length || (v !== null && values.includes(v));
  const docPasses = (d: DocumentMeta, without?: keyof TopicFilters) =>
    (without === 'docType' || has(filters.docType, d.doc_type)) &&
    (without === 'jurisdiction' || has(filters.jurisdiction, d.jurisdiction)) &&
    (without === 'year' || has(filters.year, d.year)) &&
    (without === 'documents' || has(filters.documents, d.id));
  const kindPasses = (k: string, without?: keyof TopicFilters) => without === 'kind' || has(filters.kind, k);
  return { docPasses, kindPasses };
}

/** The documents that pass the filters with their link counts, in page order (see TopicPageData.documents). */
function rankedDocuments(cells: Cell[], metaById: Map<string, DocumentMeta>, filters: TopicFilters): (DocumentMeta & { count: number })[] {
  const { docPasses, kindPasses } = filterTests(filters);
  const count = new Map<string, number>();
  // Per document: the best (lowest) kind rank among its links, and how many links have that kind.
  const lead = new Map<string, { rank: number; n: number }>();
  for (const c of cells) {
    const d = metaById.get(c.document_id);
    if (!d || !docPasses(d) || !kindPasses(c.kind)) continue;
    count.set(d.id, (count.get(d.id) ?? 0) + c.n);
    const r = rankOf(c.kind);
    const cur = lead.get(d.id);
    if (!cur || r < cur.rank) lead.set(d.id, { rank: r, n: c.n });
    else if (r === cur.rank) cur.n += c.n;
  }
  return [...count]
    .map(([id, n]) => ({ ...metaById.get(id)!, count: n }))
    .sort((a, b) => {
      const la = lead.get(a.id)!;
      const lb = lead.get(b.id)!;
      return la.rank - lb.rank || lb.n - la.n || b.count - a.count || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
    });
}

/** Facets: for each, the counts with every other filter applied. */
function topicFacets(cells: Cell[], metaById: Map<string, DocumentMeta>, filters: TopicFilters): TopicPageData['facets'] {
  const { docPasses, kindPasses } = filterTests(filters);
  const facet = <T extends string | number>(without: keyof TopicFilters, value: (d: DocumentMeta, kind: string) => T | null) => {
    const m = new Map<T, number>();
    for (const c of cells) {
      const d = metaById.get(c.document_id);
      if (!d || !docPasses(d, without) || !kindPasses(c.kind, without)) continue;
      const v = value(d, c.kind);
      if (v !== null && v !== undefined) m.set(v, (m.get(v) ?? 0) + c.n);
    }
    return [...m].map(([v, n]) => ({ value: v, n })).sort((a, b) => b.n - a.n || String(a.value).localeCompare(String(b.value)));
  };
  return {
    docType: facet<string>('docType', (d) => d.doc_type),
    jurisdiction: facet<string>('jurisdiction', (d) => d.jurisdiction),
    year: facet<number>('year', (d) => d.year).sort((a, b) => b.value - a.value),
    kind: facet<string>('kind', (_d, k) => k),
  };
}

/** Up to `perDoc` statements on the topic of each of these documents, principles and mitigations first. */
async function pageStatements(db: Db, topicId: string, docIds: string[], perDoc: number, kinds?: string[]): Promise<Map<string, TopicStatement[]>> {
  const sp: unknown[] = [topicId, docIds, perDoc];
  const kindSql = kinds?.length ? `AND st.kind = ANY($${sp.push(kinds)}::text[])` : '';
  const statements = await queryRows(
    db,
    TopicStatementSchema,
    `SELECT s.id, s.document_id, s.kind, s.ord, s.name, s.text, s.language, s.locator_ref, s.page, x.score, x.matched_terms
     FROM unnest($2::text[]) AS doc(id)
     CROSS JOIN LATERAL (
       SELECT st.statement_id, st.ord, ${KIND_RANK_SQL} AS rank, st.score, st.matched_terms FROM statement_topics st
       WHERE st.topic_id = $1 AND st.document_id = doc.id ${kindSql}
       ORDER BY ${KIND_RANK_SQL}, st.ord, st.statement_id LIMIT $3
     ) x JOIN statements s ON s.id = x.statement_id
     ORDER BY s.document_id, x.rank, x.ord, x.statement_id`,
    sp,
    'topic page statements',
  );
  const byDoc = new Map<string, TopicStatement[]>();
  for (const s of statements) {
    const list = byDoc.get(s.document_id);
    if (list) list.push(s);
    else byDoc.set(s.document_id, [s]);
  }
  return byDoc;
}

/**
 * Everything one topic page shows, in three queries whatever the corpus size: the topic's link
 * counts per (document, kind) — from which the totals, the page's documents and every facet are
 * worked out here — the metadata of those documents, and the statements of this page's documents.
 */
export async function topicPage(db: Db, topicId: string, filters: TopicFilters = {}, opts: TopicPageOptions = {}): Promise<TopicPageData> {
  const topic = await getTopic(db, topicId);
  if (!topic) throw new TopicsNotFound(`no topic "${topicId}"`);
  const perPage = Math.max(1, opts.documentsPerPage ?? 20);
  const perDoc = Math.max(1, opts.perDocument ?? 10);

  const cells = await linkCells(db, topicId);
  const docIds = [...new Set(cells.map((c) => c.document_id))];
  const metas = docIds.length
    ? await queryRows(db, DocumentMetaSchema, `SELECT ${DOC_COLS} FROM documents d WHERE d.id = ANY($1::text[]) AND d.retired_at IS NULL`, [docIds], 'topic documents')
    : [];
  const metaById = new Map(metas.map((m) => [m.id, m]));

  const counts = rankedDocuments(cells, metaById, filters);
  const totalStatements = counts.reduce((a, r) => a + r.count, 0);
  const pages = Math.max(1, Math.ceil(counts.length / perPage));
  const page = Math.min(Math.max(1, opts.page ?? 1), pages);
  const onPage = counts.slice((page - 1) * perPage, page * perPage);
  const byDoc = onPage.length ? await pageStatements(db, topicId, onPage.map((d) => d.id), perDoc, filters.kind) : new Map<string, TopicStatement[]>();
  return {
    topic,
    filters,
    totalStatements,
    totalDocuments: counts.length,
    facets: topicFacets(cells, metaById, filters),
    documents: onPage.map((d) => ({ ...d, statements: byDoc.get(d.id) ?? [] })),
    page,
    pages,
  };
}

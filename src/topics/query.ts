// Reading topics and their links: the topic list with counts, and the data of one topic's page
// (per document, its statements on the topic), with filters by document type, jurisdiction, year
// and statement kind. Only live statements of live documents and live topics count.
import type { Db } from '../store/db.ts';

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
  const parts = ['s.retired_at IS NULL', 'd.retired_at IS NULL'];
  const add = (col: string, values: unknown[] | undefined, type: string) => {
    if (!values?.length) return;
    params.push(values);
    parts.push(`${col} = ANY($${params.length}::${type}[])`);
  };
  add('d.doc_type', f.docType, 'text');
  add('d.jurisdiction', f.jurisdiction, 'text');
  add('d.year', f.year, 'int');
  add('s.kind', f.kind, 'text');
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

export interface TopicRow {
  id: string;
  ord: number;
  name_en: string;
  name_zh: string | null;
  description_en: string;
  description_zh: string | null;
  terms: { id: string; label: { en: string; zh?: string }; weight: number }[];
  lexicon_version: string;
}

export interface TopicWithCounts extends TopicRow {
  statements: number;
  documents: number;
}

/** Live topics in lexicon order with the number of linked statements and documents. */
export async function listTopics(db: Db, filters: TopicFilters = {}): Promise<TopicWithCounts[]> {
  const params: unknown[] = [];
  const where = linkFilterSql(filters, params);
  return db.query<TopicWithCounts>(
    `SELECT t.id, t.ord, t.name_en, t.name_zh, t.description_en, t.description_zh, t.terms, t.lexicon_version,
       coalesce(c.statements, 0)::int AS statements, coalesce(c.documents, 0)::int AS documents
     FROM topics t LEFT JOIN (
       SELECT st.topic_id, count(*) AS statements, count(DISTINCT st.document_id) AS documents
       FROM statement_topics st JOIN documents d ON d.id = st.document_id
       WHERE ${where} GROUP BY st.topic_id
     ) c ON c.topic_id = t.id
     WHERE NOT t.retired ORDER BY t.ord`,
    params,
  );
}

export async function getTopic(db: Db, id: string): Promise<TopicRow | undefined> {
  const [row] = await db.query<TopicRow>(
    'SELECT id, ord, name_en, name_zh, description_en, description_zh, terms, lexicon_version FROM topics WHERE id = $1 AND NOT retired',
    [id],
  );
  return row;
}

export interface DocumentMeta {
  id: string;
  title: string;
  organisation: string | null;
  authors: string | null;
  date: string | null;
  year: number | null;
  doc_type: string;
  jurisdiction: string | null;
  language: string;
  attribution: string;
}

export interface TopicStatement {
  id: string;
  document_id: string;
  kind: string;
  ord: number;
  name: string;
  text: string;
  language: string;
  locator_ref: string | null;
  page: number | null;
  score: number;
  matched_terms: { term: string; label: { en: string; zh?: string }; weight: number; count: number; field: string; forms: string[] }[];
}

export interface TopicPageData {
  topic: TopicRow;
  filters: TopicFilters;
  /** Statements and documents on the topic after filtering. */
  totalStatements: number;
  totalDocuments: number;
  /** Value counts on the topic with the other filters applied. */
  facets: { docType: { value: string; n: number }[]; jurisdiction: { value: string; n: number }[]; year: { value: number; n: number }[]; kind: { value: string; n: number }[] };
  /** This page's documents, most statements first, each with up to `perDocument` statements in source order. */
  documents: (DocumentMeta & { count: number; statements: TopicStatement[] })[];
  page: number;
  pages: number;
}

export interface TopicPageOptions {
  page?: number;
  documentsPerPage?: number;
  perDocument?: number;
}

const DOC_COLS = 'd.id, d.title, d.organisation, d.authors, d.date, d.year, d.doc_type, d.jurisdiction, d.language, d.attribution';

/** Everything one topic page shows, in a fixed number of queries whatever the corpus size. */
export async function topicPage(db: Db, topicId: string, filters: TopicFilters = {}, opts: TopicPageOptions = {}): Promise<TopicPageData> {
  const topic = await getTopic(db, topicId);
  if (!topic) throw new TopicsNotFound(`no topic "${topicId}"`);
  const perPage = Math.max(1, opts.documentsPerPage ?? 20);
  const perDoc = Math.max(1, opts.perDocument ?? 10);

  const params: unknown[] = [topicId];
  const where = linkFilterSql(filters, params);
  const perDocCounts = await db.query<{ document_id: string; count: number }>(
    `SELECT st.document_id, count(*)::int AS count
     FROM statement_topics st JOIN documents d ON d.id = st.document_id
     WHERE st.topic_id = $1 AND ${where}
     GROUP BY st.document_id`,
    params,
  );
  const metas = perDocCounts.length
    ? await db.query<DocumentMeta>(`SELECT ${DOC_COLS} FROM documents d WHERE d.id = ANY($1::text[])`, [perDocCounts.map((r) => r.document_id)])
    : [];
  const metaById = new Map(metas.map((m) => [m.id, m]));
  const counts = perDocCounts
    .map((r) => ({ ...metaById.get(r.document_id)!, count: r.count }))
    .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  const totalStatements = counts.reduce((a, r) => a + r.count, 0);
  const pages = Math.max(1, Math.ceil(counts.length / perPage));
  const page = Math.min(Math.max(1, opts.page ?? 1), pages);
  const onPage = counts.slice((page - 1) * perPage, page * perPage);

  const facets = await topicFacets(db, topicId, filters);

  let statements: TopicStatement[] = [];
  if (onPage.length) {
    const sp: unknown[] = [topicId, onPage.map((d) => d.id), perDoc];
    const kindSql = filters.kind?.length ? `AND st.kind = ANY($${sp.push(filters.kind)}::text[])` : '';
    statements = await db.query<TopicStatement>(
      `SELECT s.id, s.document_id, s.kind, s.ord, s.name, s.text, s.language, s.locator_ref, s.page, x.score, x.matched_terms
       FROM (
         SELECT st.statement_id, st.document_id, st.ord, st.score, st.matched_terms,
           row_number() OVER (PARTITION BY st.document_id ORDER BY st.ord, st.statement_id) AS rn
         FROM statement_topics st
         WHERE st.topic_id = $1 AND st.document_id = ANY($2::text[]) ${kindSql}
       ) x JOIN statements s ON s.id = x.statement_id
       WHERE x.rn <= $3 ORDER BY x.document_id, x.ord, x.statement_id`,
      sp,
    );
  }
  const byDoc = new Map<string, TopicStatement[]>();
  for (const s of statements) {
    const list = byDoc.get(s.document_id);
    if (list) list.push(s);
    else byDoc.set(s.document_id, [s]);
  }
  return {
    topic,
    filters,
    totalStatements,
    totalDocuments: counts.length,
    facets,
    documents: onPage.map((d) => ({ ...d, statements: byDoc.get(d.id) ?? [] })),
    page,
    pages,
  };
}

/** For each facet, value counts with every other filter applied (so choices combine sensibly). */
async function topicFacets(db: Db, topicId: string, f: TopicFilters): Promise<TopicPageData['facets']> {
  const one = async <T>(col: string, without: keyof TopicFilters): Promise<{ value: T; n: number }[]> => {
    const params: unknown[] = [topicId];
    const where = linkFilterSql({ ...f, [without]: undefined }, params);
    return db.query<{ value: T; n: number }>(
      `SELECT ${col} AS value, count(*)::int AS n
       FROM statement_topics st JOIN documents d ON d.id = st.document_id
       WHERE st.topic_id = $1 AND ${where} AND ${col} IS NOT NULL GROUP BY ${col} ORDER BY count(*) DESC, ${col}`,
      params,
    );
  };
  const [docType, jurisdiction, year, kind] = await Promise.all([
    one<string>('d.doc_type', 'docType'),
    one<string>('d.jurisdiction', 'jurisdiction'),
    one<number>('d.year', 'year'),
    one<string>('st.kind', 'kind'),
  ]);
  year.sort((a, b) => b.value - a.value);
  return { docType, jurisdiction, year, kind };
}

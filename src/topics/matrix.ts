// Coverage: documents × topics, each cell the number of the document's statements linked to the
// topic. From it: the topics each document alone covers, the documents with no link to a topic,
// and whether any document covers every topic.
import { stringify } from 'csv-stringify/sync';
import { csvSafeRow } from '../export/writers.ts';
import type { Db } from '../store/db.ts';
import { workRepresentatives } from '../store/works.ts';
import { docFilterSql, DocumentMetaSchema, liveTopics, type DocumentMeta, type TopicFilters, type TopicRow } from './query.ts';
import { int, queryRows, row, text } from '../store/schema/columns.ts';

export const MATRIX_SORTS = ['coverage', 'title', 'statements', 'date', 'organisation'] as const;
export type MatrixSort = (typeof MATRIX_SORTS)[number] | `topic:${string}`;

/**
 * One row of the matrix: a work (documents of several datasets or ingests carrying the same work
 * are one row, src/store/works.ts). `id` and the metadata are those of the document that stands
 * for the work; counts are the work's distinct statements.
 */
export interface MatrixDocument extends DocumentMeta {
  work_id: string;
  /** Live documents of the work passing the filters. */
  sources: number;
  /** Distinct live statements of the work (after the kind filter). */
  statements: number;
  /** topic id → linked statements. */
  cells: Record<string, number>;
  /** Topics with at least one statement. */
  covered: number;
  /** Topics no other document in the matrix covers. */
  only: string[];
}

export interface CoverageMatrix {
  topics: TopicRow[];
  documents: MatrixDocument[];
  /** topic id → { documents covering it, statements linked }. */
  topicTotals: Record<string, { documents: number; statements: number }>;
  /** topic id → ids of documents with no statement on it. */
  uncovered: Record<string, string[]>;
  /** Documents that cover every topic (usually none). */
  fullCoverage: string[];
  sort: MatrixSort;
}

export interface MatrixOptions extends TopicFilters {
  sort?: MatrixSort;
  /** Leave out documents with fewer than this many live statements (default 1). */
  minStatements?: number;
}

/** Live statements per document (one pass over statements, no join) and links per document and topic (links exist only for live statements). */
async function matrixCounts(db: Db, kinds: string[] | null) {
  const totals = await queryRows(
    db,
    row({ document_id: text(), n: int() }),
    `SELECT document_id, count(*)::int AS n FROM statements
     WHERE retired_at IS NULL AND same_as IS NULL AND ($1::text[] IS NULL OR kind = ANY($1::text[])) GROUP BY document_id`,
    [kinds],
    'matrix statement totals',
  );
  const cells = await queryRows(
    db,
    row({ document_id: text(), topic_id: text(), n: int() }),
    `SELECT document_id, topic_id, count(*)::int AS n FROM statement_topics st
     WHERE ($1::text[] IS NULL OR kind = ANY($1::text[])) AND NOT EXISTS (SELECT 1 FROM statements x WHERE x.id = st.statement_id AND x.same_as IS NOT NULL) GROUP BY document_id, topic_id`,
    [kinds],
    'matrix cells',
  );
  return { totals, cells };
}

export async function coverageMatrix(db: Db, opts: MatrixOptions = {}): Promise<CoverageMatrix> {
  const topics = await liveTopics(db);
  const live = new Set(topics.map((t) => t.id));
  // Documents passing the document filters (the documents table is small)...
  const params: unknown[] = [];
  const docWhere = docFilterSql(opts, params);
  const metas = await queryRows(
    db,
    DocumentMetaSchema,
    `SELECT d.id, d.title, d.organisation, d.authors, d.date, d.year, d.doc_type, d.jurisdiction, d.language, d.attribution
     FROM documents d WHERE ${docWhere}`,
    params,
    'matrix documents',
  );
  const { totals, cells } = await matrixCounts(db, opts.kind?.length ? opts.kind : null);
  // One row per work: members' counts add up (same texts within a work are already left out above).
  const reps = await workRepresentatives(db);
  const metaOf = new Map(metas.map((d) => [d.id, d]));
  const rowOf = (docId: string) => reps.get(docId)?.work ?? docId;
  const byWork = new Map<string, MatrixDocument>();
  const repOfWork = new Map([...reps.values()].map((r) => [r.work, r.representative]));
  const repMeta = (w: string, fallback: DocumentMeta) => metaOf.get(repOfWork.get(w) ?? '') ?? fallback;
  for (const d of metas) {
    const w = rowOf(d.id);
    let row = byWork.get(w);
    if (!row) byWork.set(w, (row = { ...d, work_id: w, sources: 0, statements: 0, cells: {}, covered: 0, only: [] }));
    row.sources++;
  }
  // The row shows the work's representative document when it passes the filters, else its first member that does.
  for (const [w, row] of byWork) {
    const m = repMeta(w, row);
    Object.assign(row, { ...m, work_id: w, sources: row.sources, statements: 0, cells: {}, covered: 0, only: [] });
  }
  for (const r of totals) {
    const row = metaOf.has(r.document_id) ? byWork.get(rowOf(r.document_id)) : undefined;
    if (row) row.statements += r.n;
  }
  for (const c of cells) {
    const row = metaOf.has(c.document_id) ? byWork.get(rowOf(c.document_id)) : undefined;
    if (row && live.has(c.topic_id)) row.cells[c.topic_id] = (row.cells[c.topic_id] ?? 0) + c.n;
  }
  const minStatements = Math.max(1, Math.floor(opts.minStatements ?? 1));
  const byDoc = new Map<string, MatrixDocument>();
  for (const row of byWork.values()) if (row.statements >= minStatements) byDoc.set(row.id, row);
  const documents = [...byDoc.values()];
  const topicTotals: CoverageMatrix['topicTotals'] = {};
  const uncovered: CoverageMatrix['uncovered'] = {};
  for (const t of topics) {
    const covering = documents.filter((d) => (d.cells[t.id] ?? 0) > 0);
    // Rows are works already: documents carrying the same work count once.
    topicTotals[t.id] = { documents: covering.length, statements: covering.reduce((a, d) => a + d.cells[t.id]!, 0) };
    uncovered[t.id] = documents.filter((d) => !d.cells[t.id]).map((d) => d.id);
    if (covering.length === 1) covering[0]!.only.push(t.id);
  }
  for (const d of documents) d.covered = topics.filter((t) => (d.cells[t.id] ?? 0) > 0).length;
  const sort = opts.sort ?? 'coverage';
  sortDocuments(documents, sort);
  return {
    topics,
    documents,
    topicTotals,
    uncovered,
    fullCoverage: topics.length ? documents.filter((d) => d.covered === topics.length).map((d) => d.id) : [],
    sort,
  };
}

function sortDocuments(docs: MatrixDocument[], sort: MatrixSort): void {
  const byTitle = (a: MatrixDocument, b: MatrixDocument) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
  const cmp: Record<string, (a: MatrixDocument, b: MatrixDocument) => number> = {
    coverage: (a, b) => b.covered - a.covered || b.statements - a.statements || byTitle(a, b),
    title: byTitle,
    statements: (a, b) => b.statements - a.statements || byTitle(a, b),
    date: (a, b) => (b.date ?? String(b.year ?? '')).localeCompare(a.date ?? String(a.year ?? '')) || byTitle(a, b),
    organisation: (a, b) => (a.organisation ?? '\uffff').localeCompare(b.organisation ?? '\uffff') || byTitle(a, b),
  };
  if (sort.startsWith('topic:')) {
    const t = sort.slice(6);
    docs.sort((a, b) => (b.cells[t] ?? 0) - (a.cells[t] ?? 0) || byTitle(a, b));
  } else docs.sort(cmp[sort] ?? cmp.coverage!);
}

export function isMatrixSort(s: string | undefined, topicIds: string[]): s is MatrixSort {
  if (!s) return false;
  if (s.startsWith('topic:')) return topicIds.includes(s.slice(6));
  return (MATRIX_SORTS as readonly string[]).includes(s);
}

/** The matrix as CSV: one row per work (its representative document), one column per topic (counts), with document metadata. */
export function matrixCsv(m: CoverageMatrix, lang: 'en' | 'zh' = 'en'): string {
  const header = [
    'document_id',
    'work_id',
    'sources',
    'title',
    'organisation',
    'date',
    'doc_type',
    'statements',
    'topics_covered',
    'only_this_document',
    ...m.topics.map((t) => (lang === 'zh' ? (t.name_zh ?? t.name_en) : t.id)),
  ];
  const rows = m.documents.map((d) => [
    d.id,
    d.work_id,
    d.sources,
    d.title,
    d.organisation ?? '',
    d.date ?? (d.year ? String(d.year) : ''),
    d.doc_type,
    d.statements,
    d.covered,
    d.only.join(' '),
    ...m.topics.map((t) => d.cells[t.id] ?? 0),
  ]);
  // Titles and names come from imported data: neutralise formula-like cells (OWASP CSV injection).
  return stringify([header, ...rows].map(csvSafeRow));
}

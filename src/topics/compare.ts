// Comparing documents topic by topic: for two or more documents, what each says on every topic
// (its linked statements, side by side), which topics all of them cover, and which only one does.
import type { Db } from '../store/db.ts';
import { int, queryRows, row, text } from '../store/schema/columns.ts';
import { DocumentMetaSchema, liveTopics, TopicsNotFound, TopicStatementSchema, type DocumentMeta, type TopicRow, type TopicStatement } from './query.ts';

export interface CompareCell {
  count: number;
  /** The first `perCell` statements in source order. */
  statements: TopicStatement[];
}

export interface Comparison {
  documents: (DocumentMeta & { statements: number })[];
  /** Topics at least one document covers, in lexicon order. */
  topics: { topic: TopicRow; cells: Record<string, CompareCell>; coveredBy: string[] }[];
  /** document id → topics that only this document (of those compared) covers. */
  onlyIn: Record<string, string[]>;
  /** Topics every compared document covers. */
  shared: string[];
  /** Topics none of them covers. */
  none: string[];
}

export interface CompareOptions {
  kind?: string[];
  perCell?: number;
}

export async function compareDocuments(db: Db, ids: string[], opts: CompareOptions = {}): Promise<Comparison> {
  const docIds = [...new Set(ids)];
  if (docIds.length < 2) throw new TopicsNotFound('compare needs at least two different documents');
  const kinds = opts.kind?.length ? opts.kind : null;
  const docs = await queryRows(
    db,
    DocumentMetaSchema.extend(row({ statements: int() }).shape),
    `SELECT d.id, d.title, d.organisation, d.authors, d.date, d.year, d.doc_type, d.jurisdiction, d.language, d.attribution,
       (SELECT count(*)::int FROM statements s WHERE s.document_id = d.id AND s.retired_at IS NULL
          AND ($2::text[] IS NULL OR s.kind = ANY($2::text[]))) AS statements
     FROM documents d WHERE d.id = ANY($1::text[]) AND d.retired_at IS NULL`,
    [docIds, kinds],
    'compared documents',
  );
  const missing = docIds.filter((id) => !docs.some((d) => d.id === id));
  if (missing.length) throw new TopicsNotFound(`no document ${missing.join(', ')}`);
  docs.sort((a, b) => docIds.indexOf(a.id) - docIds.indexOf(b.id));

  const perCell = Math.max(1, opts.perCell ?? 20);
  const rows = await queryRows(
    db,
    TopicStatementSchema.extend(row({ topic_id: text(), n: int() }).shape),
    `SELECT x.topic_id, x.n, s.id, s.document_id, s.kind, s.ord, s.name, s.text, s.language, s.locator_ref, s.page, x.score, x.matched_terms
     FROM (
       SELECT st.topic_id, st.statement_id, st.document_id, st.ord, st.score, st.matched_terms,
         row_number() OVER (PARTITION BY st.topic_id, st.document_id ORDER BY st.ord, st.statement_id) AS rn,
         count(*) OVER (PARTITION BY st.topic_id, st.document_id)::int AS n
       FROM statement_topics st
       WHERE st.document_id = ANY($1::text[]) AND ($2::text[] IS NULL OR st.kind = ANY($2::text[]))
     ) x JOIN statements s ON s.id = x.statement_id
     WHERE x.rn <= $3 ORDER BY x.topic_id, x.document_id, x.ord, x.statement_id`,
    [docIds, kinds, perCell],
    'compared statements',
  );
  const topics = await liveTopics(db);
  const cells = new Map<string, Record<string, CompareCell>>();
  for (const r of rows) {
    const { topic_id, n, ...st } = r;
    let byDoc = cells.get(topic_id);
    if (!byDoc) cells.set(topic_id, (byDoc = {}));
    const cell = (byDoc[r.document_id] ??= { count: n, statements: [] });
    cell.statements.push(st);
  }
  const out: Comparison = { documents: docs, topics: [], onlyIn: Object.fromEntries(docIds.map((id) => [id, []])), shared: [], none: [] };
  for (const t of topics) {
    const byDoc = cells.get(t.id);
    const coveredBy = docIds.filter((id) => byDoc?.[id]);
    if (!coveredBy.length) {
      out.none.push(t.id);
      continue;
    }
    out.topics.push({ topic: t, cells: byDoc!, coveredBy });
    if (coveredBy.length === 1) out.onlyIn[coveredBy[0]!]!.push(t.id);
    if (coveredBy.length === docIds.length) out.shared.push(t.id);
  }
  return out;
}

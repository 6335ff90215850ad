// The statement read model: everything the statement page (/m/<id>), its JSON twin (/m/<id>.json)
// and the API (/api/v1/statements/<id>) show about one statement, loaded by one function so that
// HTML and JSON cannot drift. Presentation (which labels go where, wording) stays in src/web and
// src/api; this module only reads.
import { z } from 'zod';
import type { Db } from '../db.ts';
import { ID_PATTERN } from '../ids.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { parseRows, queryRow } from '../schema/columns.ts';
import { classifications, documents, statements, statementTopics, topics } from '../schema/tables.ts';
import { loadStatementRecords, type StatementRecord } from './records.ts';

export const StatementFull = statements.row;
export type StatementFull = z.infer<typeof StatementFull>;
/** A statement with its document as one to_jsonb value (timestamps as ISO text, which the column types accept). */
const StatementWithDocument = StatementFull.extend({ d: documents.row });
export type DocumentFull = z.infer<typeof documents.row>;
export type Label = z.infer<typeof classifications.row>;

/** A statement in a list (a document's statements, a statement's children): text cut at 400 characters. */
export const ListItem = statements.row.pick({ id: true, kind: true, parent_id: true, ord: true, name: true, text: true, language: true });
export type ListItem = z.infer<typeof ListItem>;

/** A current label in a list: the statement, taxonomy and code. */
export const LabelBrief = classifications.row.pick({ statement_id: true, taxonomy: true, code: true });
export type LabelBrief = z.infer<typeof LabelBrief>;

export const TopicLink = topics.row
  .pick({ id: true, name_en: true, name_zh: true, description_en: true, description_zh: true })
  .extend({ score: statementTopics.columns.score.schema, matched_terms: z.array(z.unknown()) });
export type TopicLink = z.infer<typeof TopicLink>;

/** A statement of the same work with the same text: the canonical one, or one that repeats this one. */
export const SameTextRow = z.object({ id: z.string(), document_id: z.string(), dataset: z.string(), canonical: z.boolean() });
export type SameTextRow = z.infer<typeof SameTextRow>;

export interface StatementView {
  statement: StatementFull;
  document: DocumentFull;
  /** Every label ever made for the statement: current first per taxonomy, then newest. */
  labels: Label[];
  /** The document's statements in source order (at most SIBLING_LIMIT; retired ones left out except this one). */
  siblings: ListItem[];
  /** How many statements the document has (the siblings may be cut). */
  siblingTotal: number;
  /** The current labels of the siblings, on every taxonomy. */
  siblingLabels: LabelBrief[];
  /** Child statements (not retired), in source order. */
  children: ListItem[];
  topics: TopicLink[];
  /** The canonical statement this one repeats (canonical: true), or the statements repeating this one. */
  sameText: SameTextRow[];
  /** The flat record the API and exports hand out (document brief, current labels, stable URL). */
  record: StatementRecord;
}

export const SIBLING_LIMIT = 300;

const COLS = Object.keys(statements.columns).map((c) => `s.${c}`).join(', ');

/** Whether an id names a statement (M…, R…, P…), not a document. */
export function isStatementId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.startsWith('D');
}

export async function readStatement(db: Db, registry: TaxonomyRegistry, id: string, opts: { baseUrl?: string } = {}): Promise<StatementView | undefined> {
  if (!isStatementId(id)) return undefined;
  const row = await queryRow(
    db,
    StatementWithDocument,
    `SELECT ${COLS}, to_jsonb(d.*) AS d FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = $1`,
    [id],
    'statement',
  );
  if (!row) return undefined;
  const { d: document, ...statement } = row;
  const [labels, siblings, siblingLabels, children, topicLinks, sameText, [record]] = await Promise.all([
    db
      .query(
        `SELECT * FROM classifications WHERE statement_id = $1 ORDER BY taxonomy, is_current DESC, created_at DESC, id DESC`,
        [id],
      )
      .then((r) => parseRows(classifications.row, r, 'statement labels')),
    db
      .query(
        `SELECT s.id, s.kind, s.parent_id, s.ord, s.name, left(s.text, 400) AS text, s.language, count(*) OVER ()::int AS n
         FROM statements s WHERE s.document_id = $1 AND (s.retired_at IS NULL OR s.id = $2) ORDER BY s.ord, s.id LIMIT ${SIBLING_LIMIT}`,
        [statement!.document_id, id],
      )
      .then((r) => ({ rows: parseRows(ListItem, r, 'statement siblings'), total: Number((r[0] as { n?: number } | undefined)?.n ?? 0) })),
    db
      .query(
        `SELECT c.statement_id, c.taxonomy, c.code FROM classifications c JOIN statements s ON s.id = c.statement_id
         WHERE c.is_current AND c.statement_id IN (
           SELECT id FROM statements WHERE document_id = $1 AND (retired_at IS NULL OR id = $2) ORDER BY ord, id LIMIT ${SIBLING_LIMIT})`,
        [statement!.document_id, id],
      )
      .then((r) => parseRows(LabelBrief, r, 'sibling labels')),
    db
      .query(
        `SELECT id, kind, parent_id, ord, name, left(text, 400) AS text, language FROM statements
         WHERE parent_id = $1 AND retired_at IS NULL ORDER BY ord, id`,
        [id],
      )
      .then((r) => parseRows(ListItem, r, 'statement children')),
    readTopicLinks(db, id),
    db
      .query(
        // One work, one text: the statement this one repeats (same_as), or those repeating it.
        `SELECT x.id, x.document_id, d.dataset, x.id = $2 AS canonical
         FROM statements x JOIN documents d ON d.id = x.document_id
         WHERE x.retired_at IS NULL AND (x.id = $2 OR x.same_as = $1) ORDER BY x.id`,
        [id, statement!.same_as ?? ''],
      )
      .then((r) => parseRows(SameTextRow, r, 'same-text statements')),
    loadStatementRecords(db, registry, [id], opts),
  ]);
  return {
    statement: statement!,
    document: document!,
    labels,
    siblings: siblings.rows,
    siblingTotal: siblings.total,
    siblingLabels,
    children,
    topics: topicLinks,
    sameText,
    record: record!,
  };
}

/** The topics linked to a statement, strongest first (none when the topics tables do not exist). */
async function readTopicLinks(db: Db, id: string): Promise<TopicLink[]> {
  const reg = await queryRow(db, z.object({ t: z.string().nullable() }), `SELECT to_regclass('statement_topics')::text AS t`, [], 'topics table');
  if (!reg?.t) return [];
  const rows = await db.query(
    `SELECT t.id, t.name_en, t.name_zh, t.description_en, t.description_zh, st.score, st.matched_terms
     FROM statement_topics st JOIN topics t ON t.id = st.topic_id
     WHERE st.statement_id = $1 AND NOT t.retired ORDER BY st.score DESC, t.ord, t.id`,
    [id],
  );
  return parseRows(TopicLink, rows, 'statement topics');
}

// The document read model: what the document page (/d/<id>), its JSON twin (/d/<id>.json) and the
// API (/api/v1/documents/<id>) show about one document. A document belongs to a work; the page
// lists the statements of every member of the work once (same-text repeats left out).
import { z } from 'zod';
import type { Db } from '../db.ts';
import { listDocumentBlocks, type BlockRow } from '../extraction.ts';
import { getWork, type WorkInfo } from '../works.ts';
import { parseRows } from '../schema/columns.ts';
import { datasets, documents, statements } from '../schema/tables.ts';
import { readCurrentLabels, type LabelBrief } from './labels.ts';
import { ListItem } from './statement.ts';

export type DocumentFull = z.infer<typeof documents.row>;

/** The dataset's licence and attribution (the datasets table wins over the copy on the document). */
export interface Attribution {
  dataset: string;
  version: string;
  licence: string;
  attribution: string;
  sourceUrl: string | null;
}

export interface DocumentView {
  document: DocumentFull;
  work: WorkInfo | undefined;
  /** This document first, then the other live members of its work. */
  memberIds: string[];
  /** The statements of the work in source order (this document first), each text once, at most TREE_LIMIT. */
  statements: ListItem[];
  /** How many there are in all (the list may be cut). */
  statementTotal: number;
  /** Current labels of the listed statements, on every taxonomy. */
  labels: LabelBrief[];
  /** Current labels counted per taxonomy and code over every statement of the work. */
  labelCounts: { taxonomy: string; code: string; n: number }[];
  /** The document's own statements (not retired) in source order: ids only. */
  ownStatementIds: string[];
  attribution: Attribution;
}

export const TREE_LIMIT = 2000;

const Counted = ListItem.extend({ total: z.number().int() });
const LabelCount = z.object({ taxonomy: z.string(), code: z.string(), n: z.number().int() });
const DatasetRow = datasets.row.pick({ version: true, licence: true, attribution: true, source_url: true });

export function isDocumentId(id: string): boolean {
  return /^D\d{4,}$/.test(id);
}

export async function readDocument(db: Db, id: string): Promise<DocumentView | undefined> {
  if (!isDocumentId(id)) return undefined;
  const [raw] = await db.query(`SELECT * FROM documents WHERE id = $1`, [id]);
  if (!raw) return undefined;
  const [document] = parseRows(documents.row, [raw], 'document');
  const work = await getWork(db, id);
  const memberIds = work ? [id, ...work.members.filter((m) => m.id !== id && !m.retired).map((m) => m.id)] : [id];
  const [list, labelCounts, own, ds] = await Promise.all([
    db
      .query(
        `SELECT id, kind, parent_id, ord, name, left(text, 400) AS text, language, count(*) OVER ()::int AS total
         FROM statements WHERE document_id = ANY($1::text[]) AND retired_at IS NULL AND same_as IS NULL
         ORDER BY document_id <> $2, document_id, ord, id LIMIT ${TREE_LIMIT}`,
        [memberIds, id],
      )
      .then((r) => parseRows(Counted, r, 'document statements')),
    db
      .query(
        `SELECT c.taxonomy, c.code, count(*)::int AS n FROM classifications c JOIN statements s ON s.id = c.statement_id
         WHERE s.document_id = ANY($1::text[]) AND s.retired_at IS NULL AND s.same_as IS NULL AND c.is_current GROUP BY c.taxonomy, c.code
         ORDER BY c.taxonomy, c.code`,
        [memberIds],
      )
      .then((r) => parseRows(LabelCount, r, 'document label counts')),
    db
      .query(`SELECT id FROM statements WHERE document_id = $1 AND retired_at IS NULL ORDER BY ord, id`, [id])
      .then((r) => parseRows(statements.row.pick({ id: true }), r, 'document statement ids').map((x) => x.id)),
    db.query(`SELECT version, licence, attribution, source_url FROM datasets WHERE id = $1`, [document!.dataset]).then((r) => parseRows(DatasetRow, r, 'dataset')[0]),
  ]);
  const stmts = list.map(({ total: _total, ...s }) => s);
  return {
    document: document!,
    work,
    memberIds,
    statements: stmts,
    statementTotal: list[0]?.total ?? 0,
    labels: await readCurrentLabels(db, stmts.map((s) => s.id)),
    labelCounts,
    ownStatementIds: own,
    attribution: {
      dataset: document!.dataset,
      version: ds?.version ?? document!.dataset_version,
      licence: ds?.licence ?? document!.licence,
      attribution: ds?.attribution ?? document!.attribution,
      sourceUrl: ds?.source_url ?? document!.source_url,
    },
  };
}

/** The outline of an ingested document: its blocks and full text (none for imported datasets). */
export async function readOutline(db: Db, id: string): Promise<{ blocks: BlockRow[]; text: string | undefined }> {
  const [blocks, texts] = await Promise.all([
    listDocumentBlocks(db, id),
    db.query(`SELECT text FROM document_texts WHERE document_id = $1`, [id]).then((r) => parseRows(z.object({ text: z.string() }), r, 'document text')),
  ]);
  return { blocks, text: texts[0]?.text };
}

// The rows an index build reads (src/store/search-index.ts), as zod schemas: one statement with
// its current labels and topic links, and one document. A build fetches statements in batches as
// one JSON text each, so that a search thread can parse them off the main thread.
import { z } from 'zod';
import { checkRows } from '../store/schema/columns.ts';
import type { IndexDoc, IndexRow } from './index.ts';

const nullableBool = z.boolean().nullable();
const texts = z.array(z.string()).nullable();

export const IndexStatementSchema = z.object({
  id: z.string(),
  kind: z.string(),
  document_id: z.string(),
  language: z.string(),
  ord: z.number().int(),
  dup: z.boolean(),
  v: z.string(),
  tax: texts,
  code: texts,
  human: nullableBool,
  reviewed: nullableBool,
  annotated: nullableBool,
  machine: nullableBool,
  topics: texts,
});
export type IndexStatement = z.infer<typeof IndexStatementSchema>;

export const IndexDocSchema = z.object({
  id: z.string(),
  title: z.string(),
  doc_type: z.string(),
  year: z.number().int().nullable(),
  dataset: z.string(),
  work_id: z.string().nullable(),
});

export function toIndexDoc(r: z.infer<typeof IndexDocSchema>): IndexDoc {
  return { id: r.id, title: r.title, docType: r.doc_type, year: r.year, dataset: r.dataset, workId: r.work_id };
}

export function toIndexRow(r: IndexStatement): IndexRow {
  return {
    id: r.id,
    kind: r.kind,
    docId: r.document_id,
    language: r.language,
    ord: r.ord,
    dup: r.dup,
    vector: r.v,
    labelTax: r.tax ?? [],
    labelCode: r.code ?? [],
    human: !!r.human,
    reviewed: !!r.reviewed,
    annotated: !!r.annotated,
    machine: !!r.machine,
    topics: r.topics ?? [],
  };
}

/** A batch of statements sent as one JSON array (json_agg): checked against the schema (sampled). */
export function statementsFromJson(json: string): IndexStatement[] {
  const rows: unknown = JSON.parse(json);
  if (!Array.isArray(rows)) throw new Error('search index build: a statement batch is not a JSON array');
  return checkRows(IndexStatementSchema, rows, 'search index build (statements)');
}

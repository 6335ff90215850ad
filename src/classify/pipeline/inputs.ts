// The statement text and document context a classifier sees for each item of a run.
import type { Db } from '../../store/db.ts';
import { checkRows, tables } from '../../store/schema/index.ts';
import type { ClassifyInput } from '../types.ts';
import type { WorkItem } from './types.ts';
import { storedDocContext } from '../embedded/doc-sources.ts';

/** A statement with the document fields a classifier sees. */
const inputRow = tables.statements.row
  .pick({ id: true, kind: true, name: true, text: true, heading_path: true, language: true, meta: true })
  .extend(tables.documents.row.pick({ title: true, organisation: true, doc_type: true, year: true }).shape);

export async function loadInputs(db: Db, rows: { statement_id: string; taxonomy: string }[]): Promise<WorkItem[]> {
  const ids = [...new Set(rows.map((r) => r.statement_id))];
  const q = await db.query(
    `SELECT s.id, s.kind, s.name, s.text, s.heading_path, s.language, s.meta, d.title, d.organisation, d.doc_type, d.year
     FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = ANY($1::text[])`,
    [ids],
  );
  const st = checkRows(inputRow, q, 'statements to classify (with their documents)');
  const byId = new Map(st.map((s) => [s.id, s]));
  return rows.flatMap((r) => {
    const s = byId.get(r.statement_id);
    if (!s) return [];
    const input: ClassifyInput = {
      id: s.id,
      kind: s.kind,
      name: s.name,
      text: s.text,
      headingPath: s.heading_path ?? [],
      language: s.language,
      // an annotated item imported as govnav-annotations: its original document's type (doc-sources.ts)
      document: { title: s.title, organisation: s.organisation ?? undefined, docType: s.doc_type, year: s.year ?? undefined, ...storedDocContext(s) },
    };
    return [{ statementId: r.statement_id, taxonomy: r.taxonomy, input }];
  });
}


// The small guide the role tests ingest: background paragraphs, a list of measures, references.
import type { Db } from '../../src/store/index.ts';

export const GUIDE = `# Guidance on Prompt Injection

## Background

Large language models are increasingly embedded in products that read untrusted content from the web, email and documents.

Researchers first described prompt injection in 2022, and the number of reported incidents has grown since then.

## Prevention and Mitigation Strategies

1. Constrain model behaviour with a system prompt that states the model's role and limits.
2. Validate and sanitise all untrusted input before it reaches the model.
3. Require human approval for high-risk actions such as payments or deleting data.
4. Segregate external content from user instructions and mark it clearly.

## References

- Greshake, K. et al. (2023). Not what you've signed up for. arXiv:2302.12173.
- OWASP Foundation (2025). Top 10 for LLM Applications. https://owasp.org/
`;

export const MEASURES = [
  "Constrain model behaviour with a system prompt that states the model's role and limits.",
  'Validate and sanitise all untrusted input before it reaches the model.',
  'Require human approval for high-risk actions such as payments or deleting data.',
  'Segregate external content from user instructions and mark it clearly.',
];

export interface OutlineRow {
  ord: number;
  kind: string;
  level: number | null;
  marker: string | null;
  page: number | null;
  page_end: number | null;
  heading_path: string[];
  role: string;
  statement_id: string | null;
  text: string;
}

/** The stored outline of a document with each block's text (from its span in the stored text). */
export async function storedOutline(db: Db, documentId: string): Promise<OutlineRow[]> {
  const [t] = await db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [documentId]);
  const rows = await db.query<Omit<OutlineRow, 'text'> & { char_start: number; char_end: number }>(
    `SELECT ord, kind, level, marker, page, page_end, heading_path, role, statement_id, char_start, char_end
     FROM document_blocks WHERE document_id = $1 ORDER BY ord`,
    [documentId],
  );
  return rows.map(({ char_start, char_end, ...r }) => ({ ...r, text: t!.text.slice(char_start, char_end) }));
}

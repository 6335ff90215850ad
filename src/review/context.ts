// What a reviewer needs beside a label: the excerpt in its place in the document (the blocks just
// before and after it in the stored outline, or the neighbouring statements when the document has
// no outline, e.g. an imported dataset), every other label on the statement, and open proposals.
// Everything is read for a whole page of statements at once (three queries, not three per item).
import type { ClassificationRow } from '../store/classifications.ts';
import type { Db } from '../store/db.ts';
import { queryRows, row, text } from '../store/schema/columns.ts';
import { classifications, documentBlocks, reviewProposals, statements } from '../store/schema/tables.ts';

export interface ContextBlock {
  ord: number;
  kind: string;
  role: string | null;
  text: string;
  /** This block belongs to the statement under review. */
  self: boolean;
  statementId: string | null;
}

export interface OpenProposal {
  id: number;
  statementId: string;
  taxonomy: string;
  code: string;
  reason: string;
  origin: string;
  username: string | null;
  createdAt: Date;
}

export interface ReviewContext {
  blocks: Map<string, ContextBlock[]>;
  labels: Map<string, ClassificationRow[]>;
  proposals: Map<string, OpenProposal[]>;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

async function outlineBlocks(db: Db, ids: string[], around: number): Promise<Map<string, ContextBlock[]>> {
  const out = new Map<string, ContextBlock[]>();
  const rows = await queryRows(
    db,
    documentBlocks.row.pick({ ord: true, kind: true, role: true, statement_id: true }).extend(row({ for_id: text(), text: text() }).shape),
    `WITH target AS (SELECT statement_id, document_id, min(ord) AS lo, max(ord) AS hi FROM document_blocks
       WHERE statement_id = ANY($1::text[]) GROUP BY statement_id, document_id)
     SELECT t.statement_id AS for_id, b.ord, b.kind, b.role, b.statement_id,
       left(substr(x.text, b.char_start + 1, b.char_end - b.char_start), 600) AS text
     FROM target t JOIN document_blocks b ON b.document_id = t.document_id AND b.ord BETWEEN t.lo - $2 AND t.hi + $2
     JOIN document_texts x ON x.document_id = b.document_id
     ORDER BY t.statement_id, b.ord`,
    [ids, around],
    'outline context',
  );
  for (const r of rows)
    push(out, r.for_id, { ord: r.ord, kind: r.kind, role: r.role, text: r.text, self: r.statement_id === r.for_id, statementId: r.statement_id });
  return out;
}

async function neighbourStatements(db: Db, ids: string[]): Promise<Map<string, ContextBlock[]>> {
  const out = new Map<string, ContextBlock[]>();
  if (!ids.length) return out;
  const rows = await queryRows(
    db,
    statements.row.pick({ id: true, ord: true, kind: true }).extend(row({ for_id: text(), text: text() }).shape),
    `SELECT x.id AS for_id, n.id, n.ord, n.kind, left(coalesce(nullif(n.text, ''), n.name), 600) AS text
     FROM statements x JOIN LATERAL (
       SELECT id, ord, kind, text, name FROM statements n
       WHERE n.document_id = x.document_id AND n.ord BETWEEN x.ord - 1 AND x.ord + 1 AND n.retired_at IS NULL
       ORDER BY n.ord, n.id LIMIT 5) n ON true
     WHERE x.id = ANY($1::text[]) ORDER BY x.id, n.ord, n.id`,
    [ids],
    'neighbour statements',
  );
  for (const r of rows) push(out, r.for_id, { ord: r.ord, kind: 'statement', role: r.kind, text: r.text, self: r.id === r.for_id, statementId: r.id });
  return out;
}

/** Context, labels and open proposals of these statements. */
export async function reviewContext(db: Db, statementIds: string[], around = 2): Promise<ReviewContext> {
  const ids = [...new Set(statementIds)];
  const empty: ReviewContext = { blocks: new Map(), labels: new Map(), proposals: new Map() };
  if (!ids.length) return empty;
  const [blocks, labels, proposals] = await Promise.all([
    outlineBlocks(db, ids, around),
    queryRows(
      db,
      classifications.row,
      `SELECT * FROM classifications WHERE statement_id = ANY($1::text[]) ORDER BY statement_id, taxonomy, is_current DESC, id DESC`,
      [ids],
      'labels under review',
    ),
    queryRows(
      db,
      reviewProposals.row.pick({ id: true, statement_id: true, taxonomy: true, code: true, reason: true, origin: true, username: true, created_at: true }),
      `SELECT id, statement_id, taxonomy, code, reason, origin, username, created_at FROM review_proposals
       WHERE statement_id = ANY($1::text[]) AND status = 'open' ORDER BY id`,
      [ids],
      'open proposals',
    ),
  ]);
  const missing = ids.filter((id) => !blocks.has(id));
  for (const [k, v] of await neighbourStatements(db, missing)) blocks.set(k, v);
  const byStatement = new Map<string, ClassificationRow[]>();
  for (const l of labels) push(byStatement, l.statement_id, l);
  const props = new Map<string, OpenProposal[]>();
  for (const r of proposals)
    push(props, r.statement_id, {
      id: r.id,
      statementId: r.statement_id,
      taxonomy: r.taxonomy,
      code: r.code,
      reason: r.reason,
      origin: r.origin,
      username: r.username,
      createdAt: r.created_at,
    });
  return { blocks, labels: byStatement, proposals: props };
}

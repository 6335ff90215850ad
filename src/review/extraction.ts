// Extraction review in the same queue: blocks of ingested documents whose role the extractor gave
// with the least confidence, and nobody has corrected. A reviewer confirms or changes the role, or
// merges a block with the next one; the correction is recorded (kept across re-ingests) and the
// document re-extracted, in one transaction with its audit record.
import type { Correction, Role } from '../extract/types.ts';
import { ROLES } from '../extract/types.ts';
import { correctDocument, CorrectionError } from '../ingest/index.ts';
import { recordAudit } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import type { Account } from './audited.ts';
import { ReviewError } from './errors.ts';
import { nullable, queryRow, queryRows, text } from '../store/schema/columns.ts';
import { documentBlocks, documents } from '../store/schema/tables.ts';

const BlockRow = documentBlocks.row
  .pick({ document_id: true, ord: true, anchor: true, kind: true, role: true, role_source: true, confidence: true, reason: true, heading_path: true })
  .extend({ title: documents.columns.title.schema, text: nullable(text()).schema, next_anchor: nullable(text()).schema });

export interface BlockToReview {
  documentId: string;
  documentTitle: string;
  ord: number;
  anchor: string;
  kind: string;
  role: Role;
  roleSource: string;
  confidence: number;
  reason: string;
  text: string;
  nextAnchor: string | null;
  headingPath: string[];
}

/** Uncorrected machine-given block roles, least confident first. */
export async function blocksToReview(db: Db, opts: { document?: string; maxConfidence?: number; limit?: number } = {}): Promise<BlockToReview[]> {
  const rows = await queryRows(
    db,
    BlockRow,
    `SELECT b.document_id, d.title, b.ord, b.anchor, b.kind, b.role, b.role_source, b.confidence, b.reason, b.heading_path,
       left(substr(x.text, b.char_start + 1, b.char_end - b.char_start), 600) AS text,
       (SELECT n.anchor FROM document_blocks n WHERE n.document_id = b.document_id AND n.ord = b.ord + 1) AS next_anchor
     FROM document_blocks b JOIN documents d ON d.id = b.document_id JOIN document_texts x ON x.document_id = b.document_id
     WHERE b.role_source <> 'human' AND b.kind <> 'heading' AND d.retired_at IS NULL
       AND b.confidence <= $1 AND ($2::text IS NULL OR b.document_id = $2)
       AND NOT EXISTS (SELECT 1 FROM extraction_corrections c WHERE c.document_id = b.document_id AND b.anchor = ANY(c.anchors))
     ORDER BY b.confidence, b.document_id, b.ord LIMIT ${Math.min(100, opts.limit ?? 20)}`,
    [opts.maxConfidence ?? 0.75, opts.document ?? null],
    'blocks to review',
  );
  return rows.map((r) => ({
    documentId: r.document_id,
    documentTitle: r.title,
    ord: r.ord,
    anchor: r.anchor,
    kind: r.kind,
    role: r.role,
    roleSource: r.role_source,
    confidence: r.confidence,
    reason: r.reason,
    text: r.text ?? '',
    nextAnchor: r.next_anchor,
    headingPath: r.heading_path,
  }));
}

/** Set a block's role (or confirm it), or merge it with the following block. */
export async function reviewBlock(
  db: Db,
  who: Account,
  documentId: string,
  anchor: string,
  action: { role: string } | { mergeWith: string },
): Promise<void> {
  let correction: Correction;
  if ('role' in action) {
    if (!(ROLES as readonly string[]).includes(action.role)) throw new ReviewError(`"${action.role}" is not a block role (${ROLES.join(', ')}).`);
    correction = { op: 'set-role', anchor, role: action.role as Role };
  } else correction = { op: 'merge', anchors: [anchor, action.mergeWith] };
  await db.transaction(async (tx) => {
    const b = await queryRow(
      tx,
      documentBlocks.row.pick({ role: true }),
      'SELECT role FROM document_blocks WHERE document_id = $1 AND anchor = $2',
      [documentId, anchor],
      'block',
    );
    if (!b) throw new ReviewError(`Document ${documentId} has no block ${anchor}.`);
    try {
      await correctDocument(tx, documentId, [correction], { author: who.username });
    } catch (e) {
      throw e instanceof CorrectionError ? new ReviewError(e.message) : e;
    }
    await recordAudit(tx, {
      actorId: who.id,
      actorName: who.username,
      action: `review.extraction.${correction.op}`,
      targetType: 'document',
      targetId: documentId,
      before: { anchor, role: b.role },
      after: correction,
    });
  });
}

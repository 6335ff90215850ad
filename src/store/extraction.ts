// The stored outline of an ingested document (document_blocks) and the maintainers' corrections to
// its extraction (extraction_corrections). Blocks keep spans into document_texts.text, so the
// outline can be rebuilt into the reader's block model without the original file.
import { z } from 'zod';
import { BLOCK_HINTS, FORMATS, type Block, type BlockHint, type Extracted } from '../ingest/types.ts';
import type { Correction, OutlineBlock, Role, RoleSource } from '../extract/types.ts';
import type { Db } from './db.ts';
import { pgTextArray } from './corpus.ts';
import { canCopy, copyRows } from './bulk/copy.ts';
import { canSkipRowTriggers, checkSubset, lockReferenced, withoutRowTriggers } from './bulk/triggers.ts';
import { queryRow, queryRows, tables } from './schema/index.ts';

export interface BlockRow {
  document_id: string;
  ord: number;
  anchor: string;
  kind: Block['kind'];
  level: number | null;
  marker: string | null;
  ordered: boolean | null;
  page: number | null;
  page_end: number | null;
  printed_page: string | null;
  hint: BlockHint | null;
  char_start: number;
  char_end: number;
  cells: { cells: string[]; header?: string[]; table: number } | null;
  heading_path: string[];
  role: Role;
  role_source: RoleSource;
  confidence: number;
  reason: string;
  statement_id: string | null;
}

const BATCH = 500;
/** Blocks per COPY. */
const COPY_BATCH = 5000;

/**
 * Replace the stored outline of a document. `statementIdOf` maps an outline block's statement key
 * to the public id it was written under (blocks of other roles get no statement).
 */
export async function replaceDocumentBlocks(
  db: Db,
  documentId: string,
  outline: readonly OutlineBlock[],
  statementIdOf: (key: string) => string | undefined,
  opts: { statementIds?: ReadonlySet<string> } = {},
): Promise<void> {
  await db.query('DELETE FROM document_blocks WHERE document_id = $1', [documentId]);
  const rows = outline.map((o, i) => blockRecord(documentId, o, i, statementIdOf));
  // The document has no blocks left: its new ones go in by COPY where the engine can.
  if (canCopy(db)) {
    const copyAll = async () => {
      for (let i = 0; i < rows.length; i += COPY_BATCH)
        await copyRows(db, 'document_blocks', BLOCK_COLUMNS, rows.slice(i, i + COPY_BATCH).map((r) => BLOCK_COLUMNS.map((c) => r[c])), (k) => `outline of ${documentId}, block ${i + k}`);
    };
    // The rows' foreign keys hold by construction when the caller names the statements this
    // transaction wrote or found for the document: checked here set-wise, the document locked as
    // each row's check would, and the rows COPied without their per-row triggers (src/store/bulk/triggers.ts).
    if (opts.statementIds && (await canSkipRowTriggers(db))) {
      checkSubset(rows.map((r) => r.statement_id as string | null), opts.statementIds, `statement of an outline block of ${documentId}`);
      await lockReferenced(db, 'documents', [documentId], `outline of ${documentId}`);
      await withoutRowTriggers(db, copyAll);
    } else await copyAll();
    return;
  }
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.query(
      `INSERT INTO document_blocks (${BLOCK_COLUMNS.join(', ')})
       SELECT x.document_id, x.ord, x.anchor, x.kind, x.level, x.marker, x.ordered, x.page, x.page_end, x.printed_page, x.hint,
         x.char_start, x.char_end, x.cells::jsonb, x.heading_path::text[], x.role, x.role_source, x.confidence, x.reason, x.statement_id
       FROM jsonb_to_recordset($1::jsonb) AS x(document_id text, ord int, anchor text, kind text, level int, marker text, ordered boolean,
         page int, page_end int, printed_page text, hint text, char_start int, char_end int, cells text, heading_path text,
         role text, role_source text, confidence real, reason text, statement_id text)`,
      [JSON.stringify(rows.slice(i, i + BATCH))],
    );
  }
}

const BLOCK_COLUMNS = [
  'document_id', 'ord', 'anchor', 'kind', 'level', 'marker', 'ordered', 'page', 'page_end', 'printed_page', 'hint',
  'char_start', 'char_end', 'cells', 'heading_path', 'role', 'role_source', 'confidence', 'reason', 'statement_id',
] as const;
type BlockRecord = Record<(typeof BLOCK_COLUMNS)[number], string | number | boolean | null>;

/** One outline block as written (cells as JSON text, the heading path as an array literal). */
function blockRecord(documentId: string, o: OutlineBlock, i: number, statementIdOf: (key: string) => string | undefined): BlockRecord {
  const b = o.block;
  return {
    document_id: documentId,
    ord: i,
    anchor: o.anchor,
    kind: b.kind,
    level: b.kind === 'heading' ? b.level : b.kind === 'item' ? b.depth : null,
    marker: b.kind === 'item' ? b.marker ?? null : null,
    ordered: b.kind === 'item' ? b.ordered : null,
    page: b.page ?? null,
    page_end: b.pageEnd ?? null,
    printed_page: b.printedPage ?? null,
    hint: b.hint ?? null,
    char_start: b.start,
    char_end: b.end,
    cells: b.kind === 'table-row' ? JSON.stringify({ cells: b.cells, ...(b.header ? { header: b.header } : {}), table: b.table }) : null,
    heading_path: pgTextArray(o.headingPath),
    role: o.decision.role,
    role_source: o.decision.source,
    confidence: o.decision.confidence,
    reason: o.decision.reason.slice(0, 500),
    statement_id: o.statementKey ? statementIdOf(o.statementKey) ?? null : null,
  };
}

const BLOCK_KINDS = ['heading', 'paragraph', 'item', 'table-row'] as const satisfies readonly Block['kind'][];
const TableCells = z.object({ cells: z.array(z.string()), header: z.array(z.string()).optional(), table: z.number() });
/** A block row: the table's columns, with kind, hint and cells narrowed to what the reader's blocks carry (cells may come back as JSON text). */
const BlockRowSchema = tables.documentBlocks.row
  .extend({
    kind: z.enum(BLOCK_KINDS),
    hint: z.enum(BLOCK_HINTS as readonly BlockHint[] as [BlockHint, ...BlockHint[]]).nullable(),
    cells: z.union([TableCells, z.string().transform((t) => TableCells.parse(JSON.parse(t)))]).nullable(),
  }) satisfies z.ZodType<BlockRow>;

/** Every block of a document's outline, in order. */
export async function listDocumentBlocks(db: Db, documentId: string): Promise<BlockRow[]> {
  return queryRows(
    db,
    BlockRowSchema,
    `SELECT document_id, ord, anchor, kind, level, marker, ordered, page, page_end, printed_page, hint, char_start, char_end,
       cells, heading_path, role, role_source, confidence, reason, statement_id
     FROM document_blocks WHERE document_id = $1 ORDER BY ord`,
    [documentId],
    `outline of ${documentId}`,
  );
}

/** Blocks per role of a document's outline (roles with no block are 0). */
export async function documentRoleCounts(db: Db, documentId: string): Promise<Record<Role, number>> {
  const out: Record<Role, number> = { mitigation: 0, risk: 0, principle: 0, context: 0, apparatus: 0 };
  for (const r of await queryRows(
    db,
    tables.documentBlocks.row.pick({ role: true }).extend({ n: z.number().int() }),
    'SELECT role, count(*)::int AS n FROM document_blocks WHERE document_id = $1 GROUP BY role',
    [documentId],
    `block roles of ${documentId}`,
  ))
    out[r.role] = r.n;
  return out;
}

/** Turn stored block rows back into the reader's blocks (their text taken from the document text). */
export function blocksFromRows(text: string, rows: readonly BlockRow[]): Block[] {
  return rows.map((r) => {
    const common = {
      text: text.slice(r.char_start, r.char_end),
      start: r.char_start,
      end: r.char_end,
      ...(r.page !== null ? { page: r.page } : {}),
      ...(r.page_end !== null ? { pageEnd: r.page_end } : {}),
      ...(r.printed_page !== null ? { printedPage: r.printed_page } : {}),
      ...(r.hint !== null ? { hint: r.hint } : {}),
    };
    switch (r.kind) {
      case 'heading':
        return { ...common, kind: 'heading', level: r.level ?? 1 };
      case 'item':
        return { ...common, kind: 'item', depth: r.level ?? 0, ordered: !!r.ordered, ...(r.marker !== null ? { marker: r.marker } : {}) };
      case 'table-row': {
        const c = typeof r.cells === 'string' ? (JSON.parse(r.cells) as BlockRow['cells']) : r.cells;
        return { ...common, kind: 'table-row', cells: c?.cells ?? [common.text], table: c?.table ?? 0, ...(c?.header ? { header: c.header } : {}) };
      }
      default:
        return { ...common, kind: 'paragraph' };
    }
  });
}

/**
 * The document as the reader left it, rebuilt from the stored text and outline: enough to run the
 * extraction again without the file. Undefined when the document has no stored outline.
 */
export async function storedExtracted(db: Db, documentId: string): Promise<Extracted | undefined> {
  const t = await queryRow(
    db,
    z.object({ format: z.enum(FORMATS), text: z.string(), pages: z.number().int().nullable() }),
    `SELECT t.format, t.text, (d.meta->'ingest'->>'pages')::int AS pages
     FROM document_texts t JOIN documents d ON d.id = t.document_id WHERE t.document_id = $1`,
    [documentId],
    `stored text of ${documentId}`,
  );
  if (!t) return undefined;
  const rows = await listDocumentBlocks(db, documentId);
  if (!rows.length) return undefined;
  return { format: t.format, text: t.text, blocks: blocksFromRows(t.text, rows), meta: {}, notes: [], ...(t.pages ? { pages: t.pages } : {}) };
}

// ------------------------------------------------------------------ corrections

export interface CorrectionRow {
  id: number;
  document_id: string;
  op: Correction['op'];
  anchors: string[];
  role: Role | null;
  author: string;
  created_at: Date;
}

/** The correction a stored row records. */
export function correctionOf(r: Pick<CorrectionRow, 'op' | 'anchors' | 'role'>): Correction {
  if (r.op === 'set-role') return { op: 'set-role', anchor: r.anchors[0]!, role: r.role! };
  if (r.op === 'merge') return { op: 'merge', anchors: [...r.anchors] };
  return { op: 'split', anchor: r.anchors[0]! };
}

/** Record corrections (never updated or deleted afterwards). */
export async function addCorrections(db: Db, documentId: string, corrections: readonly Correction[], author = ''): Promise<void> {
  for (const c of corrections) {
    const anchors = c.op === 'merge' ? c.anchors : [c.anchor];
    await db.query('INSERT INTO extraction_corrections (document_id, op, anchors, role, author) VALUES ($1, $2, $3::text[], $4, $5)', [
      documentId,
      c.op,
      pgTextArray(anchors),
      c.op === 'set-role' ? c.role : null,
      author,
    ]);
  }
}

/** A document's corrections, oldest first (apply in this order: a later one wins). */
export async function listCorrectionRows(db: Db, documentId: string): Promise<CorrectionRow[]> {
  return queryRows(
    db,
    tables.extractionCorrections.row satisfies z.ZodType<CorrectionRow>,
    'SELECT id, document_id, op, anchors, role, author, created_at FROM extraction_corrections WHERE document_id = $1 ORDER BY id',
    [documentId],
    `corrections of ${documentId}`,
  );
}

export async function listCorrections(db: Db, documentId: string): Promise<Correction[]> {
  return (await listCorrectionRows(db, documentId)).map(correctionOf);
}

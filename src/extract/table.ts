// Table rows as statements: which cell is the id, which holds the statement's own words, and
// what the other columns say.
import { cellOffsets, type Block } from '../ingest/types.ts';

/** A cell that is an identifier ("GV-1.1-001", "MAP 1.1", "A.3", "4", "LLM01", "(a)"), not prose. */
export function isIdCell(cell: string): boolean {
  const c = cell.trim();
  if (!c || c.length > 24) return false;
  if (c.split(/\s+/).length > 3) return false;
  return (
    (/\d/.test(c) && /^[A-Za-z]{0,8}[-\s.]?[0-9]+(?:[-.][0-9A-Za-z]+)*[a-z]?[.)]?$/u.test(c)) ||
    /^[A-Z]{1,4}[-.]?\d+(?:[-.]\d+)*$/u.test(c) ||
    /^\(?[a-z0-9]{1,3}[.)]$/u.test(c)
  );
}

function letters(cell: string): number {
  return cell.match(/\p{L}/gu)?.length ?? 0;
}

export interface TableRowParts {
  refCell?: number;
  textCell: number;
  /** The statement cell's text. */
  text: string;
  /** Offsets of the text cell inside the block's text. */
  span: [number, number];
  /** The other non-empty cells, by header (or "column N"). */
  columns: Record<string, string>;
}

/** Split a table-row block into its id cell, its statement cell (the longest prose) and the other columns. */
/** An id printed at the start of a prose cell ("GOVERN 1.1: …", "MAP 2.3 …", "GV-1.1-001 …"). */
export const CELL_ID_PREFIX = /^([A-Z][A-Za-z]{0,11}[- ]?\d+(?:[.-]\d+)*[a-z]?)\s*[:.–-]\s+(?=\S)/u;

export function tableRowParts(b: Extract<Block, { kind: 'table-row' }> | { cells: string[]; header?: string[]; text: string }): TableRowParts & { ref?: string } {
  const cells = b.cells;
  const offs = cellOffsets(cells);
  const refCell = cells.findIndex((c) => isIdCell(c));
  let textCell = 0;
  let best = -1;
  // Cells that open with their own id: a category cell ("GOVERN 1: …") beside its subcategory
  // ("GOVERN 1.1: …") — the most specific id is the row's own statement.
  const prefixed = cells.map((c, i) => ({ i, id: CELL_ID_PREFIX.exec(c.trim())?.[1] })).filter((x) => x.id && x.i !== refCell);
  let ref: string | undefined;
  if (prefixed.length) {
    const depth = (id: string) => id.split(/[.-]/).length;
    const top = prefixed.sort((a, b2) => depth(b2.id!) - depth(a.id!) || letters(cells[b2.i]!) - letters(cells[a.i]!))[0]!;
    if (prefixed.length > 1 || refCell < 0) {
      textCell = top.i;
      best = Infinity;
      if (refCell < 0) ref = top.id;
    }
  }
  cells.forEach((c, i) => {
    if (i === refCell || best === Infinity) return;
    const s = letters(c);
    if (s > best) {
      best = s;
      textCell = i;
    }
  });
  const columns: Record<string, string> = {};
  cells.forEach((c, i) => {
    if (i === textCell || i === refCell || !c.trim()) return;
    const h = b.header?.[i]?.trim();
    columns[h || `column ${i + 1}`] = c.trim();
  });
  return { refCell: refCell >= 0 ? refCell : undefined, ref, textCell, text: cells[textCell] ?? '', span: offs[textCell] ?? [0, b.text.length], columns };
}

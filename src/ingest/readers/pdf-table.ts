// Tables in the PDF text layer: runs of lines whose segments start at the same few x positions
// (columns), read as rows of cells. Wrapped cell text stays in its cell; a cell that spans several
// rows of its neighbours (a category beside its subcategories) stays whole in the first of them.
// A table that continues on the next page keeps its id; a repeated header is not a row again, and
// a row cut by the page break is joined to the row before it.
import { parseMarker } from '../markers.ts';
import { appendLine, CAPTION, splitSegAt, type Line, type PageLines, type Seg, type TableFrag } from './pdf-layout.ts';

/** An id printed at the start of a cell: "GOVERN 1.2", "A1", "Action 3:", "1.2.3", "4)". */
export const CELL_ID =
  /^(?:[A-Z]{1,12}[ -]?\d{1,3}(?:\.\d{1,3})*[a-z]?(?=[\s:.)]|$)|(?:[A-Z][a-z]{1,10}\s)?\d{1,3}(?:\.\d{1,3})*[a-z]?[:.)](?=\s|$)|\d{1,3}(?:\.\d{1,3})+(?=\s|$))/;

const idPrefix = (s: string) => /^[A-Za-z]*/.exec(s)![0];

interface Cell {
  col: number;
  segs: Seg[];
}

/** Find the tables of every page; their lines get `table` set. Returns the fragments in order. */
export function detectTables(pages: PageLines[]): TableFrag[] {
  const frags: TableFrag[] = [];
  let nextId = 1;
  // First lines of the tables found so far: a header repeated on a continuation page.
  const heads = new Set<string>();
  for (const p of pages) {
    const lines = p.lines;
    let i = 0;
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.hint || l.segs.length < 2) {
        i++;
        continue;
      }
      const members: Line[] = [l];
      // Left edges of the columns after the first, from lines with several segments.
      let bounds = l.segs.slice(1).map((s) => s.x);
      let multi = 1;
      let j = i + 1;
      for (; j < lines.length; j++) {
        const m = lines[j]!;
        const prev = members[members.length - 1]!;
        if (m.hint || prev.y - m.y > 3.5 * Math.max(m.size, prev.size) || m.y > prev.y + 1) break;
        const tol = 0.8 * m.size;
        // A cell's text that ends close to the next column's edge was taken into one segment with
        // it: split it again where an item starts at the edge.
        for (const b of bounds) {
          const at = m.segs.findIndex((s) => s.x < b - tol && s.xEnd > b + 2);
          const parts = at >= 0 ? splitSegAt(m.segs[at]!, b, tol) : undefined;
          if (parts) m.segs = [...m.segs.slice(0, at), ...parts, ...m.segs.slice(at + 1)];
        }
        // No segment may run across a column edge (a prose line after the table does).
        if (m.segs.some((s) => bounds.some((b) => s.x < b - tol && s.xEnd > b + 2))) break;
        if (m.segs.length >= 2) {
          if (!m.segs.slice(1).some((s) => bounds.some((b) => Math.abs(b - s.x) <= tol))) break;
          members.push(m);
          multi++;
          for (const s of m.segs.slice(1)) if (!bounds.some((b) => Math.abs(b - s.x) <= 0.5)) bounds.push(s.x);
          continue;
        }
        // One segment inside one column: a wrapped line of a cell.
        members.push(m);
      }
      const repeatedHead = multi === 1 && members.length >= 3 && heads.has(l.text);
      const frag = multi >= 2 || repeatedHead ? buildFragment(members, p.page, bounds) : undefined;
      if (!frag) {
        i++;
        continue;
      }
      frag.id = nextId++;
      heads.add(l.text);
      for (const m of members) m.table = frag;
      frags.push(frag);
      i = j;
    }
  }
  linkAcrossPages(pages);
  return frags;
}

/** Cluster x positions (sorted, within tol); keep clusters with at least `support` members. */
function clusterStarts(xs: number[], tol: number, support: number): number[] {
  const sorted = [...xs].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const x of sorted) {
    const g = groups[groups.length - 1];
    if (g && x - g[g.length - 1]! <= tol) g.push(x);
    else groups.push([x]);
  }
  return groups.filter((g) => g.length >= support).map((g) => Math.min(...g));
}

function columnOf(cols: number[], x: number, tol: number): number {
  let k = -1;
  for (let c = 0; c < cols.length; c++) if (cols[c]! <= x + tol) k = c;
  return k;
}

function buildFragment(members: Line[], page: number, bounds: number[]): TableFrag | undefined {
  const size = median(members.map((m) => m.size));
  const tol = 0.8 * size;
  const columns = columnSegments(members, bounds, tol);
  if (!columns) return undefined;
  const { cols, colSegs } = columns;
  const cells = splitTwoRowCells(cellsOf(colSegs, size), cols.length, size);
  const rows = rowsOf(cells, cols.length, size);
  // Two columns whose first holds only list markers are a list with hanging indents, not a table.
  const firsts = rows.map((r) => r.cells[0]!).filter((c) => c);
  if (cols.length === 2 && firsts.filter(isMarker).length >= 0.8 * firsts.length) return undefined;
  const header = takeHeader(rows);
  if (rows.length < 2 && !header) return undefined;
  return {
    id: 0,
    page,
    ncols: cols.length,
    colX: cols,
    header,
    rows: rows.map((r) => ({ cells: r.cells, page })),
    first: members[0]!,
  };
}

/** Columns: the leftmost start, then the left edges of the other columns; each column's segments top-down. */
function columnSegments(members: Line[], bounds: number[], tol: number): { cols: number[]; colSegs: Seg[][] } | undefined {
  const segs = members.flatMap((m) => m.segs);
  const minX = Math.min(...segs.map((s) => s.x));
  let cols = [minX, ...clusterStarts(bounds, tol, 1).filter((b) => b > minX + tol)];
  if (cols.length < 2) return undefined;
  const byCol: Seg[][] = cols.map(() => []);
  for (const s of segs) byCol[Math.max(0, columnOf(cols, s.x, tol))]!.push(s);
  // Drop empty columns.
  const keep = byCol.map((c, k) => (c.length ? k : -1)).filter((k) => k >= 0);
  cols = keep.map((k) => cols[k]!);
  const colSegs = keep.map((k) => byCol[k]!.sort((a, b) => b.y - a.y || a.x - b.x));
  return cols.length < 2 ? undefined : { cols, colSegs };
}

/** Cells of each column: split where the gap is wider than the line pitch, or a new id starts. */
function cellsOf(colSegs: Seg[][], size: number): Cell[] {
  // Line pitch inside cells: the usual distance between consecutive lines of one column.
  const diffs: number[] = [];
  for (const cs of colSegs) for (let i = 1; i < cs.length; i++) if (cs[i - 1]!.y - cs[i]!.y > 0.5 * size) diffs.push(cs[i - 1]!.y - cs[i]!.y);
  // (the lower quartile: gaps between cells are fewer than line steps inside them)
  const sortedDiffs = diffs.sort((a, b) => a - b);
  const pitch = diffs.length ? Math.min(sortedDiffs[Math.floor(diffs.length / 4)]!, 1.6 * size) : 1.2 * size;
  const cells: Cell[] = [];
  colSegs.forEach((cs, col) => {
    let cur: Cell | undefined;
    for (const s of cs) {
      const last = cur?.segs[cur.segs.length - 1];
      const first = cur?.segs[0];
      const sameLine = last && Math.abs(last.y - s.y) < 0.3 * size;
      const newCell =
        !cur ||
        (!sameLine &&
          (last!.y - s.y > pitch + 0.3 * size || (CELL_ID.test(s.text) && CELL_ID.test(first!.text) && idPrefix(s.text) === idPrefix(first!.text))));
      if (newCell) {
        cur = { col, segs: [s] };
        cells.push(cur);
      } else cur!.segs.push(s);
    }
  });
  return cells;
}

const cellTop = (c: Cell) => c.segs[0]!.y;

/**
 * A cell that runs past the start of a row in a column to its left, with a line exactly level
 * with that start, belongs to two rows (tight tables without spacing between rows): split it.
 */
function splitTwoRowCells(cells: Cell[], ncols: number, size: number): Cell[] {
  for (let col = 1; col < ncols; col++) {
    const leftTops = cells.filter((c) => c.col < col).map(cellTop);
    const next: Cell[] = [];
    for (const c of cells) {
      if (c.col !== col) {
        next.push(c);
        continue;
      }
      let cur: Cell = { col, segs: [c.segs[0]!] };
      next.push(cur);
      for (const s of c.segs.slice(1)) {
        if (leftTops.some((t) => Math.abs(t - s.y) <= 0.3 * size && t < cellTop(cur) - 0.5 * size)) {
          cur = { col, segs: [s] };
          next.push(cur);
        } else cur.segs.push(s);
      }
    }
    cells = next;
  }
  return cells;
}

/** Rows start at the distinct cell tops; each cell's text goes to the row it starts in. */
function rowsOf(cells: Cell[], ncols: number, size: number): { cells: string[]; bold: boolean[] }[] {
  const tops = [...new Set(cells.map(cellTop))].sort((a, b) => b - a);
  const rowTops: number[] = [];
  for (const t of tops) if (!rowTops.length || rowTops[rowTops.length - 1]! - t > 0.5 * size) rowTops.push(t);
  const rows = rowTops.map(() => ({ cells: new Array<string>(ncols).fill(''), bold: new Array<boolean>(ncols).fill(true) }));
  for (const c of cells) {
    let r = 0;
    while (r + 1 < rowTops.length && rowTops[r + 1]! >= cellTop(c) - 0.5 * size) r++;
    const text = c.segs.map((s) => s.text).reduce(appendLine, '');
    rows[r]!.cells[c.col] = appendLine(rows[r]!.cells[c.col]!, text);
    rows[r]!.bold[c.col] = rows[r]!.bold[c.col]! && c.segs.every((s) => s.bold);
  }
  return rows;
}

/** Take the header row off the rows: a bold row over plain ones, or short labels over rows whose first cells are ids. */
function takeHeader(rows: { cells: string[]; bold: boolean[] }[]): string[] | undefined {
  const filled = (r: { cells: string[] }) => r.cells.filter((c) => c).length;
  if (!(rows.length >= 2 && filled(rows[0]!) >= 2)) return undefined;
  const r0 = rows[0]!;
  const allBold = r0.cells.every((c, k) => !c || r0.bold[k]);
  const bodyPlain = rows.slice(1).some((r) => r.cells.some((c, k) => c && !r.bold[k]));
  // Or a first row of short labels over rows whose first cells are ids ("ID | Action | Risks").
  const bodyIds = rows.slice(1).filter((r) => r.cells[0] && CELL_ID.test(r.cells[0])).length;
  const labels = r0.cells.every((c) => c.length <= 40 && !CELL_ID.test(c));
  if ((allBold && bodyPlain) || (labels && rows.length >= 3 && bodyIds >= (rows.length - 1) * 0.6)) return rows.shift()!.cells;
  return undefined;
}

/** A cell holding only list markers ("(3)", "•", or several of them from tight rows). */
function isMarker(cell: string): boolean {
  return cell.split(/\s+/).every((tok) => {
    const m = parseMarker(tok + ' x');
    return !!m && m.length >= tok.length;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const same = (a: string[] | undefined, b: string[] | undefined) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A fragment at the top of a page that follows a fragment at the end of the previous page with
 * the same columns continues that table: same id and header; a repeated header row is dropped; a
 * first row with an empty first cell and no id is the rest of the row cut by the page break.
 */
function linkAcrossPages(pages: PageLines[]): void {
  let last: TableFrag | undefined;
  let since = false; // text between the last fragment and here
  for (const p of pages)
    for (const l of p.lines) {
      if (!l.table) {
        if ((!l.hint || l.hint === 'toc') && !CAPTION.test(l.text)) since = true;
        continue;
      }
      const f = l.table;
      if (f.first !== l) continue;
      // The same first row at the top of two parts of a table is its header, set again.
      if (last && !last.header && !f.header && same(f.rows[0]?.cells, last.rows[0]?.cells) && f.rows[0]!.cells.every((c) => c.length < 80)) {
        last.header = last.rows.shift()!.cells;
        f.header = f.rows.shift()!.cells;
      }
      if (last && !since && last.page === f.page - 1 && last.ncols === f.ncols && f.colX.every((x, k) => Math.abs(x - last!.colX[k]!) <= 8)) {
        f.id = last.id;
        if (same(f.rows[0]?.cells, last.header)) f.rows.shift();
        if (!f.header || same(f.header, last.header)) f.header = last.header ?? f.header;
        // A first cell without an id where the first column holds ids: the end of the spanning
        // cell cut by the page break.
        const ids = last.rows.filter((r) => r.cells[0]).map((r) => CELL_ID.test(r.cells[0]!));
        const head = f.rows[0];
        const owner = [...last.rows].reverse().find((r) => r.cells[0]);
        if (head?.cells[0] && !CELL_ID.test(head.cells[0]) && owner && ids.filter(Boolean).length > ids.length / 2 && head.cells.slice(1).some((c) => CELL_ID.test(c))) {
          owner.cells[0] = appendLine(owner.cells[0]!, head.cells[0]);
          owner.pageEnd = f.page;
          head.cells[0] = '';
        }
        const r0 = f.rows[0];
        const prevRow = last.rows[last.rows.length - 1];
        if (r0 && prevRow && !r0.cells[0] && !r0.cells.some((c) => CELL_ID.test(c))) {
          prevRow.cells = prevRow.cells.map((c, k) => appendLine(c, r0.cells[k] ?? ''));
          prevRow.pageEnd = f.page;
          f.rows.shift();
        }
      }
      last = f;
      since = false;
    }
}

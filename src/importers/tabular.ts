// Reading tables from CSV/TSV files and XLSX sheets into one shape: a header and rows of
// strings keyed by column name, each with the row number a person sees in the source.
// Columns are found by name, never by position, and the header row is found by its names.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ImportError, type RowIssue } from './types.ts';

export interface TableRow {
  /** Row number as shown by a spreadsheet program (the header of a CSV file is row 1). */
  row: number;
  values: Record<string, string>;
}

export interface Table {
  file: string;
  sheet?: string;
  header: string[];
  rows: TableRow[];
  /** Rows that could not be read (wrong number of fields, invalid bytes). */
  issues: RowIssue[];
}

export function normaliseHeader(h: string): string {
  return h.replace(/[\s\u00a0]+/g, ' ').trim().toLowerCase();
}

const REPLACEMENT = '\uFFFD';

/**
 * Decode a text file as UTF-8. When it is not valid UTF-8, the text is decoded leniently and
 * `invalid` is set, so callers can name the rows and fields that hold the broken bytes.
 */
export function readUtf8(path: string): { text: string; invalid: boolean } {
  const buf = readFileSync(path);
  try {
    return { text: stripBom(new TextDecoder('utf-8', { fatal: true }).decode(buf)), invalid: false };
  } catch {
    return { text: stripBom(new TextDecoder('utf-8').decode(buf)), invalid: true };
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export function encodingMessage(guess?: string): string {
  return `invalid UTF-8 bytes (the file is not UTF-8${guess ? `; it looks like ${guess}` : ''}); save it as UTF-8 and import again`;
}

/**
 * Parse a CSV (or, with delimiter "\t", a TSV) file. Lines starting with "#" before the header
 * are skipped when `comments` is set (SSSOM mapping files carry their metadata that way).
 */
export async function readCsv(path: string, opts: { delimiter?: string; comments?: boolean } = {}): Promise<Table> {
  const { parse } = await import('csv-parse/sync');
  const file = basename(path);
  const { text: raw, invalid } = readUtf8(path);
  let guess: string | undefined;
  if (invalid) guess = await guessEncoding(path);
  let text = raw;
  let skippedLines = 0;
  if (opts.comments) {
    const lines = raw.split('\n');
    while (skippedLines < lines.length && lines[skippedLines]!.startsWith('#')) skippedLines++;
    text = lines.slice(skippedLines).join('\n');
  }
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: opts.delimiter ?? ',',
      relax_column_count: true,
      relax_quotes: opts.delimiter === '\t',
      quote: opts.delimiter === '\t' ? false : '"',
      skip_empty_lines: true,
    }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new ImportError(`${file}: not a readable ${opts.delimiter === '\t' ? 'TSV' : 'CSV'} file${err.lines ? ` (near line ${err.lines + skippedLines})` : ''}: ${err.message}`);
  }
  if (!records.length) throw new ImportError(`${file}: the file is empty`);
  const header = records[0]!.map((h) => h.trim());
  const issues: RowIssue[] = [];
  const rows: TableRow[] = [];
  for (let i = 1; i < records.length; i++) {
    const rec = records[i]!;
    // For TSV (no quoting, one record per line) the row is the line number in the file.
    const rowNo = i + 1 + skippedLines;
    const shortOk = opts.delimiter === '\t' && rec.length < header.length; // trailing empty fields left out
    if (rec.length !== header.length && !shortOk && !(rec.length < header.length && rec.every((v) => v === ''))) {
      if (rec.length > header.length && rec.slice(header.length).every((v) => v === '')) {
        // trailing empty cells: harmless
      } else {
        issues.push({ file, row: rowNo, message: `has ${rec.length} fields, the header has ${header.length}` });
        continue;
      }
    }
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = rec[j] ?? ''));
    if (invalid) {
      const bad = header.find((h) => values[h]!.includes(REPLACEMENT));
      if (bad !== undefined) {
        issues.push({ file, row: rowNo, field: bad, message: encodingMessage(guess) });
        continue;
      }
    }
    rows.push({ row: rowNo, values });
  }
  if (invalid && header.some((h) => h.includes(REPLACEMENT)))
    throw new ImportError(`${file}: row 1 (header): ${encodingMessage(guess)}`);
  return { file, header, rows, issues };
}

async function guessEncoding(path: string): Promise<string | undefined> {
  try {
    const chardet = await import('chardet');
    const g = (chardet.default ?? chardet).detect(readFileSync(path));
    return g ?? undefined;
  } catch {
    return undefined;
  }
}

/** Check that a table has the named columns (compared without case and extra spaces). */
export function requireColumns(t: Table, required: string[], what: string): Map<string, string> {
  const byNorm = new Map(t.header.map((h) => [normaliseHeader(h), h]));
  const missing = required.filter((r) => !byNorm.has(normaliseHeader(r)));
  if (missing.length)
    throw new ImportError(
      `${t.file}${t.sheet ? ` (sheet "${t.sheet}")` : ''}: wrong columns for ${what}: missing ${missing.map((m) => `"${m}"`).join(', ')}` +
        ` (found: ${t.header.filter(Boolean).map((h) => `"${h}"`).join(', ') || 'none'})`,
    );
  const out = new Map<string, string>();
  for (const r of required) out.set(r, byNorm.get(normaliseHeader(r))!);
  return out;
}

// ------------------------------------------------------------------ XLSX

type ExcelWorkbook = import('exceljs').Workbook;
type ExcelWorksheet = import('exceljs').Worksheet;

export async function openWorkbook(path: string): Promise<ExcelWorkbook> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new ImportError(`${basename(path)}: not a readable XLSX workbook (damaged or truncated?): ${(e as Error).message}`);
  }
  return wb;
}

/** Find a worksheet by exact name, else by a pattern (e.g. /^AI Risk Database v\d+$/i). */
export function findSheet(wb: ExcelWorkbook, file: string, name: string, pattern?: RegExp): ExcelWorksheet {
  const exact = wb.worksheets.find((w) => w.name.trim().toLowerCase() === name.toLowerCase());
  const ws = exact ?? (pattern ? wb.worksheets.find((w) => pattern.test(w.name.trim())) : undefined);
  if (!ws)
    throw new ImportError(
      `${file}: no sheet named "${name}" (sheets: ${wb.worksheets.map((w) => `"${w.name}"`).join(', ')})`,
    );
  return ws;
}

/** A cell's value as the text a CSV export would hold. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return cellText(o.result);
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return '';
  }
  return String(v);
}

/**
 * Read a sheet as a table: the header is the first row (within the first 60) that holds every
 * required column name; data rows follow until the end (or, with stopAtBlank, the first empty row).
 */
export function sheetTable(ws: ExcelWorksheet, file: string, required: string[], opts: { stopAtBlank?: boolean } = {}): Table {
  const want = required.map(normaliseHeader);
  let headerRow = 0;
  let header: string[] = [];
  const last = Math.min(ws.rowCount, 60);
  for (let r = 1; r <= last; r++) {
    const vals = (ws.getRow(r).values as unknown[]) ?? [];
    const names = vals.map((v) => cellText(v).replace(/[\s\u00a0]+/g, ' ').trim());
    const norm = new Set(names.map(normaliseHeader));
    if (want.every((w) => norm.has(w))) {
      headerRow = r;
      header = names;
      break;
    }
  }
  if (!headerRow) {
    // Report what the most likely header row holds.
    throw new ImportError(
      `${file} (sheet "${ws.name}"): wrong columns: no row within the first ${last} holds the columns ${required.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  const cols: { idx: number; name: string }[] = [];
  header.forEach((h, idx) => {
    if (h && !cols.some((c) => c.name === h)) cols.push({ idx, name: h });
  });
  const rows: TableRow[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const vals = (ws.getRow(r).values as unknown[]) ?? [];
    const values: Record<string, string> = {};
    let any = false;
    for (const c of cols) {
      const s = cellText(vals[c.idx]);
      values[c.name] = s;
      if (s.trim() !== '') any = true;
    }
    if (any) rows.push({ row: r, values });
    else if (opts.stopAtBlank && rows.length) break; // the table ends at its first empty row (notes may follow)
  }
  return { file, sheet: ws.name, header: cols.map((c) => c.name), rows, issues: [] };
}

/**
 * Clean a cell's text the same way for every variant of a file: OOXML escapes such as "_x0001_"
 * (written literally by some CSV exports) are decoded, control characters other than tab and
 * newline are dropped, a date-time at midnight written by a CSV export ("2025-08-09 00:00:00")
 * becomes the date that the spreadsheet shows, and the ends are trimmed.
 */
export function cleanCell(s: string): { text: string; hadControl: boolean } {
  let t = s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  // eslint-disable-next-line no-control-regex
  const stripped = t.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  const hadControl = stripped !== t;
  t = stripped.replace(/\r\n?/g, '\n');
  const m = /^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.000)?Z?$/.exec(t.trim());
  if (m) t = m[1]!;
  return { text: t.trim(), hadControl };
}

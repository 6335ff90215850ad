// Reading tables from CSV/TSV files and XLSX sheets into one shape: a header and rows of
// strings keyed by column name, each with the row number a person sees in the source.
// Columns are found by name, never by position, and the header row is found by its names.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ImportError, type RowIssue } from './types.ts';
import { noteIgnored } from '../util/errors.ts';

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
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // TypeError: the bytes are not valid UTF-8
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
  } catch (e) {
    noteIgnored(`guessing the character encoding of ${path}`, e);
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

/** A worksheet read for import: its name and, if it was wanted, its rows (index = row number). */
export interface Sheet {
  name: string;
  rows?: unknown[][];
}

/**
 * Read a workbook with exceljs's streaming reader, keeping the rows of the wanted sheets only
 * (the others are skipped, which makes a large multi-sheet workbook quicker to read).
 */
export async function readWorkbook(path: string, wanted: (name: string) => boolean): Promise<Sheet[]> {
  const ExcelJS = (await import('exceljs')).default;
  const sheets: Sheet[] = [];
  // The streaming reader can wait forever on a cut-off file, so check the zip's directory first.
  const problem = zipProblem(path);
  if (problem) throw new ImportError(`${basename(path)}: not a readable XLSX workbook (damaged or truncated?): ${problem}`);
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache', // needed to tell dates from numbers
      worksheets: 'emit',
      entries: 'ignore',
    });
    for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<{ number: number; values: unknown[] }> & { name: string }>) {
      const name = String(ws.name ?? '');
      if (!wanted(name.trim())) {
        for await (const _ of ws) void _;
        sheets.push({ name });
        continue;
      }
      const rows: unknown[][] = [];
      for await (const row of ws) rows[row.number] = row.values as unknown[];
      sheets.push({ name, rows });
    }
  } catch (e) {
    throw new ImportError(`${basename(path)}: not a readable XLSX workbook (damaged or truncated?): ${(e as Error).message}`);
  }
  if (!sheets.length) throw new ImportError(`${basename(path)}: not a readable XLSX workbook (no worksheets found)`);
  return sheets;
}

/** Why a file is not a complete zip archive (an XLSX is one), or undefined when it looks whole. */
export function zipProblem(path: string): string | undefined {
  const buf = readFileSync(path);
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) return 'it is not a zip archive';
  const stop = Math.max(0, buf.length - 65557);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) !== 0x06054b50) continue;
    const size = buf.readUInt32LE(i + 12);
    const offset = buf.readUInt32LE(i + 16);
    if (offset + size > i) return 'its central directory points past the end of the file';
    if (buf.readUInt32LE(offset) !== 0x02014b50) return 'its central directory is damaged';
    return undefined;
  }
  return 'the end of the zip archive is missing (the file is cut off)';
}

/** Find a worksheet by exact name, else by a pattern (e.g. /^AI Risk Database v\d+$/i). */
export function findSheet(sheets: Sheet[], file: string, name: string, pattern?: RegExp): Sheet & { rows: unknown[][] } {
  const exact = sheets.find((w) => w.name.trim().toLowerCase() === name.toLowerCase());
  const ws = exact ?? (pattern ? sheets.find((w) => pattern.test(w.name.trim())) : undefined);
  if (!ws || !ws.rows)
    throw new ImportError(`${file}: no sheet named "${name}" (sheets: ${sheets.map((w) => `"${w.name}"`).join(', ')})`);
  return ws as Sheet & { rows: unknown[][] };
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
export function sheetTable(ws: Sheet & { rows: unknown[][] }, file: string, required: string[], opts: { stopAtBlank?: boolean } = {}): Table {
  const want = required.map(normaliseHeader);
  let headerRow = 0;
  let header: string[] = [];
  const rowCount = ws.rows.length - 1;
  const last = Math.min(rowCount, 60);
  for (let r = 1; r <= last; r++) {
    const vals = ws.rows[r] ?? [];
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
  for (let r = headerRow + 1; r <= rowCount; r++) {
    const vals = ws.rows[r] ?? [];
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

// Export writers: CSV, JSON, JSON Lines and XLSX, each fed batch by batch from an async iterable
// and written to a Node stream with back-pressure, so that memory stays flat however many rows
// there are. Every format carries the attribution of the source datasets.
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Column, StatementRecord } from './rows.ts';

export const EXPORT_FORMATS = ['csv', 'json', 'jsonl', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface DatasetAttribution {
  dataset: string;
  version: string;
  licence: string;
  attribution: string;
  sourceUrl: string | null;
}

export interface ExportMeta {
  generator: string;
  generatedAt: string;
  /** The query string that selected the rows (same syntax as /search). */
  query: string;
  /** Number of matching statements when known up front. */
  total: number | null;
  /** Where to read about the data and its licences. */
  about: string;
  attribution: DatasetAttribution[];
}

/**
 * A cell a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a carriage
 * return) gets a leading single quote, as the OWASP advice on CSV injection says: the spreadsheet
 * then shows it as text. Numbers stay numbers (so "-3" in a numeric column is not touched when
 * passed as a number); the raw text is still in the JSON and JSON Lines exports.
 */
export function csvSafe(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** csvSafe over every cell of a row. */
export function csvSafeRow(row: readonly unknown[]): unknown[] {
  return row.map(csvSafe);
}

/** Excel refuses cells longer than this. */
const XLSX_CELL_MAX = 32767;

/** The reader went away (e.g. the HTTP client closed the connection) before the export ended. */
export class ExportAborted extends Error {
  constructor() {
    super('The output was closed before the export finished.');
    this.name = 'ExportAborted';
  }
}

async function put(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new ExportAborted();
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      reject(new ExportAborted());
    };
    out.once('drain', done);
    out.once('close', closed);
  });
}

async function finish(out: Writable): Promise<void> {
  if ((out as Writable & { writableEnded?: boolean }).writableEnded) return;
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

export interface WriteOptions {
  columns: Column[];
  meta: ExportMeta;
  out: Writable;
  /** Leave the stream open at the end (default: end it). */
  keepOpen?: boolean;
}

/** Write every batch in the given format; returns the number of rows written. */
export async function writeExport(format: ExportFormat, batches: AsyncIterable<StatementRecord[]>, opts: WriteOptions): Promise<{ rows: number }> {
  switch (format) {
    case 'csv':
      return writeCsv(batches, opts);
    case 'json':
      return writeJson(batches, opts);
    case 'jsonl':
      return writeJsonl(batches, opts);
    case 'xlsx':
      return writeXlsx(batches, opts);
  }
}

async function writeCsv(batches: AsyncIterable<StatementRecord[]>, { columns, out, keepOpen }: WriteOptions): Promise<{ rows: number }> {
  let rows = 0;
  await put(out, stringify([csvSafeRow(columns.map((c) => c.key))]));
  for await (const batch of batches) {
    if (!batch.length) continue;
    await put(out, stringify(batch.map((r) => csvSafeRow(columns.map((c) => c.get(r) ?? '')))));
    rows += batch.length;
  }
  if (!keepOpen) await finish(out);
  return { rows };
}

async function writeJson(batches: AsyncIterable<StatementRecord[]>, { meta, out, keepOpen }: WriteOptions): Promise<{ rows: number }> {
  let rows = 0;
  const head = {
    generator: meta.generator,
    generatedAt: meta.generatedAt,
    query: meta.query,
    total: meta.total,
    about: meta.about,
    attribution: meta.attribution,
  };
  const headJson = JSON.stringify(head, null, 1);
  await put(out, headJson.slice(0, -2) + ',\n "items": [');
  for await (const batch of batches) {
    if (!batch.length) continue;
    const parts = batch.map((r, i) => (rows + i === 0 ? '\n' : ',\n') + JSON.stringify(r));
    await put(out, parts.join(''));
    rows += batch.length;
  }
  await put(out, (rows ? '\n' : '') + ' ]\n}\n');
  if (!keepOpen) await finish(out);
  return { rows };
}

async function writeJsonl(batches: AsyncIterable<StatementRecord[]>, { meta, out, keepOpen }: WriteOptions): Promise<{ rows: number }> {
  let rows = 0;
  await put(out, JSON.stringify({ _meta: meta }) + '\n');
  for await (const batch of batches) {
    if (!batch.length) continue;
    await put(out, batch.map((r) => JSON.stringify(r)).join('\n') + '\n');
    rows += batch.length;
  }
  if (!keepOpen) await finish(out);
  return { rows };
}

async function writeXlsx(batches: AsyncIterable<StatementRecord[]>, { columns, meta, out }: WriteOptions): Promise<{ rows: number }> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  wb.creator = meta.generator;
  wb.created = new Date(meta.generatedAt);
  const ws = wb.addWorksheet('Statements');
  ws.addRow(columns.map((c) => c.key)).commit();
  let rows = 0;
  for await (const batch of batches) {
    for (const r of batch) {
      ws.addRow(
        columns.map((c) => {
          const v = c.get(r);
          return typeof v === 'string' && v.length > XLSX_CELL_MAX ? v.slice(0, XLSX_CELL_MAX - 1) + '…' : v;
        }),
      ).commit();
    }
    rows += batch.length;
    // Let the zip stream drain between batches.
    await new Promise((resolve) => setImmediate(resolve));
    if (out.destroyed) throw new ExportAborted();
  }
  ws.commit();
  const att = wb.addWorksheet('Attribution');
  att.addRow(['dataset', 'version', 'licence', 'attribution', 'source_url']).commit();
  for (const a of meta.attribution) att.addRow([a.dataset, a.version, a.licence, a.attribution, a.sourceUrl ?? '']).commit();
  att.addRow([]).commit();
  att.addRow(['generator', meta.generator]).commit();
  att.addRow(['generated_at', meta.generatedAt]).commit();
  att.addRow(['query', meta.query]).commit();
  att.addRow(['about', meta.about]).commit();
  att.commit();
  await wb.commit(); // ends `out`
  return { rows };
}

/** A file name such as govnav-statements-2026-11-22.csv (with a short hint of the query when there is one). */
export function exportFilename(format: ExportFormat, query: string, date = new Date()): string {
  const day = date.toISOString().slice(0, 10);
  const hint = new URLSearchParams(query).get('q')?.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `govnav-statements${hint ? '-' + hint.toLowerCase() : ''}-${day}.${format}`;
}

// Bulk writes by COPY on both engines (PostgreSQL: COPY FROM STDIN; PGlite: COPY FROM '/dev/blob'),
// used where many new rows go into one table in one transaction (import, ingest). A row the
// database rejects fails the COPY, and so the transaction: the error names that row.
import type { Db } from '../db.ts';
import { ignoreWhile } from '../../util/errors.ts';

export type CopyValue = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : String(v);
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Rows (values in column order) as a COPY text-format payload. */
export function copyText(rows: readonly (readonly CopyValue[])[]): string {
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) out += (i ? '\t' : '') + copyField(r[i]);
    out += '\n';
  }
  return out;
}

/** Whether `db` can COPY (a transaction on an engine that supports it, and not turned off by GOVNAV_BULK_COPY=0). */
export function canCopy(db: Db): boolean {
  return process.env.GOVNAV_BULK_COPY !== '0' && db.inTransaction && typeof db.copyIn === 'function';
}

export class BulkRowError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'BulkRowError';
  }
}

/** The 1-based COPY line a database error points at ("COPY statements, line 12, column …"), if any. */
export function copyErrorLine(e: unknown): number | undefined {
  const where = (e as { where?: unknown } | null)?.where;
  const m = typeof where === 'string' ? /COPY [^,]+, line (\d+)/.exec(where) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * COPY `rows` into `table` (`columns` in order). `whereOf(i)` names row i for an error message
 * (file, document, statement), so a rejected row says which input it came from.
 */
export async function copyRows(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
  whereOf: (i: number) => string,
): Promise<void> {
  if (!rows.length) return;
  await copyData(db, table, columns, copyText(rows), rows.length, whereOf);
}

/** COPY rows already encoded in a CopyBuffer; errors name the row as copyRows does. */
export async function copyBuffered(db: Db, table: string, columns: readonly string[], data: CopyBuffer, whereOf: (i: number) => string): Promise<void> {
  if (!data.rows) return;
  await copyData(db, table, columns, data.bytes(), data.rows, whereOf);
}

async function copyData(db: Db, table: string, columns: readonly string[], data: string | Uint8Array<ArrayBuffer>, count: number, whereOf: (i: number) => string): Promise<void> {
  if (!db.copyIn) throw new Error('copyRows: this database connection cannot COPY (check canCopy first)');
  try {
    await db.copyIn(`${table} (${columns.join(', ')})`, data);
  } catch (e) {
    const line = copyErrorLine(e);
    const msg = (e as Error).message;
    if (line !== undefined && line >= 1 && line <= count)
      throw new BulkRowError(`${whereOf(line - 1)}: the database rejected this row (${table}): ${msg}`, e);
    throw new BulkRowError(`writing ${count} rows to ${table} (${whereOf(0)} …): ${msg}`, e);
  }
}

/**
 * COPY text encoded to UTF-8 row by row, as the rows are made: a bulk write keeps these bytes
 * (outside the JavaScript heap) instead of every row's values until the chunk is sent, so the
 * values are garbage at once (most of an import's garbage-collection time was spent moving rows
 * that were waiting to be written).
 */
export class CopyBuffer {
  /** Allocated on the first row (a writer keeps buffers that may stay empty). */
  private buf = Buffer.alloc(0);
  private len = 0;
  rows = 0;

  add(values: readonly CopyValue[]): void {
    let line = '';
    for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyField(values[i]);
    line += '\n';
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.len + line.length * 3 > this.buf.length) this.grow(this.len + line.length * 3);
    this.len += this.buf.write(line, this.len, 'utf8');
    this.rows++;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.len);
  }

  private grow(need: number): void {
    let size = Math.max(this.buf.length * 2, 1 << 16);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

/**
 * Writes run one after another, in order, while the caller goes on preparing the next rows: on
 * PostgreSQL the server works on one chunk while this process builds the next. The first failure
 * stops the writes after it and is thrown by done().
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();

  push(write: () => Promise<void>): void {
    this.tail = this.tail.then(write);
    this.tail.catch(ignoreWhile('a queued bulk write (done() rethrows it)')); // observed so that it is not "unhandled"
  }

  done(): Promise<void> {
    return this.tail;
  }
}

/** Let pending I/O run (a server's answer, a COPY's data going out) before going on with CPU work. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Refresh the planner's statistics after a bulk write, in its transaction (or the joins that follow
 * can become nested loops over every pair of new rows). Only the key and filter columns of
 * statements: its texts and search vector (most of the cost of analysing it) are left out;
 * autovacuum refreshes them on PostgreSQL, and without them the planner's defaults favour the
 * search index, as it should. What the planner needs of those key columns (row counts, the share
 * of NULLs, how many distinct values) a small sample gives as well as the default one: statements
 * and statement_norms are sampled with a statistics target of 10 (3,000 rows instead of 30,000;
 * a tenth of the time), the other tables with the configured target.
 */
export async function analyzeAfterBulkWrite(db: Db, more: readonly string[] = []): Promise<void> {
  const [row] = await db.query(`SELECT current_setting('default_statistics_target') AS target`);
  const target = String(row?.target ?? '100');
  // Transaction-local; a failure rolls it back with the rest.
  await db.query(`SELECT set_config('default_statistics_target', '10', true)`);
  await db.exec('ANALYZE statements (id, document_id, kind, parent_id, same_as, retired_at), statement_norms');
  await db.query(`SELECT set_config('default_statistics_target', $1, true)`, [target]);
  await db.exec(`ANALYZE ${['documents', ...more].join(', ')}`);
}

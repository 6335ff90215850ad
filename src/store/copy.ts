// Moving a whole store between databases, and backups: `govnav db copy` (embedded ⇄ PostgreSQL)
// and `govnav db dump|restore` (a portable file: gzip JSON lines, one line per row, per table).
//
// Rows travel as each row's jsonb text (to_jsonb, without generated columns) and are written with
// jsonb_populate_recordset, so every column type round-trips through its own text form, on PGlite
// and PostgreSQL alike. Everything is written in one transaction on the target, in foreign-key
// order, and checked before it commits: per table, the row count and a checksum (md5 over the
// sorted md5s of the rows' jsonb text, in UTC) must equal the source's. Any mismatch rolls back.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { Db } from './db.ts';
import { checkRows, int, nullable, queryRow, queryRows, row, text, textArray } from './schema/columns.ts';
import { schemaMigrations } from './schema/tables.ts';

const Count = row({ n: int() });
const JsonText = row({ j: text() });

/** Written by triggers or by live processes, never copied: the copy makes its own. */
const SKIPPED = new Set(['schema_migrations', 'search_changes', 'job_workers']);
/** Filled when a store opens (taxonomies, counters, keys): replaced on the target instead of refused. */
const SEEDED = new Set(['taxonomy_nodes', 'id_counters', 'server_secrets', 'topics']);
const BATCH = 2000;

export interface TableInfo {
  name: string;
  /** Columns written (generated columns are left out). */
  columns: string[];
  generated: string[];
  /** Single-column foreign keys to the table itself (set in a second pass). */
  selfRefs: string[];
  primaryKey: string[];
  /** Columns filled from a sequence (moved past the copied values afterwards). */
  serials: string[];
}

export interface TableReport {
  table: string;
  rows: number;
  checksum: string;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The tables of the store's schema, parents before children. */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const tables = (
    await queryRows(
      db,
      row({ t: text() }),
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
      [],
      'tables',
    )
  )
    .map((r) => r.t)
    .filter((t) => !SKIPPED.has(t));
  const cols = await queryRows(
    db,
    row({ t: text(), c: text(), gen: text(), def: nullable(text()) }),
    `SELECT table_name AS t, column_name AS c, is_generated AS gen, column_default AS def FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    [],
    'columns',
  );
  const fks = await queryRows(
    db,
    row({ child: text(), parent: text(), cols: textArray() }),
    `SELECT c.relname AS child, p.relname AS parent,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) AS x(n) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n) AS cols
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
    [],
    'foreign keys',
  );
  const pks = await queryRows(
    db,
    row({ t: text(), cols: textArray() }),
    `SELECT c.relname AS t, ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS x(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.i) AS cols
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'p' AND k.connamespace = current_schema()::regnamespace`,
    [],
    'primary keys',
  );
  const info = new Map<string, TableInfo>();
  for (const t of tables) {
    const mine = cols.filter((c) => c.t === t);
    info.set(t, {
      name: t,
      columns: mine.filter((c) => c.gen === 'NEVER').map((c) => c.c),
      generated: mine.filter((c) => c.gen !== 'NEVER').map((c) => c.c),
      selfRefs: fks.filter((f) => f.child === t && f.parent === t && f.cols.length === 1).map((f) => f.cols[0]!),
      primaryKey: pks.find((p) => p.t === t)?.cols ?? [],
      serials: mine.filter((c) => c.def?.startsWith('nextval(')).map((c) => c.c),
    });
  }
  // Parents first (a depth-first topological order; self references are handled separately).
  const out: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done' || !info.has(t)) return;
    if (state.get(t) === 'visiting') throw new Error(`foreign keys form a cycle through ${t}`);
    state.set(t, 'visiting');
    for (const f of fks) if (f.child === t && f.parent !== t) visit(f.parent);
    state.set(t, 'done');
    out.push(info.get(t)!);
  };
  for (const t of tables) visit(t);
  return out;
}

/** Row count and checksum of a table (call inside a transaction: it sets the time zone to UTC for it). */
export async function tableChecksum(tx: Db, t: TableInfo): Promise<TableReport> {
  const r = await queryRow(
    tx,
    row({ n: int(), sum: text() }),
    `SELECT count(*)::int AS n, coalesce(md5(string_agg(h, ',' ORDER BY h)), '') AS sum
     FROM (SELECT md5((to_jsonb(x) - $1::text[])::text) AS h FROM ${q(t.name)} x) s`,
    [t.generated],
    `checksum of ${t.name}`,
  );
  return { table: t.name, rows: r!.n, checksum: r!.sum };
}

async function utc(tx: Db): Promise<void> {
  await tx.exec(`SET LOCAL TIME ZONE 'UTC'`);
}

/** Read a table's rows (jsonb text, without generated columns) in batches, in primary-key order. */
export async function* readRows(tx: Db, t: TableInfo): AsyncGenerator<string[]> {
  const order = t.primaryKey.length ? t.primaryKey.map(q).join(', ') : '1';
  for (let offset = 0; ; offset += BATCH) {
    const rows = checkRows(
      JsonText,
      await tx.query(
        `SELECT (to_jsonb(x) - $1::text[])::text AS j FROM ${q(t.name)} x ORDER BY ${order} LIMIT ${BATCH} OFFSET ${offset}`,
        [t.generated],
      ),
      `rows of ${t.name}`,
    );
    if (rows.length) yield rows.map((r) => r.j);
    if (rows.length < BATCH) return;
  }
}

/** Write rows (jsonb text) into a table; self references are left empty and returned for `linkSelfRefs`. */
export async function writeRows(tx: Db, t: TableInfo, rows: string[]): Promise<string[]> {
  if (!rows.length) return [];
  const cols = t.columns.map(q).join(', ');
  const json = `[${rows.join(',')}]`;
  // With self references, the rows go in without them first (their targets may come later).
  const source = t.selfRefs.length ? `(SELECT coalesce(jsonb_agg(e - $2::text[]), '[]') FROM jsonb_array_elements($1::jsonb) AS e)` : '$1::jsonb';
  await tx.query(
    `INSERT INTO ${q(t.name)} (${cols}) OVERRIDING SYSTEM VALUE
     SELECT ${cols} FROM jsonb_populate_recordset(NULL::${q(t.name)}, ${source}) AS r`,
    t.selfRefs.length ? [json, t.selfRefs] : [json],
  );
  return t.selfRefs.length ? rows : [];
}

/** Second pass for self references (e.g. statements.parent_id): set them once every row exists. */
export async function linkSelfRefs(tx: Db, t: TableInfo, rows: string[]): Promise<void> {
  if (!t.selfRefs.length || !rows.length || !t.primaryKey.length) return;
  const on = t.primaryKey.map((k) => `x.${q(k)} = r.${q(k)}`).join(' AND ');
  for (let i = 0; i < rows.length; i += BATCH)
    await tx.query(
      `UPDATE ${q(t.name)} x SET ${t.selfRefs.map((c) => `${q(c)} = r.${q(c)}`).join(', ')}
       FROM jsonb_populate_recordset(NULL::${q(t.name)}, $1::jsonb) AS r WHERE ${on}`,
      [`[${rows.slice(i, i + BATCH).join(',')}]`],
    );
}

/** Move sequences past the copied ids, so new rows get fresh ones. */
async function bumpSequences(tx: Db, t: TableInfo): Promise<void> {
  for (const c of t.serials)
    await tx.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${q(c)}) FROM ${q(t.name)}), 0) + 1, false)`,
      [t.name, c],
    );
}

/** Refuse a target that holds data; clear the tables a store fills when it opens. */
async function prepareTarget(tx: Db, tables: TableInfo[]): Promise<void> {
  const busy: string[] = [];
  for (const t of tables) {
    if (SEEDED.has(t.name)) continue;
    const r = await queryRow(tx, Count, `SELECT count(*)::int AS n FROM ${q(t.name)}`, [], `rows of ${t.name}`);
    if (r!.n) busy.push(`${t.name} (${r!.n} rows)`);
  }
  if (busy.length) throw new CopyError(`The target database already holds data: ${busy.slice(0, 6).join(', ')}. Copy and restore need an empty store (a new database, schema or data directory).`);
  for (const t of [...tables].reverse()) if (SEEDED.has(t.name)) await tx.query(`DELETE FROM ${q(t.name)}`);
}

async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await queryRows(db, schemaMigrations.row.pick({ version: true }), 'SELECT version FROM schema_migrations ORDER BY version', [], 'migrations');
  return rows.map((r) => r.version);
}

async function sameSchema(a: string[], b: string[], what: string): Promise<void> {
  if (a.join(',') !== b.join(','))
    throw new CopyError(
      `${what} are at different migrations (source: ${a.at(-1) ?? 'none'}, ${a.length}; target: ${b.at(-1) ?? 'none'}, ${b.length}). ` +
        'Run `govnav db migrate` on both with the same govnav version first.',
    );
}

function check(expected: TableReport, got: TableReport): void {
  if (expected.rows !== got.rows || expected.checksum !== got.checksum)
    throw new Error(
      `Verification failed for table ${got.table}: source ${expected.rows} rows (checksum ${expected.checksum.slice(0, 12)}), ` +
        `target ${got.rows} rows (checksum ${got.checksum.slice(0, 12)}). Nothing was written.`,
    );
}

export type CopyProgress = (table: string, rows: number) => void;

/** Copy every table of `src` into the empty store `dst`, in one transaction on `dst`, verified per table. */
export async function copyStore(src: Db, dst: Db, onProgress?: CopyProgress): Promise<TableReport[]> {
  await sameSchema(await appliedMigrations(src), await appliedMigrations(dst), 'The two databases');
  return src.transaction(async (stx) => {
    if (src.kind === 'postgres') await stx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await utc(stx);
    const tables = await listTables(stx);
    return dst.transaction(async (dtx) => {
      await utc(dtx);
      await prepareTarget(dtx, tables);
      const reports: TableReport[] = [];
      for (const t of tables) {
        const self: string[] = [];
        let n = 0;
        for await (const rows of readRows(stx, t)) {
          self.push(...(await writeRows(dtx, t, rows)));
          n += rows.length;
          onProgress?.(t.name, n);
        }
        await linkSelfRefs(dtx, t, self);
        await bumpSequences(dtx, t);
        const expected = await tableChecksum(stx, t);
        const got = await tableChecksum(dtx, t);
        check(expected, got);
        reports.push(got);
      }
      return reports;
    });
  });
}

// ---------------------------------------------------------------- dump and restore

export const DUMP_FORMAT = 'govnav-dump';

interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: 1;
  createdAt: string;
  engine: string;
  migrations: string[];
  tables: string[];
}

/** Write the whole store to a gzip JSON-lines file (one consistent snapshot). */
export async function dumpStore(db: Db, file: string, onProgress?: CopyProgress): Promise<TableReport[]> {
  const gz = createGzip({ level: 6 });
  const out = createWriteStream(file);
  gz.pipe(out);
  const write = async (line: string) => {
    if (!gz.write(line + '\n')) await once(gz, 'drain');
  };
  try {
    const reports = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await utc(tx);
      const tables = await listTables(tx);
      const header: DumpHeader = { format: DUMP_FORMAT, version: 1, createdAt: new Date().toISOString(), engine: db.kind, migrations: await appliedMigrations(tx), tables: tables.map((t) => t.name) };
      await write(JSON.stringify(header));
      const reports: TableReport[] = [];
      for (const t of tables) {
        await write(JSON.stringify({ $table: t.name, columns: t.columns }));
        let n = 0;
        for await (const rows of readRows(tx, t)) {
          for (const r of rows) await write(r);
          n += rows.length;
          onProgress?.(t.name, n);
        }
        const rep = await tableChecksum(tx, t);
        await write(JSON.stringify({ $end: t.name, rows: rep.rows, checksum: rep.checksum }));
        reports.push(rep);
      }
      return reports;
    });
    gz.end();
    await once(out, 'close');
    return reports;
  } catch (e) {
    gz.destroy();
    out.destroy();
    throw e;
  }
}

/** Load a dump into the empty store `db`, in one transaction, verified per table against the dump. */
export async function restoreStore(db: Db, file: string, onProgress?: CopyProgress): Promise<TableReport[]> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  let header: DumpHeader;
  try {
    header = JSON.parse(first.value ?? '') as DumpHeader;
  } catch {
    throw new CopyError(`${file} is not a govnav dump (its first line is not a JSON header).`);
  }
  if (header.format !== DUMP_FORMAT || header.version !== 1) throw new CopyError(`${file} is not a govnav dump of format version 1.`);
  await sameSchema(header.migrations, await appliedMigrations(db), 'The dump and this database');
  return db.transaction(async (tx) => {
    await utc(tx);
    const tables = new Map((await listTables(tx)).map((t) => [t.name, t]));
    await prepareTarget(tx, [...tables.values()]);
    const reports: TableReport[] = [];
    let t: TableInfo | undefined;
    let batch: string[] = [];
    let self: string[] = [];
    let n = 0;
    let lineNo = 1;
    const flush = async () => {
      if (t && batch.length) self.push(...(await writeRows(tx, t, batch)));
      n += batch.length;
      if (t && batch.length) onProgress?.(t.name, n);
      batch = [];
    };
    for (let r = await it.next(); !r.done; r = await it.next()) {
      lineNo++;
      const line = r.value;
      if (!line) continue;
      if (line.startsWith('{"$table"')) {
        const name = (JSON.parse(line) as { $table: string }).$table;
        t = tables.get(name);
        if (!t) throw new CopyError(`${file} line ${lineNo}: table "${name}" does not exist in this database.`);
        n = 0;
        self = [];
      } else if (line.startsWith('{"$end"')) {
        const end = JSON.parse(line) as { $end: string; rows: number; checksum: string };
        if (!t || end.$end !== t.name) throw new CopyError(`${file} line ${lineNo}: end of table "${end.$end}" without its start.`);
        await flush();
        await linkSelfRefs(tx, t, self);
        await bumpSequences(tx, t);
        const got = await tableChecksum(tx, t);
        check({ table: t.name, rows: end.rows, checksum: end.checksum }, got);
        reports.push(got);
        t = undefined;
      } else {
        if (!t) throw new CopyError(`${file} line ${lineNo}: a row outside any table.`);
        batch.push(line);
        if (batch.length >= BATCH) await flush();
      }
    }
    if (t) throw new CopyError(`${file} ends inside table "${t.name}": the dump is incomplete.`);
    const missing = header.tables.filter((x) => !reports.some((r) => r.table === x));
    if (missing.length) throw new CopyError(`${file} is incomplete: no data for ${missing.join(', ')}.`);
    return reports;
  });
}

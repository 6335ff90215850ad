// Snapshots: the rows of a store's corpus (datasets, documents, statements, labels, topic links,
// document texts and outlines, classification runs) written as one gzip-compressed JSON file, and
// loaded back into an empty store in one transaction with bulk inserts. A snapshot restores rows as
// they were; it never re-runs importers, ingestion or classifiers. The same file loads on PGlite and
// on PostgreSQL: rows are inserted with jsonb_to_recordset, typed by the target table's own columns.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Db } from './db.ts';
import { bool, int, nullable, queryRow, queryRows, row, text, textArray } from './schema/columns.ts';
import { idCounters } from './schema/tables.ts';

const Count = row({ n: int() });

export const SNAPSHOT_FORMAT = 'govnav-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

/**
 * Tables never in a snapshot: the migration log and taxonomy nodes (made at open from files), the
 * instance's own feedback, releases and LLM response cache, the work lists of classification runs,
 * and the MinHash signatures of statements (half the size of a snapshot, incompressible, and
 * recomputed by the next ingest for every statement that has none). Every other table of the schema
 * is included, so a table added by a later migration travels too.
 */
export const NOT_IN_SNAPSHOT = new Set(['schema_migrations', 'taxonomy_nodes', 'feedback', 'releases', 'llm_cache', 'classify_run_items', 'statement_minhash',
  // accounts, password hashes, sessions, server keys and the audit log belong to one instance and never travel
  'users', 'sessions', 'server_secrets', 'audit_log',
  // per-instance bookkeeping: the search index's change log (written by triggers while a snapshot
  // loads), page-view counts and the job queue
  'search_changes', 'statement_views', 'jobs', 'job_workers',
  // a team's open curation work (proposals, blind double-coding assignments and their codings)
  // names the instance's own accounts; the decisions it led to travel as labels
  'review_proposals', 'review_assignments', 'review_codings']);

interface TableInfo {
  name: string;
  key: string[];
  /** Tables this one references (itself left out). */
  refs: string[];
  /** Columns referencing this same table whose constraint is checked at once: loaded as NULL, then set. */
  selfRefs: string[];
}

/** The tables of the current schema that go into a snapshot, ordered so that every reference is loaded first. */
export async function snapshotTables(db: Db): Promise<TableInfo[]> {
  const tables = await queryRows(
    db,
    row({ name: text(), key: nullable(textArray()) }),
    `SELECT c.relname AS name,
            (SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
               FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[])
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
      ORDER BY c.relname`,
    [],
    'snapshot tables',
  );
  const fks = await queryRows(
    db,
    row({ src: text(), dst: text(), cols: textArray(), deferrable: bool() }),
    `SELECT s.relname AS src, d.relname AS dst, k.condeferrable AS deferrable,
            (SELECT array_agg(a.attname::text) FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)) AS cols
       FROM pg_constraint k JOIN pg_class s ON s.oid = k.conrelid JOIN pg_class d ON d.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()`,
    [],
    'foreign keys',
  );
  const wanted = tables.filter((t) => !NOT_IN_SNAPSHOT.has(t.name));
  const names = new Set(wanted.map((t) => t.name));
  const info = new Map<string, TableInfo>(
    wanted.map((t) => [
      t.name,
      {
        name: t.name,
        key: t.key ?? [],
        refs: [...new Set(fks.filter((f) => f.src === t.name && f.dst !== t.name && names.has(f.dst)).map((f) => f.dst))].sort(),
        selfRefs: fks.filter((f) => f.src === t.name && f.dst === t.name && !f.deferrable).flatMap((f) => f.cols),
      },
    ]),
  );
  // Depth-first topological order (alphabetical among equals, so the order is stable).
  const out: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new SnapshotError(`tables reference each other in a cycle (${[...path, n].join(' → ')}); a snapshot cannot order them`);
    state.set(n, 'visiting');
    for (const r of info.get(n)!.refs) visit(r, [...path, n]);
    state.set(n, 'done');
    out.push(info.get(n)!);
  };
  for (const n of [...info.keys()].sort()) visit(n, []);
  for (const t of out) if (!t.key.length) throw new SnapshotError(`table ${t.name} has no primary key; a snapshot needs one to order its rows`);
  return out;
}

export interface SnapshotTable {
  name: string;
  columns: string[];
  rows: unknown[][];
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  /** The last migration applied to the store the snapshot was made from. */
  schema: string;
  tables: SnapshotTable[];
}

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/**
 * Columns of a table as the database has them. Generated columns are left out (they are recomputed),
 * and so is statements.search_vector: a trigger fills it from search_text when a row arrives without
 * one (migration 0945), so shipping it would only make the snapshot larger.
 */
async function tableColumns(db: Db, table: string): Promise<{ name: string; type: string }[]> {
  return queryRows(
    db,
    row({ name: text(), type: text() }),
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        AND a.attname <> 'search_vector'
      ORDER BY a.attnum`,
    [table],
    `columns of ${table}`,
  );
}

async function lastMigration(db: Db): Promise<string> {
  const r = await queryRow(db, row({ v: nullable(text()) }), 'SELECT max(version)::text AS v FROM schema_migrations', [], 'last migration').catch(() => ({ v: '' }));
  return r?.v ?? '';
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Read every snapshot table of the store, rows ordered by primary key (so equal stores give equal snapshots). */
export async function dumpSnapshot(db: Db): Promise<Snapshot> {
  const tables: SnapshotTable[] = [];
  for (const t of await snapshotTables(db)) {
    const cols = (await tableColumns(db, t.name)).map((c) => c.name);
    if (!cols.length) throw new SnapshotError(`table ${t.name} is missing: migrate the store first`);
    // Values in PostgreSQL's own JSON form (timestamps as ISO text, reals as PostgreSQL prints them),
    // the same on both engines.
    const rows: unknown[][] = [];
    const page = 20000;
    for (let offset = 0; ; offset += page) {
      const r = await queryRow(
        db,
        row({ j: nullable(text()) }),
        `SELECT json_agg(json_build_array(${cols.map((c) => `x.${q(c)}`).join(', ')}))::text AS j
           FROM (SELECT * FROM ${q(t.name)} ORDER BY ${t.key.map(q).join(', ')} LIMIT ${page} OFFSET ${offset}) x`,
        [],
        `rows of ${t.name}`,
      );
      const chunk = r?.j ? (JSON.parse(r.j) as unknown[][]) : [];
      rows.push(...chunk);
      if (chunk.length < page) break;
    }
    tables.push({ name: t.name, columns: cols, rows });
  }
  return { format: SNAPSHOT_FORMAT, formatVersion: SNAPSHOT_FORMAT_VERSION, schema: await lastMigration(db), tables };
}

/** gzip of the snapshot's JSON: byte for byte the same for the same rows. */
export function encodeSnapshot(s: Snapshot): Buffer {
  // One table per line keeps the file diffable when unpacked.
  const body =
    `{"format":${JSON.stringify(s.format)},"formatVersion":${s.formatVersion},"schema":${JSON.stringify(s.schema)},"tables":[\n` +
    s.tables.map((t) => JSON.stringify(t)).join(',\n') +
    '\n]}\n';
  return gzipSync(Buffer.from(body, 'utf8'), { level: 9 });
}

export function decodeSnapshot(data: Buffer, where = 'snapshot'): Snapshot {
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(data).toString('utf8'));
  } catch (e) {
    throw new SnapshotError(`${where}: not a gzip-compressed govnav snapshot (${(e as Error).message})`);
  }
  const s = json as Partial<Snapshot>;
  if (s?.format !== SNAPSHOT_FORMAT || !Array.isArray(s.tables))
    throw new SnapshotError(`${where}: not a govnav snapshot (format "${String(s?.format)}")`);
  if (s.formatVersion !== SNAPSHOT_FORMAT_VERSION)
    throw new SnapshotError(`${where}: snapshot format version ${s.formatVersion}; this govnav reads version ${SNAPSHOT_FORMAT_VERSION}`);
  for (const t of s.tables) {
    if (typeof t.name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(t.name)) throw new SnapshotError(`${where}: unknown table "${String(t.name)}"`);
    if (!Array.isArray(t.columns) || !Array.isArray(t.rows)) throw new SnapshotError(`${where}: table "${t.name}" has no columns or rows`);
    // A table this version keeps out of snapshots may appear, empty, in a snapshot an earlier
    // version wrote; with rows it would carry one instance's private data, so it is refused.
    if (NOT_IN_SNAPSHOT.has(t.name) && t.rows.length > 0)
      throw new SnapshotError(`${where}: table "${t.name}" never travels in a snapshot, but this one holds ${t.rows.length} of its rows`);
  }
  s.tables = s.tables.filter((t) => !NOT_IN_SNAPSHOT.has(t.name));
  return s as Snapshot;
}

export function readSnapshotFile(path: string): Snapshot {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new SnapshotError(`${path}: cannot read the snapshot (${(e as Error).message})`);
  }
  return decodeSnapshot(data, path);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface LoadReport {
  rows: Record<string, number>;
  ms: number;
}

/** True when the store holds no document (a snapshot may only be loaded then). */
export async function corpusIsEmpty(db: Db): Promise<boolean> {
  const r = await queryRow(db, Count, 'SELECT (SELECT count(*) FROM documents)::int + (SELECT count(*) FROM datasets)::int AS n', [], 'corpus size');
  return r!.n === 0;
}

/**
 * Load a snapshot into a store that has no dataset and no document yet, in one transaction: any
 * error leaves the store as it was. Topics and id counters already there (a linker or an earlier
 * import may have made them) are replaced by the snapshot's.
 */
export async function loadSnapshot(
  db: Db,
  s: Snapshot,
  opts: { onTable?: (table: string, rows: number, done: number, total: number) => void } = {},
): Promise<LoadReport> {
  const t0 = Date.now();
  if (!(await corpusIsEmpty(db)))
    throw new SnapshotError('the store already holds datasets or documents; a snapshot loads into an empty store only (remove them with `govnav datasets remove <id>`, or use another data directory)');
  const total = s.tables.reduce((n, t) => n + t.rows.length, 0);
  const rows: Record<string, number> = {};
  let done = 0;
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM statement_topics');
    await tx.query('DELETE FROM topic_link_state');
    await tx.query('DELETE FROM topics');
    // Ids allocated before (by data since removed) are never handed out again: counters keep the larger value.
    const counters = await queryRows(tx, idCounters.row, 'SELECT prefix, next FROM id_counters', [], 'id counters');
    await tx.query('DELETE FROM id_counters');
    // Statements point at their parents; the constraint is checked at commit.
    await tx.query('SET CONSTRAINTS ALL DEFERRED');
    const order = await snapshotTables(tx);
    for (const t of s.tables)
      if (!order.some((o) => o.name === t.name)) throw new SnapshotError(`the snapshot has a table "${t.name}" this database does not have (made by a newer govnav?)`);
    for (const t of order) {
      const table = s.tables.find((x) => x.name === t.name);
      if (!table || !table.rows.length) {
        rows[t.name] = 0;
        continue;
      }
      const have = await tableColumns(tx, t.name);
      const types = new Map(have.map((c) => [c.name, c.type]));
      for (const c of table.columns)
        if (!types.has(c)) throw new SnapshotError(`snapshot table ${t.name} has a column "${c}" this database does not (a newer govnav made it?)`);
      const def = table.columns.map((c) => `${q(c)} ${types.get(c)}`).join(', ');
      const cols = table.columns.map(q).join(', ');
      // Columns referencing rows of the same table are set after all rows are in.
      const later = t.selfRefs.filter((c) => table.columns.includes(c));
      const firstCols = table.columns.map((c) => (later.includes(c) ? `NULL` : q(c))).join(', ');
      const sql = `INSERT INTO ${q(t.name)} (${cols}) SELECT ${firstCols} FROM jsonb_to_recordset($1::jsonb) AS x(${def})`;
      const fix = later.length
        ? `UPDATE ${q(t.name)} t SET ${later.map((c) => `${q(c)} = x.${q(c)}`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${def})
            WHERE ${t.key.map((k) => `t.${q(k)} = x.${q(k)}`).join(' AND ')} AND (${later.map((c) => `x.${q(c)} IS NOT NULL`).join(' OR ')})`
        : undefined;
      // Chunks of about 4 MB of JSON keep memory flat on large tables.
      let i = 0;
      const chunks: string[] = [];
      while (i < table.rows.length) {
        const chunk: Record<string, unknown>[] = [];
        let size = 0;
        while (i < table.rows.length && size < 4_000_000 && chunk.length < 20000) {
          const r = table.rows[i++]!;
          const o: Record<string, unknown> = {};
          table.columns.forEach((c, k) => (o[c] = r[k]));
          size += JSON.stringify(r).length;
          chunk.push(o);
        }
        chunks.push(JSON.stringify(chunk));
        await tx.query(sql, [chunks[chunks.length - 1]]);
        done += chunk.length;
        opts.onTable?.(t.name, chunk.length, done, total);
      }
      if (fix) for (const c of chunks) await tx.query(fix, [c]);
      rows[t.name] = table.rows.length;
    }
    for (const c of counters)
      await tx.query(
        `INSERT INTO id_counters (prefix, next) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET next = GREATEST(id_counters.next, EXCLUDED.next)`,
        [c.prefix, c.next],
      );
    await bumpSerials(tx, order);
  });
  return { rows, ms: Date.now() - t0 };
}

/** Move the sequences of the loaded tables past the loaded ids. */
async function bumpSerials(tx: Db, order: TableInfo[]): Promise<void> {
  const serials = await queryRows(
    tx,
    row({ t: text(), c: text() }),
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
    [],
    'serial columns',
  );
  for (const { t: table, c: col } of serials.filter((x) => order.some((o) => o.name === x.t)))
    await tx.query(
      `SELECT setval(pg_get_serial_sequence('${table}', '${col}'), GREATEST((SELECT max(${q(col)}) FROM ${q(table)}), 1), (SELECT count(*) > 0 FROM ${q(table)}))`,
    );
}

/** Row counts of the snapshot tables in a store (tests compare a store before and after a round trip). */
export async function snapshotCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await snapshotTables(db)) out[t.name] = (await queryRow(db, Count, `SELECT count(*)::int AS n FROM ${q(t.name)}`, [], `rows of ${t.name}`))!.n;
  return out;
}

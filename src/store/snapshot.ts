// Snapshots: the rows of a store's corpus (datasets, documents, statements, labels, topic links,
// document texts and outlines, classification runs) written as one gzip-compressed JSON file, and
// loaded back into an empty store in one transaction with bulk inserts. A snapshot restores rows as
// they were; it never re-runs importers, ingestion or classifiers. The same file loads on PGlite and
// on PostgreSQL: rows are inserted with jsonb_to_recordset, typed by the target table's own columns.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Db } from './db.ts';

export const SNAPSHOT_FORMAT = 'govnav-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

/** Tables in a snapshot, in an order that satisfies every foreign key on load. */
export const SNAPSHOT_TABLES: { name: string; key: string[] }[] = [
  { name: 'id_counters', key: ['prefix'] },
  { name: 'datasets', key: ['id'] },
  { name: 'documents', key: ['id'] },
  { name: 'statements', key: ['id'] },
  { name: 'classify_runs', key: ['id'] },
  { name: 'classifications', key: ['id'] },
  { name: 'topics', key: ['id'] },
  { name: 'statement_topics', key: ['statement_id', 'topic_id'] },
  { name: 'topic_link_state', key: ['statement_id'] },
  { name: 'document_texts', key: ['document_id'] },
  { name: 'statement_minhash', key: ['statement_id'] },
  { name: 'document_blocks', key: ['document_id', 'ord'] },
  { name: 'extraction_corrections', key: ['id'] },
];

/** Serial columns whose sequence must move past the loaded ids. */
const SERIALS: [string, string][] = [
  ['classifications', 'id'],
  ['extraction_corrections', 'id'],
];

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

/** Columns of a table as the database has them (generated columns left out: they are recomputed). */
async function tableColumns(db: Db, table: string): Promise<{ name: string; type: string }[]> {
  return db.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [table],
  );
}

async function lastMigration(db: Db): Promise<string> {
  const r = await db.query<{ v: string }>('SELECT max(version)::text AS v FROM schema_migrations').catch(() => [{ v: '' }]);
  return r[0]?.v ?? '';
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Read every snapshot table of the store, rows ordered by primary key (so equal stores give equal snapshots). */
export async function dumpSnapshot(db: Db): Promise<Snapshot> {
  const tables: SnapshotTable[] = [];
  for (const t of SNAPSHOT_TABLES) {
    const cols = (await tableColumns(db, t.name)).map((c) => c.name);
    if (!cols.length) throw new SnapshotError(`table ${t.name} is missing: migrate the store first`);
    // Values in PostgreSQL's own JSON form (timestamps as ISO text, reals as PostgreSQL prints them),
    // the same on both engines.
    const rows: unknown[][] = [];
    const page = 20000;
    for (let offset = 0; ; offset += page) {
      const r = await db.query<{ j: string | null }>(
        `SELECT json_agg(json_build_array(${cols.map((c) => `x.${q(c)}`).join(', ')}))::text AS j
           FROM (SELECT * FROM ${q(t.name)} ORDER BY ${t.key.map(q).join(', ')} LIMIT ${page} OFFSET ${offset}) x`,
      );
      const chunk = r[0]?.j ? (JSON.parse(r[0].j) as unknown[][]) : [];
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
    if (!SNAPSHOT_TABLES.some((x) => x.name === t.name)) throw new SnapshotError(`${where}: unknown table "${t.name}"`);
    if (!Array.isArray(t.columns) || !Array.isArray(t.rows)) throw new SnapshotError(`${where}: table "${t.name}" has no columns or rows`);
  }
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
  const r = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM documents)::int + (SELECT count(*) FROM datasets)::int AS n');
  return r[0]!.n === 0;
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
    await tx.query('DELETE FROM id_counters');
    // Statements point at their parents; the constraint is checked at commit.
    await tx.query('SET CONSTRAINTS ALL DEFERRED');
    for (const t of SNAPSHOT_TABLES) {
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
      const sql = `INSERT INTO ${q(t.name)} (${cols}) SELECT ${cols} FROM jsonb_to_recordset($1::jsonb) AS x(${def})`;
      // Chunks of about 4 MB of JSON keep memory flat on large tables.
      let i = 0;
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
        await tx.query(sql, [JSON.stringify(chunk)]);
        done += chunk.length;
        opts.onTable?.(t.name, chunk.length, done, total);
      }
      rows[t.name] = table.rows.length;
    }
    for (const [table, col] of SERIALS)
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${table}', '${col}'), GREATEST((SELECT max(${q(col)}) FROM ${q(table)}), 1), (SELECT count(*) > 0 FROM ${q(table)}))`,
      );
  });
  return { rows, ms: Date.now() - t0 };
}

/** Row counts of the snapshot tables in a store (tests compare a store before and after a round trip). */
export async function snapshotCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of SNAPSHOT_TABLES) out[t.name] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(t.name)}`))[0]!.n;
  return out;
}

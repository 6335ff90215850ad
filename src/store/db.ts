// One database interface over two engines: PGlite (embedded, the default) and PostgreSQL
// (when DATABASE_URL is set). Every query in govnav is plain PostgreSQL with $n parameters and
// runs unchanged on both.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCode, ignoreWhile, logError, noteIgnored } from '../util/errors.ts';

export type DbKind = 'pglite' | 'postgres';
/** A row as the driver returns it, before a schema has checked it. */
export type Row = Record<string, unknown>;

export interface Db {
  readonly kind: DbKind;
  /**
   * Run one statement with $1.. parameters and return its rows, untyped: parse them through a schema
   * (src/store/schema: queryRows, queryRow, parseRows, checkRows) rather than cast them.
   */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * The same with the rows cast to `T`, unchecked: for tests, benchmarks and scripts only. Code under
   * src/ never uses it (test/util/row-types.test.ts checks that), so every row there is parsed.
   */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Run `fn` in a transaction (a savepoint when already inside one); any error rolls everything back. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  readonly inTransaction: boolean;
  close(): Promise<void>;
  /**
   * Bulk load inside a transaction: COPY `target` ("table (col, …)") FROM the text-format `data`
   * (src/store/bulk/copy.ts builds both; as bytes when already UTF-8). Absent where the engine cannot (the PGlite worker thread).
   */
  copyIn?(target: string, data: string | Uint8Array<ArrayBuffer>): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string;
  /** Directory of the PGlite database; when absent (and no databaseUrl), an in-memory database. */
  pgliteDir?: string;
  /** PostgreSQL schema to use (created if missing); used by tests to isolate runs. */
  schema?: string;
  /** Drop that schema again on close (tests). */
  dropSchemaOnClose?: boolean;
  /** Start an in-memory PGlite from this dump (`dumpPglite`): much faster than a fresh database. */
  pgliteTemplate?: Blob;
  /**
   * PGlite: return from a query before the files are synced to disk (much faster reads on a data
   * directory; a crash may lose the last moments of writes). Used by `govnav serve`, whose own
   * writes are feedback and reviews.
   */
  relaxedDurability?: boolean;
  /**
   * PGlite: run the database in a worker thread (src/store/db-thread.ts) so that queries never
   * block the event loop. `govnav serve` turns it on; GOVNAV_PGLITE_THREAD=1/0 overrides.
   */
  thread?: boolean;
}

export class DatabaseError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.schema, opts.dropSchemaOnClose);
  const env = process.env.GOVNAV_PGLITE_THREAD;
  const thread = env === '1' ? true : env === '0' ? false : !!opts.thread;
  if (thread) {
    const { openPgliteThread } = await import('./db-thread.ts');
    let release = () => {};
    if (opts.pgliteDir) {
      mkdirSync(opts.pgliteDir, { recursive: true });
      release = acquireDirLock(opts.pgliteDir);
    }
    try {
      return await openPgliteThread(
        { dataDir: opts.pgliteDir, template: opts.pgliteTemplate, relaxedDurability: opts.relaxedDurability, onClose: release },
        savepoint,
      );
    } catch (e) {
      release();
      throw new DatabaseError(
        `Could not open the embedded database${opts.pgliteDir ? ` at ${opts.pgliteDir}` : ''}: ${(e as Error).message}. ` +
          'If the directory is damaged, move it aside and run `govnav db migrate` to start afresh.',
        e,
      );
    }
  }
  return openPglite(opts.pgliteDir, opts.pgliteTemplate, opts.relaxedDurability);
}

// ---------------------------------------------------------------- PGlite

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(fn: (tx: PgliteTxLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
interface PgliteTxLike {
  query<T>(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

async function openPglite(dir?: string, template?: Blob, relaxedDurability = false): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    release = acquireDirLock(dir);
  }
  let pg: PgliteLike;
  let raw: unknown;
  try {
    pg = (await PGlite.create({
      ...(dir ? { dataDir: dir } : template ? { loadDataDir: template } : {}),
      ...(relaxedDurability ? { relaxedDurability: true } : {}),
    })) as unknown as PgliteLike;
    raw = pg;
  } catch (e) {
    release();
    throw new DatabaseError(
      `Could not open the embedded database${dir ? ` at ${dir}` : ''}: ${(e as Error).message}. ` +
        'If the directory is damaged, move it aside and run `govnav db migrate` to start afresh.',
      e,
    );
  }
  const wrapTx = (tx: PgliteTxLike, depth: number): Db => ({
    kind: 'pglite',
    inTransaction: true,
    query: (async (sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows) as Db['query'],
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
    transaction: <T>(fn: (inner: Db) => Promise<T>) => savepoint(wrapTx(tx, depth + 1), depth + 1, fn),
    close: async () => {
      throw new Error('close() inside a transaction');
    },
    copyIn: async (target: string, data: string | Uint8Array<ArrayBuffer>) => {
      await tx.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    },
  });
  const db: Db & { dump?: () => Promise<Blob> } = {
    kind: 'pglite',
    inTransaction: false,
    query: (async (sql: string, params?: unknown[]) => (await pg.query<Row>(sql, params)).rows) as Db['query'],
    exec: async (sql: string) => {
      await pg.exec(sql);
    },
    transaction: <T>(fn: (tx: Db) => Promise<T>) => pg.transaction((tx) => fn(wrapTx(tx, 0))),
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
  db.dump = () => (raw as { dumpDataDir(c: 'none'): Promise<Blob> }).dumpDataDir('none');
  return db;
}

/** A copy of a PGlite database's files, to start other in-memory databases from (`pgliteTemplate`). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const d = (db as Db & { dump?: () => Promise<Blob> }).dump;
  if (!d) throw new Error('dumpPglite works on PGlite databases only');
  return d();
}

/** One process at a time may open a PGlite directory; a second gets a clear error instead of corruption. */
function acquireDirLock(dir: string): () => void {
  const lock = join(dir, '.govnav.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && processAlive(pid)) {
      throw new DatabaseError(
        `The embedded database at ${dir} is in use by another govnav process (pid ${pid}). ` +
          'Stop that process (e.g. the running `govnav serve`) and try again, or use PostgreSQL ' +
          '(set DATABASE_URL) so that several processes can share one database.',
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock);
    } catch (e) {
      if (!hasCode(e, 'ENOENT')) noteIgnored(`removing the lock file ${lock}`, e); // ENOENT: already gone
    }
  };
  process.once('exit', release);
  return release;
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function openPostgres(url: string, schema?: string, dropSchemaOnClose = false): Promise<Db> {
  const pgMod = await import('pg');
  const pg = pgMod.default ?? pgMod;
  // Keep numeric and bigint columns as JavaScript numbers where they fit, like PGlite does.
  pg.types.setTypeParser(20, (v: string) => {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  });
  pg.types.setTypeParser(1700, (v: string) => Number(v));
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new DatabaseError(`invalid schema name "${schema}"`);
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.GOVNAV_PG_POOL ?? 10),
    ...(schema ? { options: `-c search_path=${schema},public` } : {}),
  });
  try {
    const c = await pool.connect();
    try {
      if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(ignoreWhile('closing the pool after a failed connection'));
    throw new DatabaseError(
      `Could not connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}. ` +
        'Check DATABASE_URL, that the server is running, and that the user may connect.',
      e,
    );
  }
  type Client = import('pg').PoolClient;
  const wrapClient = (client: Client, depth: number): Db => ({
    kind: 'postgres',
    inTransaction: true,
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[])).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
    transaction: <T>(fn: (tx: Db) => Promise<T>) => savepoint(wrapClient(client, depth + 1), depth + 1, fn),
    close: async () => {
      throw new Error('close() inside a transaction');
    },
    copyIn: async (target: string, data: string | Uint8Array<ArrayBuffer>) => {
      const { pgCopyIn } = await import('./bulk/pg-copy.ts');
      await pgCopyIn(client, `COPY ${target} FROM STDIN`, data);
    },
  });
  return {
    kind: 'postgres',
    inTransaction: false,
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params as unknown[])).rows as T[],
    exec: async (sql: string) => {
      await pool.query(sql);
    },
    transaction: async <T>(fn: (tx: Db) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrapClient(client, 0));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(ignoreWhile('rolling back after an error (the error is rethrown)'));
        throw e;
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (schema && dropSchemaOnClose) {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((e) => logError(`dropping test schema ${schema}`, e));
      }
      await pool.end();
    },
  };
}

async function savepoint<T>(tx: Db, depth: number, fn: (tx: Db) => Promise<T>): Promise<T> {
  const name = `sp_${depth}`;
  await tx.exec(`SAVEPOINT ${name}`);
  try {
    const out = await fn(tx);
    await tx.exec(`RELEASE SAVEPOINT ${name}`);
    return out;
  } catch (e) {
    await tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
    throw e;
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch (e) {
    if (e instanceof TypeError) return '(unparseable DATABASE_URL)'; // never echo it: it may hold a password
    throw e;
  }
}

// The embedded database in a worker thread (src/store/db-thread-worker.ts), behind the same Db
// interface as every other engine: `govnav serve` uses it so that a slow statement delays only
// itself, never the event loop that answers cached pages. A transaction holds the database for
// its duration (PGlite's lock, taken in the worker); statements sent meanwhile wait there.
import { Worker } from 'node:worker_threads';
import type { Db } from './db.ts';
import { ignoreWhile } from '../util/errors.ts';

interface Reply {
  id: number;
  result?: unknown;
  error?: Record<string, unknown>;
  ready?: boolean;
}

export interface ThreadOptions {
  dataDir?: string;
  template?: Blob;
  relaxedDurability?: boolean;
  /** Called after the worker has closed the database (releases the directory lock). */
  onClose?: () => void;
}

function toError(e: Record<string, unknown>): Error {
  const err = new Error(String(e.message)) as Error & Record<string, unknown>;
  for (const [k, v] of Object.entries(e)) if (k !== 'message') err[k] = v;
  if (typeof e.name === 'string') err.name = e.name;
  return err;
}

/** Start the worker and wait until its database is open; `call` sends one request and waits for its answer. */
async function startWorker(opts: ThreadOptions): Promise<{ worker: Worker; call: <T>(op: string, fields?: Record<string, unknown>) => Promise<T>; isDead: () => boolean }> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  // From sources (tests, development) the worker registers the TypeScript loader first.
  const url = new URL(`./db-thread-worker${ext}`, import.meta.url).href;
  const boot =
    ext === '.ts'
      ? `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(url)}); })();`
      : `import(${JSON.stringify(url)});`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: {
      dataDir: opts.dataDir,
      template: opts.template ? await opts.template.arrayBuffer() : undefined,
      relaxedDurability: opts.relaxedDurability,
    },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 1;
  let dead: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(toError(m.error));
    else p.resolve(m.result);
  });
  const failAll = (e: Error) => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the database thread stopped (exit ${code})`)));
  await ready;
  const call = <T>(op: string, fields: Record<string, unknown> = {}): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = seq++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, ...fields });
    });
  };
  return { worker, call, isDead: () => dead !== undefined };
}

export async function openPgliteThread(opts: ThreadOptions, savepoint: <T>(tx: Db, depth: number, fn: (tx: Db) => Promise<T>) => Promise<T>): Promise<Db> {
  const { worker, call, isDead } = await startWorker(opts);

  const wrapTx = (tx: number, depth: number): Db => ({
    kind: 'pglite',
    inTransaction: true,
    query: <T>(sql: string, params?: unknown[]) => call<T[]>('query', { sql, params, tx }),
    exec: async (sql: string) => {
      await call('exec', { sql, tx });
    },
    transaction: <T>(fn: (inner: Db) => Promise<T>) => savepoint(wrapTx(tx, depth + 1), depth + 1, fn),
    close: async () => {
      throw new Error('close() inside a transaction');
    },
  });

  const db: Db & { dump?: () => Promise<Blob>; thread?: Worker } = {
    kind: 'pglite',
    inTransaction: false,
    query: <T>(sql: string, params?: unknown[]) => call<T[]>('query', { sql, params }),
    exec: async (sql: string) => {
      await call('exec', { sql });
    },
    transaction: async <T>(fn: (tx: Db) => Promise<T>) => {
      const tx = await call<number>('begin');
      let out: T;
      try {
        out = await fn(wrapTx(tx, 0));
      } catch (e) {
        await call('rollback', { tx }).catch(ignoreWhile('rolling back after an error (the error is rethrown)'));
        throw e;
      }
      await call('commit', { tx });
      return out;
    },
    close: async () => {
      try {
        if (!isDead()) await call('close');
      } finally {
        await worker.terminate().catch(ignoreWhile('terminating the database thread'));
        opts.onClose?.();
      }
    },
  };
  db.dump = async () => new Blob([await call<ArrayBuffer>('dump')]);
  db.thread = worker;
  return db;
}

/** The worker thread of a database opened in thread mode (tests: prove a query ran there). */
export function dbThread(db: Db): Worker | undefined {
  return (db as Db & { thread?: Worker }).thread;
}

// The worker thread that owns an embedded database (PGlite) for `govnav serve`: the main thread
// sends statements (src/store/db-thread.ts) and keeps serving requests while they run here.
// Messages run concurrently; PGlite itself runs one statement at a time and holds its lock for
// the length of a transaction, so statements outside it wait until it ends.
import { parentPort, workerData } from 'node:worker_threads';

interface Request {
  id: number;
  op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'dump' | 'close';
  sql?: string;
  params?: unknown[];
  tx?: number;
}

interface TxLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

interface PgLike extends TxLike {
  transaction<T>(fn: (tx: TxLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  dumpDataDir(c: 'none'): Promise<Blob>;
}

const ROLLBACK = Symbol('rollback');
const port = parentPort!;
const { dataDir, template, relaxedDurability } = workerData as { dataDir?: string; template?: ArrayBuffer; relaxedDurability?: boolean };

function errorOf(e: unknown): Record<string, unknown> {
  const err = e as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { message: err?.message ?? String(e), name: err?.name ?? 'Error' };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position', 'where'])
    if (err && err[k] !== undefined) out[k] = err[k];
  return out;
}

async function main() {
  const { PGlite } = await import('@electric-sql/pglite');
  let pg: PgLike;
  try {
    pg = (await PGlite.create({
      ...(dataDir ? { dataDir } : template ? { loadDataDir: new Blob([template]) } : {}),
      ...(relaxedDurability ? { relaxedDurability: true } : {}),
    })) as unknown as PgLike;
  } catch (e) {
    port.postMessage({ id: 0, error: errorOf(e) });
    return;
  }
  const txs = new Map<number, { tx: TxLike; finish: (commit: boolean) => void; done: Promise<unknown> }>();
  let nextTx = 1;
  port.on('message', async (m: Request) => {
    try {
      let result: unknown;
      switch (m.op) {
        case 'query': {
          const target = m.tx ? txs.get(m.tx)?.tx : pg;
          if (!target) throw new Error('transaction already finished');
          result = (await target.query(m.sql!, m.params)).rows;
          break;
        }
        case 'exec': {
          const target = m.tx ? txs.get(m.tx)?.tx : pg;
          if (!target) throw new Error('transaction already finished');
          await target.exec(m.sql!);
          break;
        }
        case 'begin': {
          const id = nextTx++;
          result = await new Promise<number>((begun, failed) => {
            let finish!: (commit: boolean) => void;
            const decided = new Promise<boolean>((r) => (finish = r));
            const done = pg
              .transaction(async (tx) => {
                txs.set(id, { tx, finish, done });
                begun(id);
                if (!(await decided)) throw ROLLBACK;
              })
              .catch((e) => {
                if (e !== ROLLBACK) throw e;
              })
              .finally(() => txs.delete(id));
            done.catch(failed);
          });
          break;
        }
        case 'commit':
        case 'rollback': {
          const t = txs.get(m.tx!);
          if (!t) throw new Error('transaction already finished');
          t.finish(m.op === 'commit');
          await t.done;
          break;
        }
        case 'dump':
          result = await (await pg.dumpDataDir('none')).arrayBuffer();
          break;
        case 'close':
          await pg.close();
          break;
      }
      port.postMessage({ id: m.id, result });
    } catch (e) {
      port.postMessage({ id: m.id, error: errorOf(e) });
    }
  });
  port.postMessage({ id: 0, ready: true });
}

void main();

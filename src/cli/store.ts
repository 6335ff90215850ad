// Opening the store from a CLI command, with a message that says where the data lives.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { openStore, pgliteDir, processAlive, type Store } from '../store/index.ts';
import { hasCode } from '../util/errors.ts';

export async function cliStore(opts: { quiet?: boolean } = {}): Promise<Store> {
  const config = loadConfig();
  const store = await openStore({ config });
  if (!opts.quiet && process.env.GOVNAV_QUIET !== '1') process.stderr.write(`database: ${store.location}\n`);
  return store;
}

/** Open the store, run `fn`, and always close it. */
export async function withCliStore<T>(fn: (s: Store) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const store = await cliStore(opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The pid of another live process holding the embedded database at `dir`, if any. */
export function pgliteHolder(dir: string): number | undefined {
  const lock = join(dir, '.govnav.lock');
  if (!existsSync(lock)) return undefined;
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').trim());
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return undefined; // released between the check and the read
    throw e;
  }
  return pid && pid !== process.pid && processAlive(pid) ? pid : undefined;
}

/**
 * For commands that only read: never waits for, or takes, the writer's lock. On PostgreSQL the
 * store is opened as usual (many processes may share it). On the embedded database, when another
 * process (a running `govnav serve`) holds it, the command reads a private copy of the database
 * files made at that moment (see docs/decisions/0004-snapshot-and-read-only-commands.md); nothing is written to
 * the original. Read-only commands never migrate.
 */
export async function withReadOnlyStore<T>(fn: (s: Store) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const quiet = opts.quiet || process.env.GOVNAV_QUIET === '1';
  const dir = pgliteDir(config);
  const holder = config.databaseUrl ? undefined : pgliteHolder(dir);
  if (holder === undefined) return withCliStore(fn, opts);
  const tmp = mkdtempSync(join(tmpdir(), 'govnav-read-'));
  try {
    cpSync(dir, join(tmp, 'db'), { recursive: true, filter: (src) => !src.endsWith('.govnav.lock') });
    if (!quiet) process.stderr.write(`database: ${dir} (in use by process ${holder}; reading a copy made now)\n`);
    const store = await openStore({ config: { ...config, dataDir: tmp }, migrate: false });
    try {
      return await fn({ ...store, location: dir });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

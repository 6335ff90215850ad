// The store: one entry point for every module that reads or writes the database.
import { join } from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { taxonomies, type TaxonomyRegistry } from '../taxonomy/index.ts';
import { openDb, type Db } from './db.ts';
import { migrate } from './migrate.ts';
import { syncTaxonomies } from './classifications.ts';

export * from './db.ts';
export * from './migrate.ts';
export * from './corpus.ts';
export * from './classifications.ts';
export * from './ids.ts';
export * from './extraction.ts';
export * from './works.ts';
export { toSearchText, searchTokens } from './search-text.ts';

export interface Store {
  db: Db;
  taxonomies: TaxonomyRegistry;
  /** Where the data lives, for messages: a PGlite directory or a redacted PostgreSQL URL. */
  location: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  config?: Config;
  /** An in-memory PGlite database (tests, dry runs). Ignored when a databaseUrl is configured. */
  memory?: boolean;
  /** PostgreSQL schema to use (tests), and whether to drop it on close. */
  schema?: string;
  dropSchemaOnClose?: boolean;
  /** Apply pending migrations and sync taxonomies (default true). */
  migrate?: boolean;
  registry?: TaxonomyRegistry;
  /** In-memory PGlite started from this dump (tests). */
  pgliteTemplate?: Blob;
  /** PGlite: see OpenOptions.relaxedDurability. */
  relaxedDurability?: boolean;
}

/** The PGlite directory under the data dir. */
export function pgliteDir(config: Config): string {
  return join(config.dataDir, 'db');
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const config = opts.config ?? loadConfig();
  const registry = opts.registry ?? taxonomies();
  const usePg = !!config.databaseUrl;
  const dir = usePg || opts.memory ? undefined : pgliteDir(config);
  const db = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: dir, schema: opts.schema, dropSchemaOnClose: opts.dropSchemaOnClose, pgliteTemplate: opts.pgliteTemplate, relaxedDurability: opts.relaxedDurability });
  try {
    if (opts.migrate !== false) {
      await migrate(db);
      await syncTaxonomies(db, registry);
    }
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    db,
    taxonomies: registry,
    location: usePg ? '(PostgreSQL) ' + redact(config.databaseUrl!) : dir ?? '(in memory)',
    close: () => db.close(),
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch (e) {
    if (e instanceof TypeError) return 'DATABASE_URL'; // not a URL: never echo it, it may hold a password
    throw e;
  }
}

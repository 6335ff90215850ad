// A fresh, isolated store for one test: in-memory PGlite by default, or a new schema in the
// PostgreSQL server named by DATABASE_URL (dropped again on close). The same tests run on both.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { TaxonomyRegistry } from '../../src/taxonomy/index.ts';

export const ENGINE: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export async function openTestStore(opts: { registry?: TaxonomyRegistry } = {}): Promise<Store> {
  const config = loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd());
  if (config.databaseUrl) {
    return openStore({ ...opts, config, schema: 't_' + randomBytes(6).toString('hex'), dropSchemaOnClose: true });
  }
  return openStore({ ...opts, config, memory: true });
}

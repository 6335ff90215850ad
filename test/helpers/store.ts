// A fresh, isolated store for one test: in-memory PGlite by default, or a new schema in the
// PostgreSQL server named by DATABASE_URL (dropped again on close). The same tests run on both.
// PGlite stores start from a migrated template made once per test process (much faster than
// creating and migrating a database for every test).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { dumpPglite, openStore, type Store } from '../../src/store/index.ts';
import type { TaxonomyRegistry } from '../../src/taxonomy/index.ts';

export const ENGINE: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

let template: Promise<Blob> | undefined;

export async function openTestStore(opts: { registry?: TaxonomyRegistry } = {}): Promise<Store> {
  const config = loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd());
  if (config.databaseUrl) {
    return openStore({ ...opts, config, schema: 't_' + randomBytes(6).toString('hex'), dropSchemaOnClose: true });
  }
  template ??= (async () => {
    const s = await openStore({ config, memory: true, migrate: true });
    try {
      return await dumpPglite(s.db);
    } finally {
      await s.close();
    }
  })();
  // openStore migrates (a no-op on the template) and syncs the given registry's taxonomies.
  return openStore({ ...opts, config, memory: true, pgliteTemplate: await template });
}

// A fresh, isolated store for one test: in-memory PGlite by default, or a new schema in the
// PostgreSQL server named by DATABASE_URL (dropped again on close). The same tests run on both.
// PGlite stores start from a migrated template: made once, cached on disk (keyed by the
// migrations and taxonomy files), and loaded by every test process — much faster than creating and
// migrating a database for every test.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { dumpPglite, MIGRATIONS_DIR, openStore, type Store } from '../../src/store/index.ts';
import { DEFAULT_TAXONOMY_DIR, type TaxonomyRegistry } from '../../src/taxonomy/index.ts';

export const ENGINE: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

let template: Promise<Blob> | undefined;

function templateKey(): string {
  const h = createHash('sha256');
  for (const dir of [MIGRATIONS_DIR, DEFAULT_TAXONOMY_DIR])
    for (const f of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort()) {
      h.update(f);
      h.update(readFileSync(join(dir, f)));
    }
  return h.digest('hex').slice(0, 16);
}

async function makeTemplate(config: ReturnType<typeof loadConfig>): Promise<Blob> {
  const dir = join(tmpdir(), 'govnav-test-templates');
  const file = join(dir, `pglite-${templateKey()}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const s = await openStore({ config, memory: true, migrate: true });
  try {
    const blob = await dumpPglite(s.db);
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file); // atomic: concurrent test processes never read half a file
    return blob;
  } finally {
    await s.close();
  }
}

export async function openTestStore(opts: { registry?: TaxonomyRegistry } = {}): Promise<Store> {
  const config = loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd());
  if (config.databaseUrl) {
    return openStore({ ...opts, config, schema: 't_' + randomBytes(6).toString('hex'), dropSchemaOnClose: true });
  }
  template ??= makeTemplate(config);
  // openStore migrates (a no-op on the template) and syncs the given registry's taxonomies.
  return openStore({ ...opts, config, memory: true, pgliteTemplate: await template });
}

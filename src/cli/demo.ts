// The sample corpus that `npm start` shows before real data is loaded.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.ts';

export const DEMO_FILE = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));

export async function loadDemoIfEmpty(store: Store): Promise<void> {
  const [{ n }] = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents')) as [{ n: number }];
  if (n > 0) return;
  if (!existsSync(DEMO_FILE)) {
    process.stderr.write('The database is empty and no sample corpus is bundled; see the README to load the public datasets.\n');
    return;
  }
  const importers = '../importers/index.ts';
  const mod = (await import(importers).catch(() => undefined)) as
    | { importPath?: (store: Store, path: string, opts?: Record<string, unknown>) => Promise<unknown> }
    | undefined;
  if (!mod?.importPath) {
    process.stderr.write('The sample corpus cannot be loaded: the importers are not available.\n');
    return;
  }
  process.stderr.write('The database is empty: loading the bundled sample corpus (samples/demo.json)…\n');
  await mod.importPath(store, DEMO_FILE, { quiet: true });
  process.stderr.write('Sample corpus loaded. Load real data with `npx govnav datasets fetch <name>` (see README).\n');
}

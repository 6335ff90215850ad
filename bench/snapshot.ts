// First start: loading the bundled snapshot (snapshot/govnav-snapshot.json.gz) into an empty
// in-memory PGlite store, and into PostgreSQL when DATABASE_URL is set (a fresh schema).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.ts';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/store/index.ts';
import { decodeSnapshot, loadSnapshot } from '../src/store/snapshot.ts';

const FILE = fileURLToPath(new URL('../snapshot/govnav-snapshot.json.gz', import.meta.url));

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(FILE)) return [{ name: 'snapshot: not built (npm run snapshot)', value: 0, unit: '' }];
  const bytes = readFileSync(FILE);
  const t0 = performance.now();
  const snap = decodeSnapshot(bytes, FILE);
  const decodeMs = performance.now() - t0;
  const rows = snap.tables.reduce((n, t) => n + t.rows.length, 0);
  const out: BenchResult[] = [
    { name: 'snapshot: file size', value: bytes.length / 2 ** 20, unit: 'MiB', note: `${rows.toLocaleString('en-GB')} rows` },
    { name: 'snapshot: gunzip and parse', value: decodeMs, unit: 'ms' },
  ];
  const config = loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd());
  for (const engine of ['pglite', 'postgres'] as const) {
    if (engine === 'postgres' && !config.databaseUrl) continue;
    const store =
      engine === 'pglite'
        ? await openStore({ config: { ...config, databaseUrl: undefined }, memory: true })
        : await openStore({ config, schema: 'b_' + randomBytes(5).toString('hex'), dropSchemaOnClose: true });
    try {
      const r = await loadSnapshot(store.db, snap);
      out.push({ name: `snapshot: load into an empty store (${engine})`, value: r.ms / 1000, unit: 's', note: `${Math.round(rows / (r.ms / 1000)).toLocaleString('en-GB')} rows/s` });
    } finally {
      await store.close();
    }
  }
  return out;
}

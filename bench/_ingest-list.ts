// Ingest of one large generated Markdown document (a lead-in and 10,000 list items) into an empty
// store, with `govnav ingest` semantics (one transaction: statements, MinHash signatures, outline
// blocks, works detection), on PGlite and, when DATABASE_URL is set, on PostgreSQL (in a schema of
// its own). Reports the wall time and the process CPU time (the machine may be shared: CPU time
// is the steadier figure; on PGlite it includes the database, on PostgreSQL only the client).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { prepare, writePrepared } from '../src/ingest/index.ts';
import { openStore } from '../src/store/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const ITEMS = Number(process.env.GOVNAV_INGEST_LIST_ITEMS ?? 10_000);

/** A Markdown document with one heading, a lead-in and `items` distinct list items. */
export function listDocument(items: number): string {
  const lines = ['# Synthetic guidance on model governance', '', 'Providers shall:', ''];
  for (let i = 1; i <= items; i++)
    lines.push(`- Providers shall keep records of evaluation ${i} for system ${i % 97}, including the results of red-team exercise ${(i * 7) % 1003} and the decisions taken.`);
  return lines.join('\n') + '\n';
}

export async function listIngestRates(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-ingest-list-'));
  const file = join(dir, 'list.md');
  writeFileSync(file, listDocument(ITEMS));
  const out: BenchResult[] = [];
  try {
    const engines: [string, string | undefined][] = [['pglite', undefined]];
    if (process.env.DATABASE_URL) engines.push(['postgres', process.env.DATABASE_URL]);
    for (const [engine, url] of engines) {
      const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: join(dir, engine) };
      delete env.DATABASE_URL;
      if (url) env.DATABASE_URL = url;
      const store = await openStore({ config: loadConfig(env), ...(url ? { schema: `bench_ingest_list_${process.pid}`, dropSchemaOnClose: true } : {}) });
      try {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const r = await writePrepared(store.db, await prepare(file, {}), {});
        const secs = (performance.now() - t) / 1000;
        const used = process.cpuUsage(cpu);
        const cpuS = (used.user + used.system) / 1e6;
        if (r.created !== ITEMS) throw new Error(`ingest created ${r.created} statements, expected ${ITEMS}`);
        process.stderr.write(`  ingest ${engine}: ${ITEMS} list items in ${secs.toFixed(1)} s (CPU ${cpuS.toFixed(1)} s)\n`);
        const note = `Markdown, ${ITEMS.toLocaleString('en-GB')} list items, one transaction, read + extract + write; load ${loadavg()[0]!.toFixed(1)} at the end`;
        out.push({ name: `ingest ${engine}: ${ITEMS.toLocaleString('en-GB')}-item list, wall`, value: secs, unit: 's', note });
        out.push({ name: `ingest ${engine}: ${ITEMS.toLocaleString('en-GB')}-item list, CPU per 1,000 blocks`, value: (cpuS * 1000) / ITEMS, unit: 's', note: engine === 'postgres' ? 'client process only' : 'database included (in-process)' });
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('_ingest-list.ts')) void listIngestRates().then((r) => console.log(r));

// Import rate for the scale bench: a synthetic govnav-json file (bench/import.ts) imported with
// `govnav import` semantics (one transaction, topic linking included) into an empty store, on
// PGlite and, when DATABASE_URL is set, on PostgreSQL (in a schema of its own).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { importPath } from '../src/importers/index.ts';
import { openStore } from '../src/store/index.ts';
import { syntheticCorpus } from './import.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const DOCS = Number(process.env.GOVNAV_SCALE_IMPORT_DOCS ?? 100);
const PER = 500;

export async function importRates(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-scale-import-'));
  const file = join(dir, 'synthetic.govnav.json');
  writeFileSync(file, JSON.stringify(syntheticCorpus(DOCS, PER)));
  const n = DOCS * PER;
  const out: BenchResult[] = [];
  try {
    const engines: [string, string | undefined][] = [['pglite', undefined]];
    if (process.env.DATABASE_URL) engines.push(['postgres', process.env.DATABASE_URL]);
    for (const [engine, url] of engines) {
      const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: join(dir, engine) };
      delete env.DATABASE_URL;
      if (url) env.DATABASE_URL = url;
      const config = loadConfig(env);
      const store = await openStore({ config, ...(url ? { schema: `bench_import_${process.pid}`, dropSchemaOnClose: true } : {}) });
      try {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const s = await importPath(store, file);
        const secs = (performance.now() - t) / 1000;
        const used = process.cpuUsage(cpu);
        const cpuMs = (used.user + used.system) / 1000;
        process.stderr.write(`  import ${engine}: ${n} statements in ${secs.toFixed(1)} s (CPU ${(cpuMs / 1000).toFixed(1)} s)\n`);
        if (s.statements.created !== n) throw new Error(`import created ${s.statements.created} statements, expected ${n}`);
        out.push({ name: `scale import ${engine}: statements/s`, value: n / secs, unit: '/s', note: `${n.toLocaleString('en-GB')} statements in ${DOCS} documents, one transaction, topic links included; load ${loadavg()[0]!.toFixed(1)} at the end${process.env.GOVNAV_BULK_COPY === '0' ? '; COPY off (GOVNAV_BULK_COPY=0)' : ''}` });
        // The machine may be shared: CPU time is the steadier figure (PGlite: database included; PostgreSQL: client only).
        out.push({ name: `scale import ${engine}: CPU per 1,000 statements`, value: (cpuMs * 1000) / n, unit: 'ms', note: engine === 'postgres' ? 'client process only' : 'database included (in-process)' });
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('_scale-import.ts')) void importRates().then((r) => console.log(r));

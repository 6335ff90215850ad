// Import throughput: the MIT AI Risk Repository workbook (read + map + write, in-memory PGlite)
// and a synthetic 100,000-statement govnav-json file generated on the fly.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { importPath } from '../src/importers/index.ts';
import { openStore } from '../src/store/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SHARED = resolve(process.env.GOVNAV_SHARED_DIR ?? fileURLToPath(new URL('../../shared', import.meta.url)));
const WORKBOOK = join(SHARED, 'data', 'mit-airi-risk-db-v4', 'The_AI_Risk_Repository_V4_03_12_2025.xlsx');

async function memoryStore() {
  const config = { ...loadConfig({ ...process.env, GOVNAV_CONFIG: '' }), databaseUrl: undefined };
  return openStore({ config, memory: true });
}

/** A govnav-json file with `docs` documents of `per` statements: 1 in 10 a child, 1 in 5 labelled. */
export function syntheticCorpus(docs: number, per: number): unknown {
  const kinds = ['mitigation', 'risk', 'principle'] as const;
  const codes = ['2.2.2', '1.2.1', '2.1.3', '3.1.1', '2.3.3'];
  return {
    format: 'govnav-json',
    formatVersion: 1,
    dataset: { id: 'bench-synthetic', version: '1', licence: 'CC0-1.0', attribution: 'Synthetic benchmark data' },
    documents: Array.from({ length: docs }, (_, d) => ({
      key: `doc-${d}`,
      title: `Synthetic document ${d}`,
      docType: 'framework',
      statements: Array.from({ length: per }, (_, i) => {
        const kind = kinds[i % 3]!;
        return {
          key: `s${i}`,
          kind,
          ...(i % 10 === 9 ? { parent: `s${i - 1}` } : {}),
          name: `Measure ${d}.${i}`,
          text: `Organisations should document, test and monitor safeguard number ${i} of document ${d} before deployment and review it every year.`,
          headingPath: [`Section ${Math.floor(i / 50) + 1}`],
          ...(i % 5 === 0 && kind === 'mitigation' ? { labels: [{ taxonomy: 'mitigation-v2', code: codes[i % codes.length]! }] } : {}),
        };
      }),
    })),
  };
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  if (existsSync(WORKBOOK)) {
    const store = await memoryStore();
    try {
      const t0 = performance.now();
      const s = await importPath(store, WORKBOOK);
      const secs = (performance.now() - t0) / 1000;
      const n = s.statements.created;
      out.push({ name: 'import: MIT risk workbook (2,500 statements, 7,339 labels)', value: Math.round(n / secs), unit: 'statements/s', note: `${secs.toFixed(2)} s end to end (read XLSX, map, write in one transaction)` });
      const t1 = performance.now();
      await importPath(store, WORKBOOK);
      const secs2 = (performance.now() - t1) / 1000;
      out.push({ name: 'import: MIT risk workbook again (nothing changes)', value: Math.round(n / secs2), unit: 'statements/s', note: `${secs2.toFixed(2)} s` });
    } finally {
      await store.close();
    }
  } else out.push({ name: 'import: MIT risk workbook', value: 0, unit: 'statements/s', note: 'skipped: ../shared/data not present' });

  const dir = mkdtempSync(join(tmpdir(), 'govnav-bench-'));
  try {
    const file = join(dir, 'synthetic.json');
    writeFileSync(file, JSON.stringify(syntheticCorpus(100, 1000)));
    const store = await memoryStore();
    try {
      const t0 = performance.now();
      const s = await importPath(store, file);
      const secs = (performance.now() - t0) / 1000;
      out.push({ name: 'import: synthetic govnav-json (100,000 statements)', value: Math.round(s.statements.created / secs), unit: 'statements/s', note: `${secs.toFixed(1)} s, ${s.labels.inserted} labels` });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}

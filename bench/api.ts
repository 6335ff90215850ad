// API and export benchmark on a temporary PGlite database filled with 100,000 synthetic statements:
// server round-trip p50/p99 for list and search endpoints over loopback HTTP, and (in a child
// process, so the figure is not mixed with the parent's heap) export rows/s and peak RSS while
// streaming all 100,000 statements as CSV, JSON Lines and XLSX.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../src/config.ts';
import { openStore, type Store } from '../src/store/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const N_STATEMENTS = Number(process.env.GOVNAV_API_BENCH_N ?? 100_000);
const PER_DOC = 100;
const REQUESTS = Number(process.env.GOVNAV_API_BENCH_REQUESTS ?? 40);

function configFor(dir: string): Config {
  const env = { ...process.env, GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: dir };
  delete (env as NodeJS.ProcessEnv).DATABASE_URL;
  return loadConfig(env);
}

/** Fill the database with set-based SQL (seconds, not minutes): documents, statements, current labels. */
export async function fill(store: Store, n: number): Promise<void> {
  const reg = store.taxonomies;
  const risk = [...reg.get('risk-domain').nodes.values()].filter((x) => !x.special).map((x) => x.code);
  const mit = [...reg.get('mitigation-v2').nodes.values()].filter((x) => !x.special).map((x) => x.code);
  const docs = Math.ceil(n / PER_DOC);
  await store.db.transaction(async (db) => {
    await db.query(
      `INSERT INTO datasets (id, version, licence, attribution, source_url) VALUES
       ('bench-a', '1', 'CC-BY-4.0', 'Bench dataset A (synthetic), CC BY 4.0', 'https://example.org/a'),
       ('bench-b', '1', 'CC0-1.0', 'Bench dataset B (synthetic)', 'https://example.org/b')`,
    );
    await db.query(
      `INSERT INTO documents (id, dataset, source_key, title, organisation, year, doc_type, language, dataset_version, licence, attribution, content_hash)
       SELECT 'D' || lpad(i::text, 5, '0'), CASE WHEN i % 2 = 0 THEN 'bench-a' ELSE 'bench-b' END, 'doc-' || i,
              'Bench framework ' || i, 'Org ' || (i % 20), 2015 + (i % 10),
              (ARRAY['law','framework','standard','paper'])[1 + i % 4], 'en', '1',
              CASE WHEN i % 2 = 0 THEN 'CC-BY-4.0' ELSE 'CC0-1.0' END,
              CASE WHEN i % 2 = 0 THEN 'Bench dataset A (synthetic), CC BY 4.0' ELSE 'Bench dataset B (synthetic)' END, md5(i::text)
       FROM generate_series(1, $1::int) i`,
      [docs],
    );
    // Words as the search normaliser stores them (lower-case, stemmed).
    await db.query(
      `INSERT INTO statements (id, document_id, source_key, kind, ord, name, text, heading_path, language, search_text, content_hash)
       SELECT CASE WHEN i % 3 = 0 THEN 'R' ELSE 'M' END || lpad(i::text, 7, '0'),
              'D' || lpad((1 + (i - 1) / ${PER_DOC})::text, 5, '0'), 's-' || i,
              CASE WHEN i % 3 = 0 THEN 'risk' ELSE 'mitigation' END, i % ${PER_DOC},
              initcap(w1) || ' and ' || w2 || ' ' || i,
              'Providers should ' || w1 || ' their systems and ' || w2 || ' the results before deployment; statement ' || i || '.',
              ARRAY['Part ' || (1 + i % 4), 'Section ' || (1 + i % 7)], 'en',
              w1 || ' ' || w2 || ' ' || i || ' provid should their system the result befor deploy statement',
              md5(i::text)
       FROM (SELECT i, (ARRAY['audit','monitor','evalu','disclos','watermark','document','test','review'])[1 + i % 8] AS w1,
                       (ARRAY['report','log','assess','verifi','publish','secur','train','limit','control'])[1 + (i / 8) % 9] AS w2
             FROM generate_series(1, $1::int) i) x`,
      [n],
    );
    await db.query(
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, is_current, confidence)
       SELECT id, 'risk-domain', '1', ($1::text[])[1 + (abs(hashtext(id)) % array_length($1::text[], 1))],
              CASE WHEN abs(hashtext(id)) % 2 = 0 THEN 'imported' ELSE 'llm' END, false, true, 0.8
       FROM statements`,
      [risk],
    );
    await db.query(
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, is_current, confidence)
       SELECT id, 'mitigation-v2', '1', ($1::text[])[1 + (abs(hashtext(id || 'm')) % array_length($1::text[], 1))], 'embedded', false, true, 0.6
       FROM statements WHERE kind = 'mitigation'`,
      [mit],
    );
  });
  await store.db.exec('ANALYZE');
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(base: string, path: string, n: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 3; i++) await (await fetch(base + path)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(base + path);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99) };
}

interface ChildResult {
  format: string;
  rows: number;
  seconds: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  heapBeforeMb: number;
}

/** In a fresh process: export every statement to a counting sink, sampling RSS. */
async function exportChild(dir: string, format: 'csv' | 'jsonl' | 'xlsx', qs: string): Promise<void> {
  const { exportStatements, queryFromParams } = await import('../src/export/index.ts');
  const store = await openStore({ config: configFor(dir) });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = rssBefore;
  let peakHeap = heapBefore;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  const t = performance.now();
  const query = queryFromParams(new URLSearchParams(qs), store.taxonomies);
  const { rows } = await exportStatements(store.db, store.taxonomies, { format, query, out: sink, baseUrl: 'https://govnav.example' });
  const seconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await store.close();
  const res: ChildResult = { format, rows, seconds, bytes, rssBeforeMb: rssBefore / 2 ** 20, peakRssMb: peak / 2 ** 20, heapBeforeMb: heapBefore / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
  process.stdout.write('@@EXPORT@@' + JSON.stringify(res) + '\n');
}

function runChild(dir: string, format: string, qs: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const p = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', self], {
      env: { ...process.env, GOVNAV_API_BENCH_CHILD: dir, GOVNAV_API_BENCH_FORMAT: format, GOVNAV_API_BENCH_QUERY: qs },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /@@EXPORT@@(.*)/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`export child (${format}) exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(m[1]!) as ChildResult);
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-api-bench-'));
  const results: BenchResult[] = [];
  const note = `${N_STATEMENTS.toLocaleString('en-GB')} synthetic statements, PGlite`;
  try {
    const config = configFor(dir);
    const store = await openStore({ config });
    const t0 = performance.now();
    await fill(store, N_STATEMENTS);
    results.push({ name: 'api: fill synthetic database', value: (performance.now() - t0) / 1000, unit: 's', note });
    const { startServer } = await import('../src/web/server.ts');
    const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
    try {
      // A cursor deep into the id-ordered list, to time keyset paging far from the start.
      let deep = '';
      {
        const r = (await (await fetch(`${server.url}/api/v1/statements?limit=500`)).json()) as { next: string };
        deep = r.next;
      }
      const endpoints: [string, string][] = [
        ['list /api/v1/statements (first page, 50)', '/api/v1/statements'],
        ['list /api/v1/statements?risk-domain=2&kind=mitigation', '/api/v1/statements?risk-domain=2&kind=mitigation'],
        ['list /api/v1/statements (next page by cursor)', `/api/v1/statements?limit=500&cursor=${deep}`],
        ['list /api/v1/documents', '/api/v1/documents'],
        ['search /api/v1/search?q=watermark (default facets)', '/api/v1/search?q=watermark'],
        ['search /api/v1/search?q=audit+report&facets=risk-domain,mitigation-v2,kind', '/api/v1/search?q=audit+report&facets=risk-domain,mitigation-v2,kind'],
        ['detail /api/v1/statements/{id}', '/api/v1/statements/M0000001'],
      ];
      for (const [name, path] of endpoints) {
        const { p50, p99 } = await latency(server.url, path, REQUESTS);
        results.push({ name: `api p50: ${name}`, value: p50, unit: 'ms', note: `${REQUESTS} sequential requests over loopback; ${note}` });
        results.push({ name: `api p99: ${name}`, value: p99, unit: 'ms', note: `${REQUESTS} sequential requests over loopback` });
      }
    } finally {
      await server.close();
      await store.close();
    }
    // CSV and JSON Lines export everything; XLSX (the slowest writer) exports the risks, a third.
    for (const [format, qs] of [['csv', ''], ['jsonl', ''], ['xlsx', 'kind=risk']] as const) {
      const r = await runChild(dir, format, qs);
      results.push({ name: `export ${format}: rows/s`, value: r.rows / r.seconds, unit: 'rows/s', note: `${qs ? `query ${qs}: ` : 'every statement: '}${r.rows.toLocaleString('en-GB')} rows, ${(r.bytes / 2 ** 20).toFixed(0)} MB in ${r.seconds.toFixed(1)} s; ${note}` });
      results.push({ name: `export ${format}: peak RSS`, value: r.peakRssMb, unit: 'MB', note: `child process (embedded database included); RSS after opening the database ${r.rssBeforeMb.toFixed(0)} MB, growth ${(r.peakRssMb - r.rssBeforeMb).toFixed(0)} MB` });
      results.push({ name: `export ${format}: peak JS heap`, value: r.peakHeapMb, unit: 'MB', note: `heap in use before the export ${r.heapBeforeMb.toFixed(0)} MB (the embedded database's memory is outside the JS heap)` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.env.GOVNAV_API_BENCH_CHILD && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  exportChild(
    process.env.GOVNAV_API_BENCH_CHILD,
    (process.env.GOVNAV_API_BENCH_FORMAT ?? 'csv') as 'csv' | 'jsonl' | 'xlsx',
    process.env.GOVNAV_API_BENCH_QUERY ?? '',
  ).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then((r) => console.table(r));
}

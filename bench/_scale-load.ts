// The loopback load of the scale bench: for GOVNAV_SCALE_LOAD_SECONDS (60) a child process sends
// mixed traffic to a running server and reports requests/s, p99 and errors:
//   - 20 clients hammering distinct uncached searches (/search with text, facets and pages),
//   - 2 clients reading cached pages (home, a document, a statement): the "never block" figure,
//   - 2 API clients (/api/v1/search, /api/v1/statements), 1 export client (CSV of a small set).
// Two runs use it:
//   - loadRun: PGlite, one web process in this process, as `govnav serve` runs it (database thread
//     and search thread): the cached-page-under-search-hammer figure;
//   - clusterLoadRun: PostgreSQL, `govnav serve --processes 4` and a `govnav worker` running a
//     classify job (submitted with `govnav classify --detach`) while the load runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../src/config.ts';
import type { Store } from '../src/store/index.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const SECONDS = Number(process.env.GOVNAV_SCALE_LOAD_SECONDS ?? 60);

interface LoadReport {
  seconds: number;
  requests: number;
  errors: number;
  limited: number;
  p50: number;
  p99: number;
  cachedP50: number;
  cachedP99: number;
  searchP50: number;
  searchP99: number;
  byGroup: Record<string, number>;
  /** Searches answered from a page cache (X-Cache: hit): the rest were evaluated. */
  searchHits: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

/** Runs in the child: the clients. */
async function clients(base: string, seconds: number): Promise<LoadReport> {
  const until = Date.now() + seconds * 1000;
  const all: number[] = [];
  const cached: number[] = [];
  const search: number[] = [];
  const byGroup: Record<string, number> = {};
  let errors = 0;
  let limited = 0;
  let searchHits = 0;
  let seq = 0;
  const loop = async (group: string, next: () => string, into?: number[]) => {
    while (Date.now() < until) {
      const path = next();
      const t = performance.now();
      try {
        const r = await fetch(base + path, { headers: { 'accept-encoding': 'gzip' } });
        await r.arrayBuffer();
        const ms = performance.now() - t;
        if (group === 'search' && r.headers.get('x-cache') === 'hit') searchHits++;
        if (r.status === 429) limited++;
        else if (r.status >= 400) {
          errors++;
          if (errors < 5) process.stderr.write(`  load: ${path} → ${r.status}\n`);
        }
        all.push(ms);
        into?.push(ms);
        byGroup[group] = (byGroup[group] ?? 0) + 1;
      } catch (e) {
        errors++;
        if (errors < 5) process.stderr.write(`  load: ${path} failed: ${(e as Error).message}\n`);
      }
    }
  };
  const word = () => `w${(seq++ * 7919) % 3000}`;
  // Nearly every search is distinct (evaluated, not a page-cache hit): word pairs, broad words
  // narrowed by a year and a page, label filters by year and page. The report counts the hits.
  const searches = () => {
    // Variant k % 5, its j-th use: the parameters come from j, so a variant repeats only after thousands.
    const k = seq++;
    const j = Math.floor(k / 5);
    const y = 2015 + (j % 10);
    const w = (n: number) => `w${n % 3000}`;
    const variants = [
      `q=system&year_from=${y}&page=${1 + (Math.floor(j / 10) % 200)}`,
      `q=${w(j * 7919)}+${w(j * 104729 + 17)}`,
      `q=data&kind=risk&year_to=${y}&page=${1 + (Math.floor(j / 10) % 200)}`,
      `q=${w(j * 7919)}+system&sort=${['id', 'year', 'document'][Math.floor(j / 3000) % 3]}`,
      `kind=mitigation&risk-domain=${1 + (j % 7)}&year_from=${2015 + (Math.floor(j / 7) % 10)}&page=${1 + (Math.floor(j / 70) % 60)}`,
    ];
    return `/search?${variants[k % variants.length]}`;
  };
  // Warm the cached pages once.
  const cachedPaths = ['/', '/d/D000001', '/m/M0000003', '/about'];
  for (const p of cachedPaths) await (await fetch(base + p)).arrayBuffer();
  let ci = 0;
  await Promise.all([
    ...Array.from({ length: 20 }, () => loop('search', searches, search)),
    ...Array.from({ length: 2 }, () => loop('cached', () => cachedPaths[ci++ % cachedPaths.length]!, cached)),
    loop('api', () => `/api/v1/search?q=${word()}&facets=kind,risk-domain&limit=20`),
    loop('api', () => `/api/v1/statements?kind=risk&limit=50`),
    loop('export', () => `/export.csv?q=w${2500 + (seq++ % 400)}`),
  ]);
  all.sort((a, b) => a - b);
  cached.sort((a, b) => a - b);
  search.sort((a, b) => a - b);
  return {
    seconds,
    requests: all.length,
    errors,
    limited,
    p50: pct(all, 50),
    p99: pct(all, 99),
    cachedP50: pct(cached, 50),
    cachedP99: pct(cached, 99),
    searchP50: pct(search, 50),
    searchP99: pct(search, 99),
    byGroup,
    searchHits,
  };
}

/** Runs the clients in a child process against `base`. */
export function loadAgainst(base: string, seconds = SECONDS): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, GOVNAV_SCALE_LOAD_BASE: base, GOVNAV_SCALE_LOAD_SECONDS: String(seconds) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /@@LOAD@@(.*)/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`load child exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(m[1]!) as LoadReport);
    });
  });
}

export function loadResults(r: LoadReport, label: string, note: string): BenchResult[] {
  const groups = Object.entries(r.byGroup)
    .map(([g, n]) => `${g} ${n}`)
    .join(', ');
  return [
    { name: `scale load ${label}: requests/s`, value: r.requests / r.seconds, unit: '/s', note: `${r.seconds} s, 25 clients (${groups}); ${note}` },
    { name: `scale load ${label}: p99, all requests`, value: r.p99, unit: 'ms', note: `p50 ${r.p50.toFixed(1)} ms` },
    {
      name: `scale load ${label}: uncached search p99 (20 clients)`,
      value: r.searchP99,
      unit: 'ms',
      note: `p50 ${r.searchP50.toFixed(1)} ms; ${r.byGroup.search ? ((100 * r.searchHits) / r.byGroup.search).toFixed(0) : 0} % of searches were page-cache hits`,
    },
    { name: `scale load ${label}: cached page p99 meanwhile`, value: r.cachedP99, unit: 'ms', note: `p50 ${r.cachedP50.toFixed(1)} ms` },
    { name: `scale load ${label}: errors`, value: r.errors, unit: '', note: `${r.limited} answered 429 (budgets/queue)` },
  ];
}

/** The load comes from one address: the per-client budget is lifted for the bench (the queue stays). */
const UNLIMITED = { GOVNAV_EXPENSIVE_BURST: '1000000', GOVNAV_EXPENSIVE_PER_MINUTE: '100000000' };

/** The PGlite run: one web process in this process (database thread and search thread, as `govnav serve`), the clients in a child. */
export async function loadRun(store: Store, config: Config, note: string): Promise<BenchResult[]> {
  Object.assign(process.env, UNLIMITED);
  process.env.GOVNAV_SEARCH_THREAD = '1';
  const { freshIndex } = await import('../src/store/search-index.ts');
  await freshIndex(store.db, { wait: true });
  const { startServer } = await import('../src/web/server.ts');
  const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
  try {
    process.stderr.write(`  load: ${SECONDS} s against ${server.url} (1 web process, PGlite)\n`);
    // How long the server's event loop was held up at a time: what a cached page can wait at most
    // for this process's own work (the rest of its wait is for a core on a busy machine).
    const { monitorEventLoopDelay } = await import('node:perf_hooks');
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const r = await loadAgainst(server.url);
    delay.disable();
    const ms = (ns: number) => ns / 1e6;
    return [
      ...loadResults(r, 'PGlite, 1 web process', note),
      {
        name: 'scale load PGlite: event-loop delay of the web process p50 / p99',
        value: ms(delay.percentile(50)),
        unit: 'ms',
        note: `p99 ${ms(delay.percentile(99)).toFixed(1)} ms, max ${ms(delay.max).toFixed(1)} ms (sampled every 5 ms during the load)`,
      },
    ];
  } finally {
    await server.close();
  }
}

async function labelsSince(store: Store, t: Date): Promise<number> {
  const [r] = (await store.db.query(`SELECT count(*)::int AS n FROM classifications WHERE created_at >= $1`, [t])) as { n: number }[];
  return r!.n;
}

interface Counters {
  notices: number;
  versionReads: number;
  indexBuilds: number;
  cacheHits: number;
  cacheMisses: number;
}

/** GET on a connection of its own (a kept-alive connection stays with one web process). */
function getOnce(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The counters of each web process (from /readyz; connections are spread over the processes, so ask until each has answered). */
async function processCounters(base: string, processes: number): Promise<Map<number, Counters>> {
  const out = new Map<number, Counters>();
  for (let i = 0; i < processes * 20 && out.size < processes; i++) {
    const r = JSON.parse(await getOnce(`${base}/readyz`)) as { pid: number; counters?: Counters };
    if (r.counters) out.set(r.pid, r.counters);
  }
  return out;
}

/** What each process did during the load: change notices, data-version reads, index builds, page-cache hits and misses. */
function countersNote(before: Map<number, Counters>, after: Map<number, Counters>): string {
  const parts: string[] = [];
  for (const [pid, a] of after) {
    const b = before.get(pid) ?? { notices: 0, versionReads: 0, indexBuilds: 0, cacheHits: 0, cacheMisses: 0 };
    parts.push(`${a.notices - b.notices} notices, ${a.versionReads - b.versionReads} version reads, ${a.indexBuilds - b.indexBuilds} index builds, cache ${a.cacheHits - b.cacheHits} hits / ${a.cacheMisses - b.cacheMisses} misses`);
  }
  return parts.join('; ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `govnav <args>` as a child; resolves once `ready` has matched `times` times in its output. */
function govnav(args: string[], env: NodeJS.ProcessEnv, ready?: RegExp, times = 1): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, ['bin/govnav.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!ready || [...out.matchAll(new RegExp(ready.source, 'g'))].length >= times) resolve({ child, out: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => (ready ? reject(new Error(`govnav ${args.join(' ')} ended (${sig ?? code}):\n${out.slice(-2000)}`)) : resolve({ child, out: () => out })));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The PostgreSQL run: `govnav serve --processes 4` and one `govnav worker` on the store's schema;
 * a classify job (embedded classifier, every taxonomy) is queued just before the load starts.
 */
export async function clusterLoadRun(store: Store, databaseUrl: string, dataDir: string, note: string): Promise<BenchResult[]> {
  const { currentSchema } = await import('../src/store/notify.ts');
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${await currentSchema(store.db)},public`);
  const port = await freePort();
  const processes = Number(process.env.GOVNAV_SCALE_LOAD_PROCESSES ?? 4);
  const env: NodeJS.ProcessEnv = { ...process.env, ...UNLIMITED, DATABASE_URL: url.toString(), GOVNAV_DATA_DIR: dataDir, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1' };
  delete env.GOVNAV_BENCH_CHILD;
  const serve = await govnav(['serve', '--port', String(port), '--host', '127.0.0.1', '--no-snapshot', '--processes', String(processes)], env, /open http:\/\//, processes);
  const worker = await govnav(['worker', '--concurrency', '1'], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    // Warm each process's search index (the first searches of a process build it).
    for (let i = 0; i < processes * 4; i++) await (await fetch(`${base}/search.json?q=system`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 3000));
    const jobStart = new Date();
    // GOVNAV_SCALE_LOAD_CLASSIFY=0: the same load without the job (to see what its writes cost).
    const classify = process.env.GOVNAV_SCALE_LOAD_CLASSIFY !== '0';
    let queued = 'no classify job';
    if (classify) {
      // The models are trained (and saved in the data directory) before the job is queued, so the
      // job loads them and writes labels while the load runs instead of training through it.
      const t = performance.now();
      // GOVNAV_SCALE_LOAD_MODELS: a directory that keeps the trained models between runs (the
      // synthetic corpus is the same each time, so a rerun finds them and trains nothing).
      const keep = process.env.GOVNAV_SCALE_LOAD_MODELS;
      if (keep) {
        mkdirSync(keep, { recursive: true });
        symlinkSync(resolvePath(keep), join(dataDir, 'models'));
      }
      const train = await govnav(['models', 'train'], env);
      await new Promise<void>((r) => train.child.once('exit', () => r()));
      if (train.child.exitCode !== 0) throw new Error(`govnav models train failed:\n${train.out().slice(-2000)}`);
      process.stderr.write(`  models trained in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      // GOVNAV_SCALE_LOAD_BATCH: labels per transaction of the job (the CLI's default, 25, unless set).
      const batch = process.env.GOVNAV_SCALE_LOAD_BATCH ?? '25';
      const job = await govnav(['classify', '--all', '--fresh', '--detach', '--batch-size', batch], env);
      await new Promise<void>((r) => job.child.once('exit', () => r()));
      queued = `classify job (${batch} labels per transaction) queued: ${job.out().trim().split('\n').pop()}`;
      // The load starts once the job writes, or after GOVNAV_SCALE_LOAD_JOB_WAIT seconds (60).
      const until = Date.now() + Number(process.env.GOVNAV_SCALE_LOAD_JOB_WAIT ?? 60) * 1000;
      while (Date.now() < until && (await labelsSince(store, jobStart)) === 0) await new Promise((r) => setTimeout(r, 250));
    }
    const before = await labelsSince(store, jobStart);
    const countersBefore = await processCounters(base, processes);
    process.stderr.write(`  load: ${SECONDS} s against ${base} (${processes} web processes, PostgreSQL, ${queued}, ${before} labels written before the load began)\n`);
    const r = await loadAgainst(base);
    const during = (await labelsSince(store, jobStart)) - before;
    const perProcess = countersNote(countersBefore, await processCounters(base, processes));
    process.stderr.write(`  per web process during the load: ${perProcess}\n`);
    const list = await govnav(['jobs', 'list'], env);
    await new Promise<void>((res) => list.child.once('exit', () => res()));
    process.stderr.write(`  jobs after the load:\n${list.out()}\n  the worker's last output:\n${worker.out().slice(-1500)}\n`);
    const label = `PostgreSQL, ${processes} web processes${classify ? ' + classify job' : ''}`;
    return [
      ...loadResults(r, label, `${note}; ${during.toLocaleString('en-GB')} labels written by the job during the load (${before.toLocaleString('en-GB')} before it began)`),
      {
        name: `scale load ${label}: labels written during the load`,
        value: during,
        unit: '',
        note: `by the classify job (models trained before it was queued; ${process.env.GOVNAV_SCALE_LOAD_BATCH ?? '25'} labels per transaction); ${(during / r.seconds).toFixed(0)} labels/s`,
      },
      { name: `scale load ${label}: what each web process did during the load`, value: processes, unit: 'processes', note: perProcess },
    ];
  } finally {
    await stop(worker.child);
    await stop(serve.child);
  }
}

if (process.env.GOVNAV_SCALE_LOAD_BASE) {
  void clients(process.env.GOVNAV_SCALE_LOAD_BASE, SECONDS).then((r) => {
    process.stdout.write('@@LOAD@@' + JSON.stringify(r) + '\n');
    process.exit(0);
  });
}

// The loopback load of the scale bench: for GOVNAV_SCALE_LOAD_SECONDS (60) a child process sends
// mixed traffic to a running server and reports requests/s, p99 and errors:
//   - 20 clients hammering distinct uncached searches (/search with text, facets and pages),
//   - 2 clients reading cached pages (home, a document, a statement): the "never block" figure,
//   - 2 API clients (/api/v1/search, /api/v1/statements), 1 export client (CSV of a small set).
import { spawn } from 'node:child_process';
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
  let seq = 0;
  const loop = async (group: string, next: () => string, into?: number[]) => {
    while (Date.now() < until) {
      const path = next();
      const t = performance.now();
      try {
        const r = await fetch(base + path, { headers: { 'accept-encoding': 'gzip' } });
        await r.arrayBuffer();
        const ms = performance.now() - t;
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
  const searches = () => {
    const k = seq++;
    const variants = [`q=system&page=${1 + (k % 50)}`, `q=${word()}`, `q=data&kind=risk&page=${1 + (k % 20)}`, `q=${word()}+system`, `kind=mitigation&risk-domain=${1 + (k % 7)}&page=${1 + (k % 30)}`];
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
    { name: `scale load ${label}: uncached search p99 (20 clients)`, value: r.searchP99, unit: 'ms', note: `p50 ${r.searchP50.toFixed(1)} ms` },
    { name: `scale load ${label}: cached page p99 meanwhile`, value: r.cachedP99, unit: 'ms', note: `p50 ${r.cachedP50.toFixed(1)} ms` },
    { name: `scale load ${label}: errors`, value: r.errors, unit: '', note: `${r.limited} answered 429 (budgets/queue)` },
  ];
}

/** The PGlite run: one web process in this process, the clients in a child. */
export async function loadRun(store: Store, config: Config, note: string): Promise<BenchResult[]> {
  // The load comes from one address: lift the per-client budget for the bench (the queue stays).
  process.env.GOVNAV_EXPENSIVE_BURST = '1000000';
  process.env.GOVNAV_EXPENSIVE_PER_MINUTE = '100000000';
  const { startServer } = await import('../src/web/server.ts');
  const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
  try {
    process.stderr.write(`  load: ${SECONDS} s against ${server.url} (1 web process, PGlite)\n`);
    const r = await loadAgainst(server.url);
    return loadResults(r, 'PGlite, 1 web process', note);
  } finally {
    await server.close();
  }
}

if (process.env.GOVNAV_SCALE_LOAD_BASE) {
  void clients(process.env.GOVNAV_SCALE_LOAD_BASE, SECONDS).then((r) => {
    process.stdout.write('@@LOAD@@' + JSON.stringify(r) + '\n');
    process.exit(0);
  });
}

// Web navigator benchmark, on the real public datasets loaded through the importers:
//  - server time to render a statement page and a search page (in-process, page cache bypassed):
//    p50 / p99 over many distinct pages and queries;
//  - requests/s for one statement page under load (page cache warm) from a loopback client in a
//    separate process (keep-alive, N connections), side by side with nginx serving the same HTML
//    bytes from a file in the same run, and the ratio govnav / nginx.
// Uses PostgreSQL when DATABASE_URL is set (a scratch schema, dropped afterwards), else an
// in-memory PGlite database. nginx (Debian package) is skipped with a note when not installed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/store/index.ts';
import { createApp } from '../src/web/app.ts';
import { startServer } from '../src/web/server.ts';
import { loadRealDatasets } from '../test/e2e/real-data.ts';
import type { BenchResult } from './run.ts';

const CONNECTIONS = Number(process.env.BENCH_WEB_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_WEB_SECONDS ?? 5);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run the load generator in its own process; resolves with requests per second. */
function loadTest(url: string): Promise<{ rps: number; errors: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load-worker', url, String(CONNECTIONS), String(SECONDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /@@LOAD@@(.*)/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`load worker failed (exit ${code}): ${out.slice(-500)}`));
      resolve(JSON.parse(m[1]!));
    });
  });
}

/** The load generator: N keep-alive connections, each sending the next request when the last one is answered. */
async function loadWorker(url: string, connections: number, seconds: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  let done = 0;
  let errors = 0;
  let bytes = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent }, (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => {
          if (res.statusCode === 200) done++;
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  // warm-up
  await Promise.all(Array.from({ length: connections }, () => one()));
  done = 0;
  errors = 0;
  bytes = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await one();
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  process.stdout.write(`@@LOAD@@${JSON.stringify({ rps: done / elapsed, errors, bytes })}\n`);
}

/** A bare node:http server (in its own process) answering every request with the same bytes: the Node ceiling. */
async function withBareNode<T>(html: Uint8Array, fn: (url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-bare-'));
  const file = join(dir, 'page.html');
  writeFileSync(file, html);
  const port = await freePort();
  const code = `const b=require('fs').readFileSync(${JSON.stringify(file)});require('http').createServer((q,r)=>{r.writeHead(200,{'content-type':'text/html; charset=utf-8'});r.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      proc.stdout.once('data', resolve);
      proc.once('exit', () => reject(new Error('bare node server exited')));
    });
    return await fn(`http://127.0.0.1:${port}/`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withNginx<T>(html: Uint8Array, fn: (url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  writeFileSync(join(www, 'page.html'), html);
  // nginx workers may run as an unprivileged user: let them read the page.
  for (const p of [dir, www]) chmodSync(p, 0o755);
  chmodSync(join(www, 'page.html'), 0o644);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / { root ${www}; default_type "text/html; charset=utf-8"; }
  }
}
`,
  );
  const proc = spawn(NGINX!, ['-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  try {
    const url = `http://127.0.0.1:${port}/page.html`;
    for (let i = 0; ; i++) {
      const ok = await fetch(url).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 50 || proc.exitCode !== null) throw new Error(`nginx did not start: ${stderr.slice(-400)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(url);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const base = loadConfig({ ...process.env, GOVNAV_CONFIG: '' });
  const config = { ...base, adminSecret: undefined };
  const usePg = !!config.databaseUrl;
  const store = usePg
    ? await openStore({ config, schema: 'bench_web_' + randomBytes(4).toString('hex'), dropSchemaOnClose: true })
    : await openStore({ config, memory: true });
  const engine = store.db.kind;
  const results: BenchResult[] = [];
  try {
    const t0 = performance.now();
    const load = await loadRealDatasets(store);
    if (!load.loaded.length) throw new Error(`no real dataset could be loaded: ${JSON.stringify(load.skipped)}`);
    if (usePg) await store.db.query('ANALYZE');
    const [{ n }] = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM statements')) as [{ n: number }];
    const dataNote = `${engine}; ${n} statements from ${load.loaded.length} real datasets (loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s)`;

    // --- server time, page cache bypassed (a new data version for every request)
    let version = 0;
    const app = await createApp({ store, config, dataVersion: () => String(++version) });
    const ids = (await store.db.query<{ id: string }>(`SELECT id FROM statements WHERE retired_at IS NULL ORDER BY id`)).map((r) => r.id);
    const sample = Array.from({ length: Math.min(200, ids.length) }, (_, i) => ids[Math.floor((i * ids.length) / Math.min(200, ids.length))]!);
    const time = async (path: string) => {
      const s = performance.now();
      const res = await app.fetch(new Request('http://bench.local' + path));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      return performance.now() - s;
    };
    for (const id of sample.slice(0, 10)) await time(`/m/${id}`); // warm-up
    const stTimes: number[] = [];
    for (const id of sample) stTimes.push(await time(`/m/${id}`));
    const words = ['privacy', 'audit', 'red teaming', 'bias', 'incident', 'transparency', 'oversight', 'misinformation', 'watermark', 'security', '隐私', 'evaluation'];
    const facets = ['', '&kind=risk', '&kind=mitigation', '&risk-domain=2', '&risk-domain=7&kind=risk', '&doctype=paper'];
    const searches = words.flatMap((w) => facets.map((f) => `/search?q=${encodeURIComponent(w)}${f}`));
    for (const p of searches.slice(0, 3)) await time(p);
    const seTimes: number[] = [];
    for (const p of searches) seTimes.push(await time(p));
    results.push(
      { name: 'statement page, server time p50 (uncached)', value: pct(stTimes, 50), unit: 'ms', note: `${stTimes.length} distinct pages; ${dataNote}` },
      { name: 'statement page, server time p99 (uncached)', value: pct(stTimes, 99), unit: 'ms' },
      { name: 'search with facets, server time p50 (uncached)', value: pct(seTimes, 50), unit: 'ms', note: `${seTimes.length} distinct queries (text × facets)` },
      { name: 'search with facets, server time p99 (uncached)', value: pct(seTimes, 99), unit: 'ms' },
    );

    // --- cached page server time
    let fixedVersion = 0;
    const app2 = await createApp({ store, config, dataVersion: () => String(fixedVersion) });
    const page = `/m/${sample[0]}`;
    await app2.fetch(new Request('http://bench.local' + page));
    const cached: number[] = [];
    for (let i = 0; i < 500; i++) {
      const s = performance.now();
      await (await app2.fetch(new Request('http://bench.local' + page))).arrayBuffer();
      cached.push(performance.now() - s);
    }
    results.push({ name: 'statement page, server time p50 (page cache hit)', value: pct(cached, 50), unit: 'ms' });

    // --- throughput under load: govnav (HTTP, cache warm) vs nginx serving the same bytes
    const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${server.port}${page}`;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const ours = await loadTest(url);
      results.push({
        name: 'statement page under load, govnav',
        value: ours.rps,
        unit: 'req/s',
        note: `${CONNECTIONS} keep-alive connections for ${SECONDS} s from a separate process; ${bytes.length} bytes per page${ours.errors ? `; ${ours.errors} errors` : ''}`,
      });
      const bare = await withBareNode(bytes, (u) => loadTest(u));
      results.push({ name: 'same HTML bytes from bare node:http (reference)', value: bare.rps, unit: 'req/s', note: 'the ceiling for any Node server on this machine' });
      if (NGINX) {
        const theirs = await withNginx(bytes, (u) => loadTest(u));
        results.push({ name: 'same HTML bytes from nginx (1 worker)', value: theirs.rps, unit: 'req/s', note: spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim() });
        results.push({ name: 'govnav / nginx throughput ratio', value: ours.rps / theirs.rps, unit: '×', note: 'target ≥ 0.5' });
      } else {
        results.push({ name: 'same HTML bytes from nginx', value: NaN, unit: 'req/s', note: 'nginx is not installed (apt-get install nginx); ratio not measured' });
      }
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--load-worker');
  if (i >= 0) {
    await loadWorker(process.argv[i + 1]!, Number(process.argv[i + 2]), Number(process.argv[i + 3]));
    process.exit(0);
  } else {
    const r = await run();
    for (const x of r) console.log(`${x.name}: ${Number.isFinite(x.value) ? x.value.toFixed(2) : x.value} ${x.unit}${x.note ? ` (${x.note})` : ''}`);
    process.exit(0);
  }
}

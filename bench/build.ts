// The compiled build against running the sources through tsx (as bin/govnav.js did before
// `npm run build` existed): `govnav --help`, and `govnav serve` from launch to its first answer,
// on an empty data directory (first start: the bundled snapshot is loaded) and again on the same
// directory (a later start). Builds dist/ first when it is missing or older than the sources.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin', 'govnav.js');
const SOURCES = join(root, 'src', 'cli', 'main.ts');

/** Command lines for the two ways of running govnav. */
const MODES = {
  compiled: (args: string[]) => [BIN, ...args],
  // What bin/govnav.js did before the build: register tsx's loader, then run the TypeScript sources.
  tsx: (args: string[]) => [
    '--import',
    'tsx',
    '-e',
    `const { main } = await import(${JSON.stringify(SOURCES)}); await main(['node', 'govnav', ...${JSON.stringify(args)}]);`,
    '--input-type=module',
  ],
} as const;

function ensureBuilt(): void {
  const stamp = join(root, 'dist', '.build-stamp');
  if (existsSync(stamp) && statSync(stamp).mtimeMs > statSync(SOURCES).mtimeMs) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('npm run build failed; run it by hand to see why');
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function timeHelp(mode: keyof typeof MODES, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, MODES[mode](['--help']), { env: { ...process.env, GOVNAV_COMPILED: '1' }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`govnav --help (${mode}) exited ${r.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Milliseconds from launching `govnav serve` until /healthz answers 200. */
async function timeStart(mode: keyof typeof MODES, dataDir: string): Promise<number> {
  const port = await freePort();
  const env = { ...process.env, GOVNAV_DATA_DIR: dataDir, GOVNAV_COMPILED: '1', DATABASE_URL: '' };
  const t0 = performance.now();
  const child = spawn(process.execPath, MODES[mode](['serve', '--port', String(port)]), { env, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`govnav serve (${mode}) exited ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return performance.now() - t0;
      } catch (e) {
        if (!(e instanceof TypeError)) throw e; // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function run(): Promise<BenchResult[]> {
  ensureBuilt();
  const out: BenchResult[] = [];
  for (const mode of ['tsx', 'compiled'] as const) {
    const help = timeHelp(mode, 15);
    out.push({ name: `govnav --help, ${mode}: p50`, value: percentile(help, 50), unit: 'ms', note: '15 runs' });
  }
  for (const mode of ['tsx', 'compiled'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'govnav-bench-start-'));
    try {
      out.push({ name: `first start (empty data directory, snapshot loaded), ${mode}`, value: await timeStart(mode, dir), unit: 'ms', note: 'launch to /healthz 200' });
      out.push({ name: `later start (same data directory), ${mode}`, value: await timeStart(mode, dir), unit: 'ms', note: 'launch to /healthz 200' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

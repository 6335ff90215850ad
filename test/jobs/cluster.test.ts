// `govnav serve --processes 2` on PostgreSQL: two processes answer on one port, both ready; SIGTERM
// stops them all and the command exits 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSchema } from '../../src/store/notify.ts';
import type { Store } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let child: ChildProcess | undefined;
let store: Store | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'govnav-cluster-'));
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('serve --processes 2: two web processes on one port; SIGTERM drains them and exits 0', { skip: ENGINE === 'postgres' ? false : 'needs PostgreSQL (set DATABASE_URL): the embedded database is opened by one process only', timeout: 180_000 }, async () => {
  store = await openTestStore();
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${await currentSchema(store.db)},public`);
  const env = { ...process.env, DATABASE_URL: url.toString(), GOVNAV_DATA_DIR: tmp, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1' };
  child = spawn(process.execPath, ['bin/govnav.js', 'serve', '--port', '0', '--no-snapshot', '--processes', '2'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const urls = [...out.matchAll(/open (http:\/\/\S+?)\/\s/g)].map((m) => m[1]!);
      if (urls.length >= 2) resolve(urls[0]!);
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (c, s) => reject(new Error(`serve --processes ended (${s ?? c}):\n${out.slice(-2000)}`)));
  });
  const pids = new Set<number>();
  for (let i = 0; i < 12; i++) {
    const r = await fetch(`${base}/readyz`, { headers: { connection: 'close' } });
    assert.equal(r.status, 200);
    pids.add(((await r.json()) as { pid: number }).pid);
  }
  assert.equal(pids.size, 2, 'both processes answer');
  child.kill('SIGTERM');
  const code = await new Promise((r) => child!.once('exit', (c) => r(c)));
  assert.equal(code, 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from './_util.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function govnav(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_DATA_DIR: dataDir, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1' };
  delete env.DATABASE_URL; // the CLI run uses its own embedded database in the temp dir
  return spawnSync(process.execPath, ['bin/govnav.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

test('govnav import --dry-run prints the summary and writes nothing; a broken file exits 1 naming the row', async (t) => {
  const dataDir = tempDir(t);
  const demo = join(ROOT, 'samples', 'demo.json');
  const r = govnav(['import', demo, '--dry-run'], dataDir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /DRY RUN \(rolled back, nothing was written\): govnav-demo 1 · format govnav-json · licence CC0-1.0/);
  assert.match(r.stdout, /documents\s+6\s+0\s+0\s+0\s+0/);
  assert.match(r.stdout, /statements in the file: mitigation \d+ · risk \d+ · principle \d+/);

  const bad = join(dataDir, 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({
      format: 'govnav-json',
      formatVersion: 1,
      dataset: { id: 'x', version: '1', licence: 'CC0-1.0', attribution: 'x' },
      documents: [{ key: 'd', title: 'D', statements: [{ key: 's', kind: 'opinion' }] }],
    }),
  );
  const b = govnav(['import', bad, '--format', 'govnav-json'], dataDir);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /govnav: 1 invalid row; nothing was imported/);
  assert.match(b.stderr, /bad\.json, documents\[0\]\.statements\[0\], \(s\), field "documents\[0\]\.statements\[0\]\.kind"/);

  const store = await openStore({ config: { ...loadConfig({ GOVNAV_DATA_DIR: dataDir, GOVNAV_CONFIG: '' }), databaseUrl: undefined } });
  try {
    const [{ n }] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM statements');
    assert.equal(n, 0);
  } finally {
    await store.close();
  }
});

// First start as a newcomer gets it: `govnav serve` on an empty data directory loads the bundled
// snapshot of the public datasets (no network needed) and the home page lists the real datasets
// with their attribution, with no invented document; `datasets list` works while the server holds
// the embedded database; `serve --demo` never touches the data directory and says the data is sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED, cliEnv, MANIFEST, ROOT, serve } from './_serve.ts';

const unescape = (s: string) => s.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

interface Manifest {
  datasets: { id: string; attribution: string; statements: number }[];
}

test('first start: an empty data directory gets the bundled snapshot; the home page lists the real datasets with attribution; datasets list works while serving', async (t) => {
  assert.ok(existsSync(BUNDLED), `the bundled snapshot ${BUNDLED} is part of the repository (build it with npm run snapshot)`);
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  const dataDir = mkdtempSync(join(tmpdir(), 'govnav-first-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = cliEnv(dataDir, { GOVNAV_SNAPSHOT: '' });
  // Offline: any attempt to reach the network fails at once.
  env.HTTP_PROXY = env.HTTPS_PROXY = env.http_proxy = env.https_proxy = 'http://127.0.0.1:9';
  const s = await serve([], env);
  try {
    assert.match(s.stderr(), /The database is empty: loading the snapshot of the public datasets/);
    assert.match(s.stderr(), /Loaded \d+ datasets: \d+ documents, \d+ statements/);
    const home = await (await fetch(`${s.url}/`)).text();
    const text = unescape(home);
    for (const d of manifest.datasets) {
      assert.ok(home.includes(`data-dataset="${d.id}"`), `the home page lists dataset ${d.id}`);
      assert.ok(text.includes(d.attribution), `the home page shows the attribution of ${d.id}`);
    }
    assert.doesNotMatch(text, /fictional|Northbridge|govnav-demo|Sample data/i);
    const docs = unescape(await (await fetch(`${s.url}/d`)).text());
    assert.doesNotMatch(docs, /fictional|Northbridge/i);

    // Read-only commands while the server holds the embedded database.
    const list = spawnSync(process.execPath, ['bin/govnav.js', 'datasets', 'list', '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stderr, /in use by process \d+; reading a copy/);
    const listed = JSON.parse(list.stdout) as { imported: { id: string; statements: number }[] };
    assert.deepEqual(
      listed.imported.map((d) => [d.id, d.statements]).sort(),
      manifest.datasets.map((d) => [d.id, d.statements]).sort(),
    );
    // Writing commands still need the lock and say so.
    const rm = spawnSync(process.execPath, ['bin/govnav.js', 'datasets', 'remove', manifest.datasets[0]!.id, '--yes'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    assert.notEqual(rm.status, 0);
    assert.match(rm.stderr, /in use by another govnav process/);
  } finally {
    await s.stop();
  }
  // A second start does not load it again.
  const again = await serve([], env);
  try {
    assert.doesNotMatch(again.stderr(), /loading the snapshot/);
  } finally {
    await again.stop();
  }
});

test('serve --demo: invented sample data in a temporary directory, every page bannered; the data directory stays untouched', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'govnav-demo-user-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const s = await serve(['--demo'], cliEnv(dataDir));
  let tmp: string | undefined;
  try {
    tmp = /temporary directory: (\S+)/.exec(s.stderr())?.[1];
    assert.ok(tmp && existsSync(tmp), `serve --demo names its temporary directory: ${s.stderr()}`);
    assert.ok(!tmp.startsWith(dataDir));
    for (const path of ['/', '/d', '/search?q=safety']) {
      const page = unescape(await (await fetch(`${s.url}${path}`)).text());
      assert.match(page, /Sample data: invented documents for trying govnav/, `the banner on ${path}`);
    }
    assert.match(unescape(await (await fetch(`${s.url}/`)).text()), /data-dataset="govnav-demo"/);
    assert.deepEqual(readdirSync(dataDir), [], 'nothing is written to the user data directory');
  } finally {
    await s.stop();
  }
  assert.ok(!existsSync(tmp!), 'the temporary directory is removed when the server stops');
});

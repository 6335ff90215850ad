// `govnav export` and `govnav release` end to end, on an embedded database in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { buildSynthetic } from '../api/synthetic.ts';

const BIN = fileURLToPath(new URL('../../bin/govnav.js', import.meta.url));

test('govnav export writes exactly the filtered set; govnav release refuses a reused version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-cli-export-'));
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_DATA_DIR: join(dir, 'data'), GOVNAV_CONFIG: '' };
  delete env.DATABASE_URL;
  try {
    const store = await openStore({ config: loadConfig(env) });
    let risks: string[];
    try {
      const corpus = await buildSynthetic(store, { statements: 60, documents: 2 });
      risks = corpus.statementIds.filter((id) => id.startsWith('R')).sort();
    } finally {
      await store.close();
    }
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: dir });

    const out = join(dir, 'risks.jsonl');
    const r = run('export', '--format', 'jsonl', '--facet', 'kind=risk', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0]._meta.query, 'kind=risk');
    assert.deepEqual(lines.slice(1).map((x: { id: string }) => x.id).sort(), risks);
    assert.match(r.stderr, new RegExp(`exported ${risks.length} statements as jsonl`));

    const bad = run('export', '--facet', 'risk-domain=99');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /parameter "risk-domain"/);

    const rel = run('release', '2026.1', '--out', join(dir, 'rel'));
    assert.equal(rel.status, 0, rel.stderr);
    assert.match(rel.stdout, /release 2026\.1 written to/);
    assert.ok(existsSync(join(dir, 'rel', 'govnav-2026.1', 'manifest.json')));
    const again = run('release', '2026.1', '--out', join(dir, 'rel2'));
    assert.equal(again.status, 2);
    assert.match(again.stderr, /Release 2026\.1 already exists/);
    assert.equal(existsSync(join(dir, 'rel2', 'govnav-2026.1')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `govnav review` end to end: the real binary on an embedded database in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { fillReviewStore } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function envFor(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_DATA_DIR: dataDir, GOVNAV_QUIET: '1', GOVNAV_CONFIG: '', GOVNAV_REVIEWER: 'env-reviewer' };
  delete env.DATABASE_URL;
  return env;
}

function govnav(dataDir: string, ...args: string[]) {
  // stdin is a pipe, never a terminal.
  return spawnSync(process.execPath, ['bin/govnav.js', ...args], { cwd: ROOT, encoding: 'utf8', env: envFor(dataDir), input: '' });
}

test('review next refuses to run without a terminal and points to the other subcommands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-review-'));
  try {
    const r = govnav(dir, 'review', 'next');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /needs a terminal/);
    assert.match(r.stderr, /govnav review list/);
    assert.match(r.stderr, /govnav review accept\|reject/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('review list, accept, correct and stats through the binary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-review-'));
  try {
    const config = loadConfig(envFor(dir), ROOT);
    const store = await openStore({ config });
    const f = await fillReviewStore(store);
    await store.close();

    const list = govnav(dir, 'review', 'list', '--taxonomy', 'risk-domain', '--source', 'llm', '--json');
    assert.equal(list.status, 0, list.stderr);
    const { total, items } = JSON.parse(list.stdout) as { total: number; items: { labelId: number; code: string }[] };
    assert.equal(total, 2);
    assert.deepEqual(items.map((i) => i.labelId), [f.label('r1', 'risk-domain', 'llm'), f.label('m2', 'risk-domain', 'llm')]);

    const table = govnav(dir, 'review', 'list', '--where', 'kind=risk', '--max-confidence', '0.6');
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^label\s+statement\s+taxonomy\s+code\s+conf\s+source\/model\s+statement name/);
    assert.match(table.stdout, new RegExp(`${f.label('r1', 'risk-domain', 'llm')}\\s+${f.ids.r1}\\s+risk-domain\\s+2\\.1 Compromise.*0\\.55\\s+llm/gpt-test\\s+Membership inference`));
    assert.match(table.stdout, /1 of 1 unreviewed machine label\./);

    const bad = govnav(dir, 'review', 'list', '--where', 'risk-domain=42');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /risk-domain=42: is not a code of taxonomy "risk-domain"/);

    const acc = govnav(dir, 'review', 'accept', String(f.label('m2', 'risk-domain', 'llm')));
    assert.equal(acc.status, 0, acc.stderr);
    assert.match(acc.stdout, /1 label accepted by env-reviewer\./);

    const wrong = govnav(dir, 'review', 'correct', String(f.label('r1', 'risk-domain', 'llm')), '2.7');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /"2\.7" is not a code of taxonomy "risk-domain"\. Valid codes include: 2\.1 /);

    const cor = govnav(dir, 'review', 'correct', String(f.label('r1', 'risk-domain', 'llm')), '2.2', '--reason', 'an attack', '--reviewer', 'ada');
    assert.equal(cor.status, 0, cor.stderr);
    assert.match(cor.stdout, /2\.1 .* → 2\.2 AI system security vulnerabilities and attacks · new human label \d+ by ada is current\./);

    const again = govnav(dir, 'review', 'reject', String(f.label('m2', 'risk-domain', 'llm')));
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already accepted by env-reviewer/);

    const stats = govnav(dir, 'review', 'stats', '--json');
    assert.equal(stats.status, 0, stats.stderr);
    const rows = JSON.parse(stats.stdout) as { taxonomy: string; source: string; accepted: number; corrected: number; pending: number }[];
    const llm = rows.find((r) => r.taxonomy === 'risk-domain' && r.source === 'llm')!;
    assert.deepEqual([llm.accepted, llm.corrected, llm.pending], [1, 1, 0]);
    const statsTable = govnav(dir, 'review', 'stats');
    assert.match(statsTable.stdout, /risk-domain\s+llm\s+2\s+0\s+2\s+1\s+1\s+0\s+50\.0%/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test('govnav topics: import-principles, link, list, show, matrix and lexicon checks from the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'govnav-topics-cli-'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/govnav.js', 'topics', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GOVNAV_DATA_DIR: dataDir, DATABASE_URL: '', GOVNAV_CONFIG: '', GOVNAV_QUIET: '1' },
    });
  try {
    const imp = run('import-principles', fixture('principles_zh.yaml'), fixture('principles_zh_en.yaml'));
    assert.equal(imp.status, 0, imp.stderr);
    assert.match(imp.stdout, /D0001 govnav 测试用人工智能原则/);
    assert.match(imp.stdout, /created\s+7/);

    const link = run('link');
    assert.equal(link.status, 0, link.stderr);
    assert.match(link.stdout, /nothing to link/);
    const rebuild = run('link', '--rebuild', '--json');
    assert.equal(rebuild.status, 0, rebuild.stderr);
    const report = JSON.parse(rebuild.stdout) as { statements: number; links: number; byTopic: Record<string, number> };
    assert.equal(report.statements, 14);
    assert.equal(report.byTopic.privacy, 2);

    const list = JSON.parse(run('list', '--json').stdout) as { id: string; statements: number; documents: number }[];
    assert.deepEqual(list.find((t) => t.id === 'privacy'), { ...list.find((t) => t.id === 'privacy'), statements: 2, documents: 2 });

    const show = run('show', 'privacy', '--lang', 'zh');
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /隐私与数据保护 \(privacy\)/);
    assert.match(show.stdout, /— 由 govnav 测试组 在 govnav 测试用人工智能原则（中文） 发表, 2026-01-15/);
    const missing = run('show', 'no-such-topic');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no topic "no-such-topic"/);

    const csv = parse(run('matrix', '--csv').stdout, { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 2);
    assert.ok(csv.every((r) => r.privacy === '1'));
    assert.match(run('matrix').stdout, /no document covers all 15 topics/);

    // A broken extension file is reported with file, topic and field, and nothing runs.
    const bad = join(dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ topics: [{ id: 'security', terms: [{ id: 'x', label: { en: 'x' }, weight: -1, en: ['x'] }] }] }));
    const lex = run('lexicon', '--lexicon', bad);
    assert.equal(lex.status, 2);
    assert.match(lex.stderr, /bad\.json: topic "security", term "x", field "weight"/);
    const ok = run('lexicon');
    assert.match(ok.stdout, /lexicon \d+\.\d+\.\d+ from/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

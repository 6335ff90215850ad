// `govnav ingest` end to end on a temporary embedded database: summary lines, --json, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './fixtures.ts';
import { runCli } from '../helpers/cli.ts';

const run = runCli;

test('govnav ingest: prints a summary, --json gives the results, a bad file fails with exit code 1 or 2', async () => {
  const data = mkdtempSync(join(tmpdir(), 'govnav-ingest-cli-'));
  const saved = { ...process.env };
  // The command opens the configured store: point it at a fresh embedded database.
  process.env.GOVNAV_DATA_DIR = data;
  process.env.GOVNAV_CONFIG = '';
  process.env.GOVNAV_QUIET = '1';
  delete process.env.DATABASE_URL;
  const tmp = tempDir();
  try {
    const md = tmp.file('policy.md', '# Release policy\n\nPublished 2 May 2025.\n\nBefore release the lab will:\n\n1. Evaluate the model.\n2. Publish a model card.\n');
    const first = await run(['ingest', md, '--organisation', 'Lab D', '--type', 'policy']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /D\d{4} new: "Release policy" \(markdown, en, 2025-05-02\)/);
    // Only the two measures are statements; the title, date line and lead-in are context.
    assert.match(first.out, /2 mitigations, 0 risks, 0 principles; 3 context, 0 apparatus blocks left out/);
    assert.match(first.out, /2 statements: 2 created, 0 updated, 0 unchanged, 0 retired/);

    const again = await run(['ingest', md, '--organisation', 'Lab D', '--type', 'policy', '--json']);
    assert.equal(again.code, 0, again.err);
    const json = JSON.parse(again.out) as { results: { created: number; unchanged: number; matchedBy: string; statementIds: string[] }[]; failures: unknown[] };
    assert.equal(json.results[0]!.created, 0);
    assert.equal(json.results[0]!.unchanged, 2);
    assert.equal(json.results[0]!.matchedBy, 'fingerprint');
    assert.ok(json.results[0]!.statementIds.every((id) => /^M\d{6}$/.test(id)));
    assert.deepEqual(json.failures, []);

    const bad = tmp.file('empty.txt', '');
    const mixed = await run(['ingest', md, bad]);
    assert.equal(mixed.code, 1);
    assert.match(mixed.err, /error: .*empty\.txt: is empty/);
    const allBad = await run(['ingest', bad]);
    assert.equal(allBad.code, 2);

    const usage = await run(['ingest', md, bad, '--title', 'x']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--title and --date describe one document/);
  } finally {
    process.env = saved;
    tmp.cleanup();
    rmSync(data, { recursive: true, force: true });
  }
});

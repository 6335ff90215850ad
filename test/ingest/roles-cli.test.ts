// `govnav ingest --dry-run` prints the outline with roles and writes nothing; the summary counts
// statements per role; `govnav statements outline|set-role|merge|split` record corrections that a
// later `govnav ingest` of the same file applies again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './fixtures.ts';
import { GUIDE, MEASURES } from './roles-fixture.ts';
import { runCli } from '../helpers/cli.ts';

const run = runCli;

test('govnav ingest --dry-run prints the outline; govnav statements corrects it and the correction lasts', async () => {
  const data = mkdtempSync(join(tmpdir(), 'govnav-roles-cli-'));
  const saved = { ...process.env };
  process.env.GOVNAV_DATA_DIR = data;
  process.env.GOVNAV_CONFIG = '';
  process.env.GOVNAV_QUIET = '1';
  delete process.env.DATABASE_URL;
  const tmp = tempDir();
  try {
    const md = tmp.file('guide.md', GUIDE);
    const dry = await run(['ingest', md, '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    const lines = dry.out.split('\n');
    assert.match(dry.out, /outline of "Guidance on Prompt Injection" \(12 blocks/);
    const measure = lines.find((l) => l.includes('Validate and sanitise all untrusted input'))!;
    assert.match(measure, /^\s+mitigation\s+0\.\d\d\s+M\d{6}\s+[0-9a-f]{8} Validate/);
    assert.match(lines.find((l) => l.includes('Greshake'))!, /^\s+apparatus\s+0\.\d\d\s+[0-9a-f]{8} Greshake/);
    assert.ok(!dry.out.includes('\x1b['), 'no colour codes when stdout is not a terminal');
    assert.match(dry.out, /4 mitigations, 0 risks, 0 principles; 5 context, 3 apparatus blocks left out/);
    assert.match(dry.out, /dry run: nothing written/);

    const first = await run(['ingest', md, '--json']);
    const res = JSON.parse(first.out) as { results: { documentId: string; statementIds: string[]; byKind: Record<string, number> }[] };
    const doc = res.results[0]!.documentId;
    assert.deepEqual(res.results[0]!.byKind, { mitigation: 4, risk: 0, principle: 0 }, 'the dry run wrote nothing: this is the first write');

    const outline = await run(['statements', 'outline', doc, '--role', 'mitigation']);
    assert.equal(outline.code, 0, outline.err);
    assert.equal(outline.out.split('\n').filter((l) => /mitigation\s+\d/.test(l)).length, 4);
    const m2 = /(M\d{6})/.exec(outline.out.split('\n').find((l) => l.includes(MEASURES[1]!.slice(0, 30)))!)![1]!;

    const set = await run(['statements', 'set-role', m2, 'context', '--author', 'cli-test']);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /3 mitigations, 0 risks, 0 principles; 6 context, 3 apparatus blocks left out/);
    assert.match(set.out, new RegExp(`retired: ${m2}`));

    const bad = await run(['statements', 'set-role', m2, 'context']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /is retired; refer to its block as D\d{4}#<anchor>/);
    const badRole = await run(['statements', 'set-role', `${doc}#0000000000`, 'measure']);
    assert.equal(badRole.code, 2);
    assert.match(badRole.err, /role "measure" is not one of mitigation, risk, principle, context, apparatus/);

    const again = await run(['ingest', md]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /3 mitigations, 0 risks, 0 principles; 6 context, 3 apparatus blocks left out \(1 correction applied\)/);
    assert.match(again.out, /3 statements: 0 created, 0 updated, 3 unchanged, 0 retired/);

    const json = JSON.parse((await run(['statements', 'outline', doc, '--json'])).out) as { corrections: { op: string; author: string }[]; blocks: { role: string; source: string }[] };
    assert.deepEqual(json.corrections.map((c) => [c.op, c.author]), [['set-role', 'cli-test']]);
    assert.equal(json.blocks.filter((b) => b.source === 'human').length, 1);
  } finally {
    process.env = saved;
    tmp.cleanup();
    rmSync(data, { recursive: true, force: true });
  }
});

test('govnav ingest --roles llm against a loopback provider: the LLM marks the statements, rejected spans are counted', async () => {
  const { startFakeProvider } = await import('../classify/llm/fake-provider.ts');
  const server = await startFakeProvider({
    wire: 'openai',
    respond: () =>
      JSON.stringify({
        statements: [
          { role: 'mitigation', text: MEASURES[0], name: 'Constrain behaviour', reasoning: 'A control.' },
          { role: 'risk', text: 'Prompt injection makes everything unsafe.', name: 'Not in the text', reasoning: 'Invented.' },
        ],
      }),
  });
  const data = mkdtempSync(join(tmpdir(), 'govnav-roles-cli-llm-'));
  const saved = { ...process.env };
  process.env.GOVNAV_DATA_DIR = data;
  process.env.GOVNAV_CONFIG = '';
  process.env.GOVNAV_QUIET = '1';
  delete process.env.DATABASE_URL;
  for (const k of ['GOVNAV_LLM_PROVIDER', 'GOVNAV_LLM_MODEL', 'GOVNAV_LLM_BASE_URL', 'OPENAI_BASE_URL']) delete process.env[k];
  const tmp = tempDir();
  try {
    const md = tmp.file('guide.md', GUIDE);
    const usage = await run(['ingest', md, '--provider', 'openai']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--provider, --model and --base-url go with --roles llm/);
    const r = await run(['ingest', md, '--roles', 'llm', '--provider', 'openai', '--base-url', server.baseUrl, '--model', 'fake-model', '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /LLM: 1 spans accepted, 1 rejected \(not verbatim\), 0 of 1 chunks failed; 1 requests/);
    assert.match(r.out, /1 mitigation, 0 risks, 0 principles; 8 context, 3 apparatus blocks left out/);
    const line = r.out.split('\n').find((l) => l.includes('Constrain model behaviour'))!;
    assert.match(line, /mitigation\s+0\.\d\d L M\d{6}/);
    assert.match(r.out, /note: 1 span\(s\) the LLM returned were not found verbatim/);
  } finally {
    process.env = saved;
    await server.close();
    tmp.cleanup();
    rmSync(data, { recursive: true, force: true });
  }
});

// `govnav classify` as a user runs it: a real process on a PGlite data directory, against the
// loopback fake provider. Ctrl-C stops a run part way; running the same command again finishes it
// without repeating any request.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openStore, upsertDataset, upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { startFakeProvider, type FakeProvider } from './llm/fake-provider.ts';

const BIN = fileURLToPath(new URL('../../bin/govnav.js', import.meta.url));
const N = 24;
let dir: string;
let server: FakeProvider;

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_DATA_DIR: dir, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1', ...extra };
  for (const k of ['DATABASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'GOVNAV_LLM_MODEL', 'GOVNAV_LLM_PROVIDER', 'GOVNAV_LLM_API_KEY', 'GOVNAV_LLM_BASE_URL'])
    if (!(k in extra)) delete env[k];
  return env;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govnav-classify-cli-'));
  const store = await openStore({ config: loadConfig(baseEnv()) });
  const provenance = { dataset: 'cli-test', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };
  await upsertDataset(store.db, { id: 'cli-test', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const { id } = await upsertDocument(store.db, { sourceKey: 'd', title: 'A framework', docType: 'framework', provenance });
  const codes = ['1.1.1', '1.2.1', '2.2.2', '3.3.3'];
  await upsertStatements(
    store.db,
    id,
    Array.from({ length: N }, (_, i) => ({ sourceKey: `s${i}`, kind: 'mitigation' as const, ord: i, name: `m${i}`, text: `Measure number ${i}. [answer ${codes[i % 4]}]` })),
  );
  await store.close();
  server = await startFakeProvider({ wire: 'openai', apiKey: 'test-key', latencyMs: 150 });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function govnav(args: string[], env: NodeJS.ProcessEnv, opts: { interruptAfterRequests?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let poll: NodeJS.Timeout | undefined;
    if (opts.interruptAfterRequests !== undefined) {
      const start = server.requests.length;
      poll = setInterval(() => {
        if (server.requests.length - start >= opts.interruptAfterRequests!) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
    }
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

const llmEnv = () => baseEnv({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'test-key', GOVNAV_LLM_MODEL: 'gpt-4o-mini' });

test('classify: dry run, Ctrl-C part way, then the same command finishes the run with no repeated request', { timeout: 240_000 }, async () => {
  const dry = await govnav(['classify', '-t', 'mitigation-v2', '-p', 'openai', '--dry-run', '--json'], llmEnv());
  assert.equal(dry.code, 0, dry.stderr);
  const report = JSON.parse(dry.stdout);
  assert.equal(report.items, N);
  assert.deepEqual(report.perTaxonomy, { 'mitigation-v2': N });
  assert.ok(report.estInputTokens > N * 500, 'the whole prompt with the code list is counted');
  assert.ok(report.estCostUsd > 0);
  assert.equal(server.requests.length, 0, 'a dry run sends nothing');

  const args = ['classify', '-t', 'mitigation-v2', '-p', 'openai', '-c', '2', '--batch-size', '3', '--json'];
  const first = await govnav(args, llmEnv(), { interruptAfterRequests: 6 });
  assert.equal(first.code, 130, first.stderr);
  const s1 = JSON.parse(first.stdout);
  assert.equal(s1.stopped, true);
  assert.equal(s1.status, 'stopped');
  assert.ok(s1.remaining > 0 && s1.remaining < N, `stopped part way (${s1.remaining} left)`);
  assert.equal(s1.labelled, N - s1.remaining, 'what was answered before the stop is stored');

  const second = await govnav(args, llmEnv());
  assert.equal(second.code, 0, second.stderr);
  const s2 = JSON.parse(second.stdout);
  assert.equal(s2.runId, s1.runId, 'the same command resumes the same run');
  assert.equal(s2.resumed, true);
  assert.equal(s2.status, 'done');
  assert.equal(s2.labelled, s1.remaining);
  assert.equal(server.requests.length, N, 'one request per item over both invocations');
  assert.equal(new Set(server.requests.map((r) => r.key)).size, N);

  const store = await openStore({ config: loadConfig(baseEnv()) });
  try {
    const rows = await store.db.query<{ n: number; distinct_statements: number; prompt: string }>(
      `SELECT count(*)::int AS n, count(DISTINCT statement_id)::int AS distinct_statements, min(prompt_version) AS prompt
       FROM classifications WHERE taxonomy = 'mitigation-v2' AND source = 'llm' AND is_current`,
    );
    assert.equal(rows[0]!.n, N);
    assert.equal(rows[0]!.distinct_statements, N);
    assert.equal(rows[0]!.prompt, 'mitigation-v2@2');
  } finally {
    await store.close();
  }
});

test('classify: clear errors for a missing key, no taxonomy, an unknown taxonomy', { timeout: 120_000 }, async () => {
  const noKey = await govnav(['classify', '-t', 'actor', '-p', 'openai'], baseEnv());
  assert.notEqual(noKey.code, 0);
  assert.match(noKey.stderr, /set the environment variable OPENAI_API_KEY/);
  const noTax = await govnav(['classify', '-p', 'openai'], llmEnv());
  assert.notEqual(noTax.code, 0);
  assert.match(noTax.stderr, /--taxonomy <id> \(repeatable\) or --all/);
  const unknown = await govnav(['classify', '-t', 'colours', '-p', 'openai'], llmEnv());
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /Unknown taxonomy "colours"/);
});

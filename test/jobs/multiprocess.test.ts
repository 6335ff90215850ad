// The done-when test of issue 14, on PostgreSQL: two web processes and two workers (child
// processes on loopback) against one database. A classify job and an ingest job run while both web
// processes serve; the worker running the classify job is SIGKILLed mid-job, and the job completes
// on the other worker with every label stored exactly once; a page cached in web process 1 is fresh
// after a write (a reviewer's decision) made through web process 2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { currentSchema } from '../../src/store/notify.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { followJob, getJob, submitJob, type JobRow } from '../../src/jobs/index.ts';
import { ingestParams } from '../../src/jobs/handlers/ingest.ts';
import { dropQueueSchema } from '../../src/jobs/queue.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { startFakeProvider, type FakeProvider } from '../classify/llm/fake-provider.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const children: ChildProcess[] = [];
let store: Store | undefined;
let fake: FakeProvider | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'govnav-multiprocess-'));
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  if (store) {
    await dropQueueSchema(store.db).catch(() => {});
    await store.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Why this test cannot run here, if it cannot: no PostgreSQL, or a piece it needs is missing. */
async function missing(): Promise<string | undefined> {
  if (ENGINE !== 'postgres') return 'needs PostgreSQL (set DATABASE_URL): workers and several web processes share one PostgreSQL database';
  try {
    await import('pg-boss');
  } catch {
    return 'the job queue library pg-boss is not installed (npm install)';
  }
  if (!existsSync(join(ROOT, 'bin', 'govnav.js'))) return 'bin/govnav.js is missing';
  return undefined;
}
const skip = await missing();
// In CI with a database, a missing piece is a failure, not a skip.
if (skip && process.env.CI === 'true' && process.env.DATABASE_URL) throw new Error(`multiprocess test cannot run: ${skip}`);

/** Start `govnav <args>` as a child; resolves with the first match of `ready` in its output. */
function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['bin/govnav.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => reject(new Error(`govnav ${args.join(' ')} ended (${sig ?? code}) before it was ready:\n${out.slice(-3000)}`)));
    // A process that neither gets ready nor ends fails the test with what it said, instead of hanging it.
    setTimeout(() => reject(new Error(`govnav ${args.join(' ')} was not ready after 180 s:\n${out.slice(-3000)}`)), 180_000).unref();
  });
}

async function get(base: string, path: string): Promise<{ status: number; cache: string | null; text: string }> {
  const res = await fetch(base + path);
  return { status: res.status, cache: res.headers.get('x-cache'), text: await res.text() };
}

test('2 web processes + 2 workers on one PostgreSQL: jobs survive a SIGKILLed worker, labels exactly once, caches fresh across processes', { skip, timeout: 600_000 }, async () => {
  store = await openTestStore();
  const schema = await currentSchema(store.db);
  await upsertDataset(store.db, { id: 'mp-test', version: '1', licence: 'CC-BY-4.0', attribution: 'test' });
  const doc = await upsertDocument(store.db, {
    sourceKey: 'd1', title: 'Multiprocess Framework', organisation: 'Lab', year: 2025, docType: 'framework',
    provenance: { dataset: 'mp-test', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'test' },
  });
  const N = 48;
  const st: StatementInput[] = Array.from({ length: N }, (_, i) => ({ sourceKey: `s${i}`, kind: 'mitigation', ord: i, name: `s${i}`, text: `Measure ${i}: red team the model before release. [answer 1.1]` }));
  const { ids } = await upsertStatements(store.db, doc.id, st);

  fake = await startFakeProvider({ wire: 'openai', apiKey: 'test-key', latencyMs: 250 });
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  const databaseUrl = url.toString();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    GOVNAV_DATA_DIR: tmp,
    GOVNAV_CONFIG: '',
    OPENAI_BASE_URL: fake.baseUrl,
    GOVNAV_LLM_API_KEY: 'test-key',
    GOVNAV_LLM_MODEL: 'fake-gpt-2025-01-01',
    GOVNAV_JOB_HEARTBEAT_MS: '300',
    GOVNAV_JOB_POLL_SECONDS: '0.5',
    GOVNAV_JOB_RETRY_DELAY: '1',
    // The killed worker is noticed at once by its process being gone; should its pid already belong to
    // another process (pids wrap on a busy machine), the stale heartbeat reclaims the job after 10 s
    // instead of the default 300.
    GOVNAV_JOB_STALE_SECONDS: '10',
    // only the notifications can refresh a web process's pages in this test
    GOVNAV_VERSION_POLL_MS: '3600000',
    GOVNAV_QUIET: '1',
  };
  const webs = await Promise.all([1, 2].map(() => start(['serve', '--port', '0', '--no-snapshot'], env, /open (http:\/\/\S+?)\/\s/)));
  const [web1, web2] = webs.map((w) => w.match[1]!);
  const workers = await Promise.all([1, 2].map(() => start(['worker', '--concurrency', '1'], env, /worker (\S+) ready/)));
  for (const base of [web1!, web2!]) assert.equal((await get(base, '/readyz')).status, 200);

  // A classify job (slow fake provider, two requests in flight) and an ingest job.
  const classify = await submitJob(store, 'classify', { provider: 'openai', concurrency: 2, selection: { taxonomies: ['mitigation-v2'] }, batchSize: 4 }, { databaseUrl });
  const md = join(tmp, 'policy.md');
  writeFileSync(md, '# Model safety policy\n\n' + Array.from({ length: 12 }, (_, i) => `- Providers must test model ${i} for dangerous capabilities before release.`).join('\n') + '\n');
  const ingest = await submitJob(store, 'ingest', await ingestParams([md], { organisation: 'Example Ministry', type: 'policy' }), { databaseUrl });

  // Mid-job: some labels written, not all. Both web processes serve meanwhile.
  let running: JobRow | undefined;
  await followJob(store, classify.id, (j) => {
    if (j.state === 'running' && (j.progress.done ?? 0) >= 8 && !running) running = j;
  }, { everyMs: 50, signal: { get aborted() { return !!running; } } as AbortSignal });
  assert.ok(running, 'the classify job should be running');
  for (const base of [web1!, web2!]) {
    assert.equal((await get(base, '/healthz')).status, 200);
    assert.equal((await get(base, '/search?q=red+team')).status, 200);
  }
  const pid = Number(/^[^:]*:(\d+):/.exec(running!.worker ?? '')?.[1]);
  const victim = workers.find((w) => w.child.pid === pid);
  assert.ok(victim, `the job's worker (${running!.worker}) is one of ours`);
  victim!.child.kill('SIGKILL');
  await new Promise((r) => victim!.child.once('exit', r));
  const atKill = (await getJob(store.db, classify.id))!;
  assert.notEqual(atKill.state, 'completed', 'the job must still be open when its worker is killed');

  const finished = await followJob(store, classify.id, () => {}, { everyMs: 200 });
  assert.equal(finished.state, 'completed', finished.error ?? '');
  assert.ok(finished.attempts >= 2, 'the job was retried after its worker died');
  const survivor = workers.find((w) => w !== victim)!;
  assert.match(finished.worker ?? '', new RegExp(`:${survivor.child.pid}:`));
  const labels = parseRows(z.object({ statement_id: z.string(), n: z.coerce.number() }), await store.db.query(
    `SELECT statement_id, count(*)::int AS n FROM classifications WHERE taxonomy = 'mitigation-v2' GROUP BY statement_id`,
  ), 'test rows');
  assert.equal(labels.length, N, 'no label missing');
  assert.deepEqual(labels.filter((l) => l.n !== 1), [], 'no label duplicated');
  const open = await store.db.query(`SELECT 1 FROM classify_run_items WHERE run_id = $1 AND status NOT IN ('labelled')`, [finished.checkpoint.runId]);
  assert.equal(open.length, 0);

  const ingested = await followJob(store, ingest.id, () => {}, { everyMs: 200 });
  assert.equal(ingested.state, 'completed', ingested.error ?? '');
  const docId = (ingested.result as { documents: { documentId: string }[] }).documents[0]!.documentId;
  assert.equal((await store.db.query('SELECT 1 FROM documents WHERE id = $1', [docId])).length, 1);

  // A page cached in process 1, then a reviewer accepts its label through process 2.
  const sid = ids.get('s0')!;
  const page = `/m/${sid}`;
  const first = await get(web1!, page);
  assert.equal(first.status, 200);
  assert.match(first.text, /not reviewed/);
  const again = await get(web1!, page);
  assert.equal(again.cache, 'hit');
  const [label] = parseRows(z.object({ id: z.coerce.number() }), await store.db.query(`SELECT id FROM classifications WHERE statement_id = $1 AND taxonomy = 'mitigation-v2'`, [sid]), 'test rows');
  await createUser(store.db, { username: 'rev', password: 'a long password 3', role: 'reviewer' });
  const b = await browser(web2!).signIn('rev', 'a long password 3');
  const decided = await b.post(`/review/label/${label!.id}/accept`, { back: page });
  assert.equal(decided.status, 303);
  // Process 1 drops its page when the notification of that commit arrives (its periodic poll is off).
  let fresh = await get(web1!, page);
  for (let i = 0; i < 100 && !/reviewed and accepted/.test(fresh.text); i++) {
    await new Promise((r) => setTimeout(r, 100));
    fresh = await get(web1!, page);
  }
  assert.match(fresh.text, /reviewed and accepted/, 'process 1 serves the page as it is after the write');

  // Graceful shutdown: SIGTERM; the process answers nothing new and exits cleanly.
  const w1 = webs[0]!.child;
  w1.kill('SIGTERM');
  const code = await new Promise((r) => w1.once('exit', (c) => r(c)));
  assert.equal(code, 0);
  survivor.child.kill('SIGTERM');
  assert.equal(await new Promise((r) => survivor.child.once('exit', (c) => r(c))), 0);
});

// Jobs on both engines: in-process on PGlite; on PostgreSQL queued through pg-boss and run by a
// worker, with progress, retries with backoff into the dead state, cancel and retry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { cancelJob, followJob, getJob, retryJob, startWorker, submitJob, type JobRow } from '../../src/jobs/index.ts';
import { dropQueueSchema } from '../../src/jobs/queue.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { startFakeProvider, type FakeProvider } from '../classify/llm/fake-provider.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';
import { jobs as jobsTable } from '../../src/store/schema/tables.ts';

const stores: Store[] = [];
const servers: FakeProvider[] = [];
after(async () => {
  for (const s of servers) await s.close();
  for (const s of stores) {
    if (s.db.kind === 'postgres') await dropQueueSchema(s.db).catch(() => {});
    await s.close();
  }
});

const provenance = { dataset: 'jobs-test', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'test' };
async function storeWith(n: number): Promise<Store> {
  const store = await openTestStore();
  stores.push(store);
  await upsertDataset(store.db, { id: 'jobs-test', version: '1', licence: 'CC-BY-4.0', attribution: 'test' });
  const { id } = await upsertDocument(store.db, { sourceKey: 'd1', title: 'Safety Framework', organisation: 'Lab', year: 2025, docType: 'framework', provenance });
  const st: StatementInput[] = Array.from({ length: n }, (_, i) => ({ sourceKey: `s${i}`, kind: 'mitigation', ord: i, name: `s${i}`, text: `Measure ${i}: red team the model before release. [answer 1.1]` }));
  await upsertStatements(store.db, id, st);
  return store;
}

async function fakeLlm(latencyMs = 0): Promise<void> {
  const server = await startFakeProvider({ wire: 'openai', apiKey: 'test-key', latencyMs });
  servers.push(server);
  process.env.OPENAI_BASE_URL = server.baseUrl;
  process.env.GOVNAV_LLM_API_KEY = 'test-key';
  process.env.GOVNAV_LLM_MODEL = 'fake-gpt-2025-01-01';
}

const classifyParams = { provider: 'openai', selection: { taxonomies: ['mitigation-v2'] }, batchSize: 5 };
const labelCounts = (s: Store) =>
  s.db.query(
    `SELECT statement_id, count(*)::int AS n FROM classifications WHERE taxonomy = 'mitigation-v2' GROUP BY statement_id ORDER BY statement_id`,
  ).then((r) => parseRows(z.object({ statement_id: z.string(), n: z.coerce.number() }), r, 'test rows'));

test('a job runs in the submitting process when there is no queue (PGlite, or inline on PostgreSQL)', async () => {
  await fakeLlm();
  const store = await storeWith(6);
  const job = await submitJob(store, 'classify', classifyParams, { inline: true });
  assert.equal(job.engine, 'inline');
  assert.equal(job.state, 'completed', job.error ?? '');
  assert.equal(job.progress.done, 6);
  assert.equal(job.progress.total, 6);
  assert.ok(typeof job.checkpoint.runId === 'string');
  const counts = await labelCounts(store);
  assert.equal(counts.length, 6);
  assert.ok(counts.every((c) => c.n === 1));
  // a finished job cannot be cancelled, and a failing inline job is recorded as failed
  await assert.rejects(() => cancelJob(store, job.id), /completed/);
  await assert.rejects(() => submitJob(store, 'release', { version: 'not a version!', outDir: '/nonexistent' }, { inline: true }), /not valid/);
  const [failed] = parseRows(jobsTable.row, await store.db.query(`SELECT * FROM jobs WHERE kind = 'release'`), 'test rows');
  assert.equal(failed!.state, 'failed');
  assert.match(failed!.error ?? '', /not valid/);
});

const pgOnly = ENGINE === 'postgres' ? false : 'queued jobs and workers need PostgreSQL (set DATABASE_URL); on PGlite jobs run in-process (tested above)';

test('PostgreSQL: a queued job is run by a worker, with progress; a failing job retries with backoff and ends dead; cancel; retry', { skip: pgOnly }, async () => {
  await fakeLlm();
  process.env.GOVNAV_JOB_RETRY_DELAY = '1';
  process.env.GOVNAV_JOB_ATTEMPTS = '2';
  process.env.GOVNAV_JOB_POLL_SECONDS = '0.5';
  process.env.GOVNAV_JOB_HEARTBEAT_MS = '500';
  const store = await storeWith(8);
  const databaseUrl = process.env.DATABASE_URL!;
  const ok = await submitJob(store, 'classify', classifyParams, { databaseUrl });
  const bad = await submitJob(store, 'release', { version: 'not a version!', outDir: '/nonexistent' }, { databaseUrl });
  const queued = await submitJob(store, 'topics-link', {}, { databaseUrl });
  assert.equal(ok.engine, 'queue');
  assert.equal(ok.state, 'queued');
  assert.ok(ok.boss_id);
  // cancelled before any worker runs it: no worker ever starts it
  assert.equal((await cancelJob(store, queued.id, { databaseUrl })).state, 'cancelled');

  const worker = await startWorker({ store, databaseUrl, concurrency: 2, log: () => {} });
  try {
    const seen: JobRow[] = [];
    const done = await followJob(store, ok.id, (j) => seen.push(j), { everyMs: 100 });
    assert.equal(done.state, 'completed', done.error ?? '');
    assert.equal(done.attempts, 1);
    assert.equal(done.progress.done, 8);
    // It ran on a worker (the follower may poll too seldom to see the short 'running' state itself).
    assert.ok(done.started_at, 'the worker recorded when it started the job');
    assert.ok(seen.every((j) => ['queued', 'running', 'completed'].includes(j.state)), seen.map((j) => j.state).join(','));
    assert.ok((await labelCounts(store)).every((c) => c.n === 1));
    assert.equal((await labelCounts(store)).length, 8);

    const dead = await followJob(store, bad.id, () => {}, { everyMs: 100 });
    assert.equal(dead.state, 'dead');
    assert.equal(dead.attempts, 2);
    assert.match(dead.error ?? '', /not valid/);

    assert.equal((await getJob(store.db, queued.id))!.attempts, 0);
    // retry puts the cancelled job back in the queue; the worker runs it
    await retryJob(store, queued.id, { databaseUrl });
    const linked = await followJob(store, queued.id, () => {}, { everyMs: 100 });
    assert.equal(linked.state, 'completed', linked.error ?? '');
  } finally {
    await worker.stop();
    for (const k of ['GOVNAV_JOB_RETRY_DELAY', 'GOVNAV_JOB_ATTEMPTS', 'GOVNAV_JOB_POLL_SECONDS', 'GOVNAV_JOB_HEARTBEAT_MS']) delete process.env[k];
  }
});

test('PostgreSQL: cancelling a running job stops it after its current batch; what it wrote stays, nothing twice', { skip: pgOnly }, async () => {
  const server = await startFakeProvider({ wire: 'openai', apiKey: 'test-key', latencyMs: 150 });
  servers.push(server);
  process.env.OPENAI_BASE_URL = server.baseUrl;
  process.env.GOVNAV_LLM_API_KEY = 'test-key';
  process.env.GOVNAV_LLM_MODEL = 'fake-gpt-2025-01-01';
  process.env.GOVNAV_JOB_POLL_SECONDS = '0.5';
  process.env.GOVNAV_JOB_HEARTBEAT_MS = '200';
  const store = await storeWith(40);
  const databaseUrl = process.env.DATABASE_URL!;
  const job = await submitJob(store, 'classify', { ...classifyParams, concurrency: 1, batchSize: 2 }, { databaseUrl });
  const worker = await startWorker({ store, databaseUrl, concurrency: 1, log: () => {} });
  try {
    let started = false;
    await followJob(store, job.id, (j) => {
      if (j.state === 'running' && (j.progress.done ?? 0) >= 2) started = true;
    }, { everyMs: 50, signal: { get aborted() { return started; } } as AbortSignal });
    await cancelJob(store, job.id, { databaseUrl });
    // the worker notices at its next heartbeat and lets go of the job
    for (let i = 0; i < 200 && worker.running().length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(worker.running(), []);
    const after = (await getJob(store.db, job.id))!;
    assert.equal(after.state, 'cancelled');
    const counts = await labelCounts(store);
    assert.ok(counts.length > 0 && counts.length < 40, `some labels written, not all (${counts.length})`);
    assert.ok(counts.every((c) => c.n === 1));
    const items = parseRows(z.object({ status: z.string(), n: z.coerce.number() }), await store.db.query(
      `SELECT status, count(*)::int AS n FROM classify_run_items WHERE run_id = $1 GROUP BY status`, [after.checkpoint.runId]), 'test rows');
    assert.equal(items.find((i) => i.status === 'labelled')?.n, counts.length, 'labels and finished items agree');
    assert.equal(items.find((i) => i.status === 'claimed'), undefined, 'no claim is left behind');
  } finally {
    await worker.stop();
    for (const k of ['GOVNAV_JOB_POLL_SECONDS', 'GOVNAV_JOB_HEARTBEAT_MS']) delete process.env[k];
  }
});

// The classify pipeline end to end against the loopback fake providers and a real store: what is
// stored for every kind of answer, nothing lost, nothing stored twice, no call repeated on resume,
// workers sharing a run, fatal errors, dry runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { LlmClassifier } from '../../src/classify/llm/classifier.ts';
import { DbCache } from '../../src/classify/llm/cache.ts';
import { createRun, dryRun, planItems, runClassification, runCounts, type RunParams, type RunSummary } from '../../src/classify/pipeline.ts';
import type { Classifier, ClassifyResult } from '../../src/classify/types.ts';
import { upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { startFakeProvider, type FakeProvider, type Wire } from './llm/fake-provider.ts';
import { testPrompts, testRegistry, testSettings } from './llm/fixtures.ts';

const registry = testRegistry();
const prompts = testPrompts();
const servers: FakeProvider[] = [];
const stores: Store[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const s of stores) await s.close();
});

const provenance = { dataset: 'pipeline-test', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'test' };

async function storeWith(statements: StatementInput[]): Promise<{ store: Store; ids: Map<string, string> }> {
  const store = await openTestStore({ registry });
  stores.push(store);
  await upsertDataset(store.db, { id: 'pipeline-test', version: '1', licence: 'CC-BY-4.0', attribution: 'test' });
  const { id } = await upsertDocument(store.db, { sourceKey: 'd1', title: 'Safety Framework', organisation: 'Lab', year: 2025, docType: 'framework', provenance });
  const r = await upsertStatements(store.db, id, statements);
  return { store, ids: r.ids };
}

const mit = (key: string, text: string, ord = 0): StatementInput => ({ sourceKey: key, kind: 'mitigation', ord, name: key, text });
const risk = (key: string, text: string, ord = 0): StatementInput => ({ sourceKey: key, kind: 'risk', ord, name: key, text });

async function fake(wire: Wire, latencyMs = 0, apiKey = 'test-key') {
  const server = await startFakeProvider({ wire, apiKey, latencyMs });
  servers.push(server);
  return server;
}

function llm(store: Store, wire: Wire, server: FakeProvider, extra: Parameters<typeof testSettings>[2] = {}) {
  return new LlmClassifier({ settings: testSettings(wire, server.baseUrl, extra), registry, prompts, cache: new DbCache(store.db) });
}

const paramsOf = (c: LlmClassifier, sel: Partial<RunParams> = {}): RunParams => ({ provider: c.settings.provider, model: c.settings.model, ...sel });

interface Row {
  statement_id: string;
  taxonomy: string;
  code: string;
  secondary: string[];
  source: string;
  model: string | null;
  model_version: string | null;
  prompt_version: string | null;
  reasoning: string | null;
  confidence: number | null;
  run_id: string | null;
  is_current: boolean;
}
const labels = (s: Store) => s.db.query<Row>('SELECT * FROM classifications ORDER BY statement_id, taxonomy, id');
const items = (s: Store, runId: string) =>
  s.db.query<{ statement_id: string; taxonomy: string; status: string; code: string | null; error: string | null; cached: boolean }>(
    'SELECT * FROM classify_run_items WHERE run_id = $1 ORDER BY ord',
    [runId],
  );

for (const wire of ['openai', 'anthropic'] as const) {
  test(`${wire}: every kind of answer is stored correctly and nothing is lost`, async () => {
    const { store, ids } = await storeWith([
      mit('ok', 'Red team the model. [answer 2.2] [secondary 1.2]', 0),
      mit('abstain', 'Be responsible. [abstain]', 1),
      mit('r429', 'Limits. [flaky-429] [answer 1.1]', 2),
      mit('r500', 'Errors. [flaky-500] [answer 2.1]', 3),
      mit('hang', 'Slow. [hang-once] [answer 1.2]', 4),
      mit('trunc', 'Cut. [truncated-once] [answer 2.2]', 5),
      mit('bad', 'Bad. [invalid]', 6),
      mit('wrong', 'Mixed. [wrong-taxonomy 7.1]', 7),
      mit('env', 'Odd. [envelope]', 8),
      mit('long', 'Wordy. [long-reasoning]', 9),
    ]);
    const server = await fake(wire);
    const c = llm(store, wire, server, { timeoutMs: 1500, concurrency: 4 });
    const summary = await runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['tm'] }), concurrency: 4, batchSize: 3 });
    assert.equal(summary.total, 10);
    assert.equal(summary.labelled, 5);
    assert.equal(summary.abstained, 1);
    assert.equal(summary.failed, 4);
    assert.equal(summary.remaining, 0);
    assert.equal(summary.status, 'done');
    assert.ok(summary.inputTokens > 0 && summary.outputTokens > 0);
    assert.ok(summary.costUsd! > 0);

    const rows = await labels(store);
    const by = new Map(rows.map((r) => [r.statement_id, r]));
    assert.equal(rows.length, 6, 'five labels and one abstention; failures store no label');
    const ok = by.get(ids.get('ok')!)!;
    assert.equal(ok.code, '2.2');
    assert.deepEqual(ok.secondary, ['1.2']);
    assert.equal(ok.source, 'llm');
    assert.equal(ok.model, c.settings.model);
    assert.equal(ok.model_version, wire === 'openai' ? 'fake-gpt-2025-01-01' : 'fake-claude-20250101');
    assert.equal(ok.prompt_version, 'tm-test@3');
    assert.match(ok.reasoning!, /2\.2/);
    assert.ok(Math.abs(ok.confidence! - 0.8) < 1e-6);
    assert.equal(ok.run_id, summary.runId);
    assert.equal(ok.is_current, true);
    assert.equal(by.get(ids.get('abstain')!)!.code, '99.9', 'an abstention is stored with the abstain code');
    for (const [k, code] of [['r429', '1.1'], ['r500', '2.1'], ['hang', '1.2'], ['trunc', '2.2']] as const) assert.equal(by.get(ids.get(k)!)?.code, code, k);
    for (const k of ['bad', 'wrong', 'env', 'long']) assert.equal(by.get(ids.get(k)!), undefined, `${k}: no label stored`);

    const its = await items(store, summary.runId);
    assert.ok(its.every((i) => ['labelled', 'abstained', 'failed'].includes(i.status)));
    const failed = new Map(its.filter((i) => i.status === 'failed').map((i) => [i.statement_id, i.error!]));
    assert.match(failed.get(ids.get('bad')!)!, /"42\.42" is not a code of tm/);
    assert.match(failed.get(ids.get('wrong')!)!, /belongs to tr/);
    assert.match(failed.get(ids.get('env')!)!, /malformed/);
    assert.match(failed.get(ids.get('long')!)!, /at most 500 characters/);
    assert.deepEqual(
      summary.failures.map((f) => f.statementId).sort(),
      ['bad', 'wrong', 'env', 'long'].map((k) => ids.get(k)!).sort(),
    );

    // Requests the server saw: one each, two for the retried ones, two for answers refused twice.
    assert.equal(server.countFor('[answer 2.2] [secondary'), 1);
    assert.equal(server.countFor('[flaky-429]'), 2);
    assert.equal(server.countFor('[flaky-500]'), 2);
    assert.equal(server.countFor('[hang-once]'), 2);
    assert.equal(server.countFor('[truncated-once]'), 2);
    assert.equal(server.countFor('[invalid]'), 2);
    assert.equal(server.countFor('[envelope]'), 1);
    const seen = server.requests.length;

    // The same command again: a new run (the first is done), answered from the cache, nothing stored twice.
    const again = await runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['tm'] }), concurrency: 4 });
    assert.notEqual(again.runId, summary.runId);
    assert.equal(again.resumed, false);
    assert.equal(server.requests.length, seen + 1, 'only the malformed envelope (never cached) is asked again');
    assert.equal(again.cached, 6);
    assert.equal(again.unchanged, 6);
    assert.equal((await labels(store)).length, 6);

    // --only-unlabelled plans only the items without a current label: the four failures.
    const rest = await runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['tm'], onlyUnlabelled: true }) });
    assert.equal(rest.total, 4);
  });
}

test('every taxonomy that applies to a statement kind is labelled; --limit and kinds select statements', async () => {
  const { store, ids } = await storeWith([
    mit('m1', 'A. [answer 1.1]', 0),
    mit('m2', 'B. [answer 1.2]', 1),
    risk('r1', 'C. [answer 7.1]', 2),
  ]);
  const server = await fake('openai');
  const c = llm(store, 'openai', server);
  const dr = await dryRun({ db: store.db, registry, classifier: c, params: paramsOf(c) });
  // tm and ts apply to mitigations; ts and tr to risks. The fake answers 1.1/1.2/7.1, which ts does not have.
  assert.deepEqual(dr.perTaxonomy, { tm: 2, ts: 3, tr: 1 });
  const limited = await dryRun({ db: store.db, registry, classifier: c, params: paramsOf(c, { limit: 1 }) });
  assert.equal(limited.statements, 1);
  const risks = await dryRun({ db: store.db, registry, classifier: c, params: paramsOf(c, { kinds: ['risk'] }) });
  assert.deepEqual(risks.perTaxonomy, { ts: 1, tr: 1 });
  const s = await runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c) });
  assert.equal(s.total, 6);
  const rows = await labels(store);
  assert.deepEqual(
    rows.map((r) => `${r.statement_id} ${r.taxonomy} ${r.code}`).sort(),
    [`${ids.get('m1')} tm 1.1`, `${ids.get('m2')} tm 1.2`, `${ids.get('r1')} tr 7.1`].sort(),
  );
  assert.equal(s.failed, 3, 'ts answers were refused (codes of other taxonomies), recorded as failures');
  await assert.rejects(runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['nope'] }) }), /Unknown taxonomy "nope"/);
});

test('dry run: counts and estimates, calls nothing, writes nothing', async () => {
  const { store } = await storeWith([mit('a', 'First. [answer 1.1]', 0), mit('b', 'Second. [answer 2.1]', 1)]);
  const server = await fake('openai');
  const c = llm(store, 'openai', server);
  const cache = new DbCache(store.db);
  const report = await dryRun(
    { db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['tm'] }) },
    {
      estimate: async (input, t) => {
        const { request, promptVersion } = c.firstRequest(input, t);
        const cached = !!(await cache.get(c.client.cacheKey(request, promptVersion)));
        return { inputTokens: (request.system.length + request.messages[0]!.content.length) / 4, outputTokens: 100, cached };
      },
      price: () => 0.5,
    },
  );
  assert.equal(report.items, 2);
  assert.ok(report.estInputTokens > 50);
  assert.equal(report.estOutputTokens, 200);
  assert.equal(report.estCostUsd, 0.5);
  assert.equal(server.requests.length, 0);
  assert.equal((await store.db.query('SELECT 1 FROM classify_runs')).length, 0);
});

/** n plain statements, each answered with a code chosen by its index. */
function plain(n: number): StatementInput[] {
  return Array.from({ length: n }, (_, i) => mit(`s${String(i).padStart(3, '0')}`, `Plain statement ${i}. [answer ${i % 2 ? '1.1' : '2.1'}]`, i));
}

async function assertEachLabelledOnce(store: Store, expected: number) {
  const rows = await store.db.query<{ statement_id: string; taxonomy: string; n: number }>(
    'SELECT statement_id, taxonomy, count(*)::int AS n FROM classifications GROUP BY statement_id, taxonomy',
  );
  assert.equal(rows.length, expected, 'every item has a label');
  assert.ok(rows.every((r) => r.n === 1), 'and exactly one');
}

test('an interrupted run resumes where it stopped and repeats no call', async () => {
  const { store } = await storeWith(plain(24));
  const server = await fake('anthropic', 30);
  const c = llm(store, 'anthropic', server, { concurrency: 4 });
  const params = paramsOf(c, { taxonomies: ['tm'] });
  const ac = new AbortController();
  const first = await runClassification({
    db: store.db,
    registry,
    classifier: c,
    params,
    concurrency: 4,
    batchSize: 4,
    signal: ac.signal,
    onProgress: (e) => {
      if (e.done >= 9) ac.abort();
    },
  });
  assert.equal(first.stopped, true);
  assert.equal(first.status, 'stopped');
  assert.ok(first.remaining > 0 && first.remaining < 24, `stopped part way (${first.remaining} left)`);
  const counts = await runCounts(store.db, first.runId);
  assert.equal(counts.claimed, 0, 'nothing is left claimed');
  assert.equal(counts.labelled, 24 - first.remaining, 'what finished is stored');
  const seenBefore = server.requests.length;
  assert.equal(seenBefore, 24 - first.remaining, 'requests in flight at the stop were finished and stored, not dropped');

  // The same command again resumes the same run.
  const second = await runClassification({ db: store.db, registry, classifier: c, params, concurrency: 4, batchSize: 4 });
  assert.equal(second.runId, first.runId);
  assert.equal(second.resumed, true);
  assert.equal(second.alreadyDone, 24 - first.remaining);
  assert.equal(second.labelled, first.remaining);
  assert.equal(second.status, 'done');
  assert.equal(server.requests.length, 24);
  assert.equal(new Set(server.requests.map((r) => r.key)).size, 24, 'the server saw no repeated request');
  await assertEachLabelledOnce(store, 24);
});

test('a hard stop aborts requests in flight; resuming finishes every item exactly once', async () => {
  const { store } = await storeWith(plain(16));
  const server = await fake('openai', 40);
  const c = llm(store, 'openai', server, { concurrency: 4 });
  const params = paramsOf(c, { taxonomies: ['tm'] });
  const hard = new AbortController();
  const first = await runClassification({
    db: store.db,
    registry,
    classifier: c,
    params,
    concurrency: 4,
    batchSize: 2,
    hardSignal: hard.signal,
    onProgress: (e) => {
      if (e.done >= 5) hard.abort();
    },
  });
  assert.equal(first.stopped, true);
  const resumed = await runClassification({ db: store.db, registry, classifier: c, params, resume: first.runId, concurrency: 4 });
  assert.equal(resumed.status, 'done');
  await assertEachLabelledOnce(store, 16);
  // Only requests cut off in flight (at most the concurrency) can have been sent twice.
  const repeats = server.requests.length - new Set(server.requests.map((r) => r.key)).size;
  assert.ok(repeats <= 4, `${repeats} repeated`);
});

test('two workers share one run: every item is done once, no request is sent twice', async () => {
  const { store } = await storeWith(plain(30));
  const server = await fake('openai', 20);
  const a = llm(store, 'openai', server, { concurrency: 3 });
  const b = llm(store, 'openai', server, { concurrency: 3 });
  const params = paramsOf(a, { taxonomies: ['tm'] });
  const dr = await dryRun({ db: store.db, registry, classifier: a, params });
  assert.equal(dr.items, 30);
  // Worker A creates the run; worker B joins it by id as soon as it exists.
  let runId = '';
  let joined: Promise<RunSummary> | undefined;
  const sa = await runClassification({
    db: store.db,
    registry,
    classifier: a,
    params,
    concurrency: 3,
    batchSize: 2,
    onStart: ({ run }) => {
      runId = run.id;
      joined = runClassification({ db: store.db, registry, classifier: b, params, resume: run.id, concurrency: 3, batchSize: 2 });
    },
  });
  const sb = await joined!;
  assert.equal(sb.runId, runId);
  assert.equal(sa.labelled + sb.labelled, 30);
  assert.ok(sb.labelled > 0 && sa.labelled > 0, `both workers did work (A ${sa.labelled}, B ${sb.labelled})`);
  assert.equal(server.requests.length, 30);
  assert.equal(new Set(server.requests.map((r) => r.key)).size, 30);
  await assertEachLabelledOnce(store, 30);
  const [run] = await store.db.query<{ status: string }>('SELECT status FROM classify_runs WHERE id = $1', [runId]);
  assert.equal(run!.status, 'done');
  const workers = await store.db.query<{ worker: string }>('SELECT DISTINCT worker FROM classify_run_items WHERE run_id = $1', [runId]);
  assert.equal(workers.length, 2, 'items record which worker finished them');
});

test('wrong credentials stop the run: no failures recorded, items stay pending for a later resume', async () => {
  const { store } = await storeWith(plain(6));
  const server = await fake('openai', 0, 'the-right-key');
  const c = llm(store, 'openai', server);
  await assert.rejects(
    runClassification({ db: store.db, registry, classifier: c, params: paramsOf(c, { taxonomies: ['tm'] }), concurrency: 2 }),
    (e: Error & { summary?: RunSummary }) => {
      assert.match(e.message, /HTTP 401.*OPENAI_API_KEY/);
      assert.equal(e.summary!.failed, 0);
      assert.equal(e.summary!.remaining, 6);
      return true;
    },
  );
  assert.equal((await labels(store)).length, 0);
  const [run] = await store.db.query<{ id: string; status: string }>('SELECT id, status FROM classify_runs');
  assert.equal(run!.status, 'stopped');
  assert.equal((await runCounts(store.db, run!.id)).pending, 6);
});

test('a classifier that returns an invalid code never gets it stored', async () => {
  const { store, ids } = await storeWith([mit('a', 'x', 0), mit('b', 'y', 1), mit('c', 'z', 2)]);
  const broken: Classifier = {
    name: 'broken',
    supports: (t) => t === 'tm',
    classify: async (input, taxonomy): Promise<ClassifyResult> => {
      const code = input.text === 'x' ? '1.1' : input.text === 'y' ? '7.1' : null;
      if (input.text === 'z') throw new Error('model file missing');
      return { taxonomy, code, reasoning: 'because', confidence: 0.5, provenance: { source: 'embedded', model: 'govnav-embedded', modelVersion: 'tm@1' } };
    },
  };
  const s = await runClassification({ db: store.db, registry, classifier: broken, params: { provider: 'embedded', taxonomies: ['tm'] } });
  assert.equal(s.labelled, 1);
  assert.equal(s.failed, 2);
  assert.match(s.failures.find((f) => f.statementId === ids.get('b'))!.reason, /"7\.1", which is not an assignable code of tm/);
  assert.match(s.failures.find((f) => f.statementId === ids.get('c'))!.reason, /model file missing/);
  const rows = await labels(store);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.source, 'embedded');
  assert.equal(rows[0]!.model_version, 'tm@1');
  assert.equal(s.costUsd, 0);
});

test('claims left by a dead worker are taken over (same host at once with PGlite, other hosts after the lease)', async () => {
  const { store } = await storeWith(plain(4));
  const server = await fake('openai');
  const c = llm(store, 'openai', server);
  const params = paramsOf(c, { taxonomies: ['tm'] });
  const run = await createRun(store.db, params, await planItems(store.db, registry, params, (t) => c.supports(t)));
  // A worker on another machine claimed three items and died: two claims are old, one is fresh.
  await store.db.query(
    `UPDATE classify_run_items SET status = 'claimed', worker = 'elsewhere:4242:abcd',
       claimed_at = CASE WHEN ord < 2 THEN now() - interval '1 hour' ELSE now() END
     WHERE run_id = $1 AND ord < 3`,
    [run.id],
  );
  const s = await runClassification({ db: store.db, registry, classifier: c, params, resume: run.id, leaseSeconds: 600 });
  if (ENGINE === 'pglite') {
    // Only one process can open a PGlite database, so every other worker is gone.
    assert.equal(s.labelled, 4);
    assert.equal(s.status, 'done');
  } else {
    assert.equal(s.labelled, 3, 'the two expired claims and the pending item');
    assert.equal(s.remaining, 1, 'the fresh claim of the other host is left to it');
    assert.equal(s.status, 'running');
  }
  assert.equal(new Set(server.requests.map((r) => r.key)).size, server.requests.length);
});

// The review queue, decisions and tallies, on PGlite and (with DATABASE_URL) on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.ts';
import {
  acceptLabels,
  correctLabel,
  parseWhere,
  queueFilter,
  rejectLabels,
  reviewedPairs,
  reviewerName,
  reviewQueue,
  ReviewError,
  ReviewSession,
  reviewStats,
} from '../../src/review/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { fillReviewStore, snapshot, type Fixture } from './fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

async function withFixture(fn: (s: Store, f: Fixture) => Promise<void>) {
  const s = await openTestStore();
  try {
    await fn(s, await fillReviewStore(s));
  } finally {
    await s.close();
  }
}

/** Label ids of the queue, computed independently in SQL (optionally with an extra condition). */
async function sqlQueue(store: Store, extra = 'true', params: unknown[] = []): Promise<number[]> {
  const rows = parseRows(z.object({ id: z.coerce.number() }), await store.db.query(
    `SELECT c.id FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
     WHERE c.is_current AND NOT c.human AND c.review_status = 'unreviewed' AND s.retired_at IS NULL AND d.retired_at IS NULL
       AND (${extra})
     ORDER BY coalesce(c.confidence, 0), c.id`,
    params,
  ), 'test rows');
  return rows.map((r) => Number(r.id));
}

const ids = async (store: Store, filter: Parameters<typeof queueFilter>[1]) =>
  (await reviewQueue(store.db, store.taxonomies, queueFilter(store.taxonomies, { limit: 1000, ...filter }))).items.map((i) => i.labelId);

async function label(store: Store, id: number) {
  const [r] = parseRows(z.object({ code: z.string(), source: z.string(), human: z.boolean(), review_status: z.string(), reviewer: z.string().nullable(), reviewed_at: z.date().nullable(), is_current: z.boolean(), reasoning: z.string().nullable() }), await store.db.query(
    'SELECT code, source, human, review_status, reviewer, reviewed_at, is_current, reasoning FROM classifications WHERE id = $1',
    [id],
  ), 'test rows');
  return r;
}

async function current(store: Store, statementId: string, taxonomy: string) {
  const rows = parseRows(z.object({ id: z.coerce.number(), code: z.string(), source: z.string() }), await store.db.query(
    'SELECT id, code, source FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
  ), 'test rows');
  assert.ok(rows.length <= 1, 'at most one current label');
  return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : undefined;
}

test(`[${ENGINE}] the queue holds exactly the unreviewed current machine labels, lowest confidence first`, () =>
  withFixture(async (store, f) => {
    const { total, items } = await reviewQueue(store.db, store.taxonomies, { limit: 100 });
    const expected = [
      f.label('m4', 'risk-domain', 'embedded'), // no confidence: counts as 0
      f.label('m3', 'risk-domain', 'embedded'), // 0.15
      f.label('m1', 'lifecycle', 'embedded'), // 0.45
      f.label('r1', 'risk-domain', 'llm'), // 0.55
      f.label('m2', 'lifecycle', 'llm'), // 0.60
      f.label('m2', 'risk-domain', 'llm'), // 0.70
      f.label('r2', 'risk-domain', 'embedded'), // 0.80
      f.label('m4', 'lifecycle', 'embedded'), // 0.90
    ];
    assert.deepEqual(items.map((i) => i.labelId), expected);
    assert.equal(total, 8);
    assert.deepEqual(expected, await sqlQueue(store));
    // Not in the queue: the human label, labels hidden behind a better one, the retired document's label.
    for (const hidden of [f.label('m1', 'risk-domain', 'imported'), f.label('m1', 'risk-domain', 'embedded'), f.label('m2', 'risk-domain', 'embedded'), f.label('m6', 'risk-domain', 'embedded')])
      assert.ok(!expected.includes(hidden));
    // Items carry the statement and the label's evidence.
    const m2 = items.find((i) => i.labelId === f.label('m2', 'risk-domain', 'llm'))!;
    assert.equal(m2.code, '2.2');
    assert.equal(m2.codeName, store.taxonomies.get('risk-domain').name('2.2'));
    assert.equal(m2.confidence, 0.7);
    assert.equal(m2.model, 'gpt-test');
    assert.equal(m2.promptVersion, 'rd-1');
    assert.equal(m2.reasoning, 'probing for security flaws');
    assert.equal(m2.statementName, 'Red-team the model');
    assert.equal(m2.documentTitle, 'Frontier safety framework');
    // Ordering by id, limit and offset.
    assert.deepEqual(await ids(store, { order: 'id' }), [...expected].sort((a, b) => a - b));
    const page = await reviewQueue(store.db, store.taxonomies, { limit: 3, offset: 2 });
    assert.deepEqual(page.items.map((i) => i.labelId), expected.slice(2, 5));
    assert.equal(page.total, 8);
  }));

test(`[${ENGINE}] every queue filter agrees with SQL`, () =>
  withFixture(async (store, f) => {
    const rd = await ids(store, { taxonomies: ['risk-domain'] });
    assert.deepEqual(rd, await sqlQueue(store, `c.taxonomy = 'risk-domain'`));
    assert.equal(rd.length, 5);
    const llm = await ids(store, { sources: ['llm'] });
    assert.deepEqual(llm, await sqlQueue(store, `c.source = 'llm'`));
    assert.deepEqual(llm, [f.label('r1', 'risk-domain', 'llm'), f.label('m2', 'lifecycle', 'llm'), f.label('m2', 'risk-domain', 'llm')]);
    assert.deepEqual(await ids(store, { sources: ['embedded'] }), await sqlQueue(store, `c.source = 'embedded'`));
    assert.deepEqual(await ids(store, { model: 'gpt-test' }), [f.label('r1', 'risk-domain', 'llm'), f.label('m2', 'risk-domain', 'llm')]);
    // At most 0.6: includes 0.6 itself and the label without a confidence.
    const low = await ids(store, { maxConfidence: '0.6' });
    assert.deepEqual(low, await sqlQueue(store, `coalesce(c.confidence, 0) <= 0.6::real`));
    assert.ok(low.includes(f.label('m2', 'lifecycle', 'llm')) && low.includes(f.label('m4', 'risk-domain', 'embedded')));
    assert.equal(low.length, 5);
    assert.deepEqual(await ids(store, { maxConfidence: 0.1 }), [f.label('m4', 'risk-domain', 'embedded')]);
    // The shared query model on the statements: current risk-domain label under 2, and mitigations only.
    const where = await ids(store, { where: 'risk-domain=2&kind=mitigation' });
    const sqlWhere = await sqlQueue(
      store,
      `s.kind = 'mitigation' AND EXISTS (SELECT 1 FROM classifications x WHERE x.statement_id = s.id AND x.is_current
         AND x.taxonomy = 'risk-domain' AND (x.code = '2' OR x.code LIKE '2.%'))`,
    );
    assert.deepEqual(where, sqlWhere);
    assert.deepEqual(
      new Set(where),
      new Set([
        f.label('m1', 'lifecycle', 'embedded'),
        f.label('m2', 'lifecycle', 'llm'),
        f.label('m2', 'risk-domain', 'llm'),
        f.label('m4', 'risk-domain', 'embedded'),
        f.label('m4', 'lifecycle', 'embedded'),
      ]),
    );
    // Filters combine.
    assert.deepEqual(
      await ids(store, { where: 'kind=mitigation', taxonomies: ['lifecycle'], sources: ['llm', 'embedded'], maxConfidence: 0.7 }),
      [f.label('m1', 'lifecycle', 'embedded'), f.label('m2', 'lifecycle', 'llm')],
    );
    assert.deepEqual(await ids(store, { where: 'q=watermark' }), [f.label('m3', 'risk-domain', 'embedded')]);
  }));

test(`[${ENGINE}] bad filters are refused with the parameter named`, () =>
  withFixture(async (store) => {
    const reg = store.taxonomies;
    assert.throws(() => queueFilter(reg, { taxonomies: ['colours'] }), (e: Error) => e instanceof ReviewError && /colours/.test(e.message) && /risk-domain/.test(e.message));
    assert.throws(() => queueFilter(reg, { sources: ['human'] }), /human.*llm, embedded/);
    assert.throws(() => queueFilter(reg, { maxConfidence: '1.5' }), /max-confidence/);
    assert.throws(() => queueFilter(reg, { limit: 'many' }), /limit/);
    assert.throws(() => parseWhere(reg, 'risk-domain=9.9&kind=rule'), (e: Error) => /risk-domain=9\.9/.test(e.message) && /kind=rule/.test(e.message));
    assert.deepEqual(parseWhere(reg, '?kind=risk').kinds, ['risk']);
  }));

test(`[${ENGINE}] accept records reviewer and time and takes the label out of the queue`, () =>
  withFixture(async (store, f) => {
    const id = f.label('r2', 'risk-domain', 'embedded');
    const [d] = await acceptLabels(store.db, [id], 'ada');
    assert.equal(d!.currentAfter!.labelId, id);
    const row = await label(store, id);
    assert.equal(row!.review_status, 'accepted');
    assert.equal(row!.reviewer, 'ada');
    assert.ok(row!.reviewed_at instanceof Date);
    assert.equal(row!.is_current, true);
    assert.ok(!(await ids(store, {})).includes(id));
    assert.deepEqual(await ids(store, {}), await sqlQueue(store));
    // Deciding again needs --force; human labels are not reviewed here; unknown ids are named.
    const before = await snapshot(store);
    await assert.rejects(rejectLabels(store.db, [id], 'bob'), (e: Error) => e instanceof ReviewError && /already accepted by ada/.test(e.message));
    await assert.rejects(acceptLabels(store.db, [f.label('m1', 'risk-domain', 'imported')], 'bob'), /human label/);
    // One bad id in a batch: nothing changes, not even the good ones.
    await assert.rejects(acceptLabels(store.db, [f.label('m3', 'risk-domain', 'embedded'), 999999], 'bob'), /No label with id 999999/);
    await assert.rejects(acceptLabels(store.db, [f.label('m3', 'risk-domain', 'embedded')], '  '), /reviewer name is required/);
    assert.equal(await snapshot(store), before);
    const [again] = await rejectLabels(store.db, [id], 'bob', { force: true });
    assert.equal((await label(store, id))!.review_status, 'rejected');
    assert.equal(again!.previous.status, 'accepted');
  }));

test(`[${ENGINE}] reject hands "current" to the next machine label, or to none`, () =>
  withFixture(async (store, f) => {
    const llm = f.label('m2', 'risk-domain', 'llm');
    const emb = f.label('m2', 'risk-domain', 'embedded');
    const [d] = await rejectLabels(store.db, [llm], 'ada');
    const row = await label(store, llm);
    assert.equal(row!.review_status, 'rejected');
    assert.equal(row!.is_current, false);
    assert.equal(row!.reviewer, 'ada');
    assert.deepEqual(await current(store, f.ids.m2!, 'risk-domain'), { id: emb, code: '2.1', source: 'embedded' });
    assert.equal(d!.currentAfter!.labelId, emb);
    // The label now current was hidden before, and is unreviewed: it joins the queue.
    assert.ok((await ids(store, {})).includes(emb));
    // Rejecting it too leaves no current label; the statement is unlabelled for that taxonomy.
    const [d2] = await rejectLabels(store.db, [emb], 'ada');
    assert.equal(d2!.currentAfter, undefined);
    assert.equal(await current(store, f.ids.m2!, 'risk-domain'), undefined);
    // A label with no competitor: rejecting it leaves nothing current.
    await rejectLabels(store.db, [f.label('m3', 'risk-domain', 'embedded')], 'ada');
    assert.equal(await current(store, f.ids.m3!, 'risk-domain'), undefined);
    assert.deepEqual(await ids(store, {}), await sqlQueue(store));
  }));

test(`[${ENGINE}] correct adds a current human label; a bad code is refused and nothing changes`, () =>
  withFixture(async (store, f) => {
    const id = f.label('r1', 'risk-domain', 'llm');
    const before = await snapshot(store);
    await assert.rejects(
      correctLabel(store.db, store.taxonomies, id, '2.9', 'ada'),
      (e: Error) => e instanceof ReviewError && /"2\.9" is not a code of taxonomy "risk-domain"/.test(e.message) && /2\.1 Compromise/.test(e.message) && /2\.2 AI system security/.test(e.message),
    );
    await assert.rejects(correctLabel(store.db, store.taxonomies, id, 'zzz', 'ada'), /Valid codes include: 1 Discrimination/);
    await assert.rejects(correctLabel(store.db, store.taxonomies, id, '2.1', 'ada'), /already has code 2\.1/);
    await assert.rejects(correctLabel(store.db, store.taxonomies, id, '2.2', 'ada', { reason: 'x'.repeat(501) }), /at most 500/);
    assert.equal(await snapshot(store), before);

    const d = await correctLabel(store.db, store.taxonomies, id, '2.2', 'ada', { reason: 'an attack on the model' });
    assert.equal(d.newCode, '2.2');
    const machine = await label(store, id);
    assert.equal(machine!.review_status, 'rejected');
    assert.equal(machine!.is_current, false);
    assert.equal(machine!.reviewer, 'ada');
    const human = await label(store, d.humanLabelId!);
    assert.deepEqual(
      { code: human!.code, source: human!.source, human: human!.human, status: human!.review_status, reviewer: human!.reviewer, current: human!.is_current, reasoning: human!.reasoning },
      { code: '2.2', source: 'human', human: true, status: 'corrected', reviewer: 'ada', current: true, reasoning: 'an attack on the model' },
    );
    assert.ok(human!.reviewed_at instanceof Date);
    assert.deepEqual(await current(store, f.ids.r1!, 'risk-domain'), { id: d.humanLabelId, code: '2.2', source: 'human' });
    assert.ok(!(await ids(store, {})).includes(id));
    // A code can be given by a name the taxonomy knows.
    const byName = await correctLabel(store.db, store.taxonomies, f.label('m1', 'lifecycle', 'embedded'), 'Operate and Monitor', 'ada');
    assert.equal(byName.newCode, 'operate-monitor');
  }));

test(`[${ENGINE}] a session undoes its last decisions`, () =>
  withFixture(async (store, f) => {
    const s = new ReviewSession(store.db, store.taxonomies, 'ada');
    const before = await snapshot(store);
    await s.accept(f.label('m3', 'risk-domain', 'embedded'));
    await s.reject(f.label('m2', 'risk-domain', 'llm'));
    const c = await s.correct(f.label('r1', 'risk-domain', 'llm'), '2.2', 'attack');
    assert.equal((await current(store, f.ids.r1!, 'risk-domain'))!.id, c.humanLabelId);
    assert.equal((await s.undo())!.action, 'correct');
    assert.equal((await current(store, f.ids.r1!, 'risk-domain'))!.id, f.label('r1', 'risk-domain', 'llm'));
    assert.equal(await label(store, c.humanLabelId!), undefined, 'the correction is deleted');
    assert.equal((await s.undo())!.action, 'reject');
    assert.equal((await current(store, f.ids.m2!, 'risk-domain'))!.id, f.label('m2', 'risk-domain', 'llm'));
    assert.equal((await s.undo())!.action, 'accept');
    assert.equal(await s.undo(), undefined);
    assert.equal(await snapshot(store), before);
    // A label decided again by someone else since cannot be undone.
    await s.accept(f.label('m3', 'risk-domain', 'embedded'));
    await rejectLabels(store.db, [f.label('m3', 'risk-domain', 'embedded')], 'bob', { force: true });
    await assert.rejects(s.undo(), /has changed since/);
  }));

test(`[${ENGINE}] stats and reviewed pairs equal the SQL counts`, () =>
  withFixture(async (store, f) => {
    await acceptLabels(store.db, [f.label('r2', 'risk-domain', 'embedded'), f.label('m4', 'lifecycle', 'embedded')], 'ada');
    await rejectLabels(store.db, [f.label('m3', 'risk-domain', 'embedded')], 'ada');
    await correctLabel(store.db, store.taxonomies, f.label('r1', 'risk-domain', 'llm'), '2.2', 'bob');
    await correctLabel(store.db, store.taxonomies, f.label('m2', 'lifecycle', 'llm'), 'deploy', 'bob');
    await rejectLabels(store.db, [f.label('m2', 'risk-domain', 'llm')], 'ada');

    const stats = await reviewStats(store.db);
    const sql = parseRows(z.object({ taxonomy: z.string(), source: z.string(), machine: z.coerce.number(), accepted: z.coerce.number(), rejected_all: z.coerce.number(), pending: z.coerce.number() }), await store.db.query(
      `SELECT c.taxonomy, c.source, count(*)::int AS machine,
         count(*) FILTER (WHERE c.review_status = 'accepted')::int AS accepted,
         count(*) FILTER (WHERE c.review_status = 'rejected')::int AS rejected_all,
         count(*) FILTER (WHERE c.is_current AND c.review_status = 'unreviewed' AND s.retired_at IS NULL)::int AS pending
       FROM classifications c JOIN statements s ON s.id = c.statement_id WHERE NOT c.human
       GROUP BY 1, 2 ORDER BY 1, 2`,
    ), 'test rows');
    assert.deepEqual(stats.map((r) => [r.taxonomy, r.source, r.machine, r.accepted, r.rejected + r.corrected, r.pending]), sql.map((r) => [r.taxonomy, r.source, r.machine, r.accepted, r.rejected_all, r.pending]));
    const corrections = parseRows(z.object({ taxonomy: z.string(), n: z.coerce.number() }), await store.db.query(
      `SELECT taxonomy, count(*)::int AS n FROM classifications WHERE source = 'human' AND review_status = 'corrected' GROUP BY 1 ORDER BY 1`,
    ), 'test rows');
    for (const c of corrections) assert.equal(stats.filter((r) => r.taxonomy === c.taxonomy).reduce((a, r) => a + r.corrected, 0), c.n);
    const by = (t: string, s: string) => stats.find((r) => r.taxonomy === t && r.source === s)!;
    assert.deepEqual(
      { ...by('risk-domain', 'llm') },
      { taxonomy: 'risk-domain', source: 'llm', machine: 2, pending: 0, reviewed: 2, accepted: 0, corrected: 1, rejected: 1, acceptanceRate: 0 },
    );
    // m2's embedded label became current when its llm label was rejected, and waits for review.
    assert.deepEqual(
      { ...by('risk-domain', 'embedded') },
      { taxonomy: 'risk-domain', source: 'embedded', machine: 6, pending: 2, reviewed: 2, accepted: 1, corrected: 0, rejected: 1, acceptanceRate: 0.5 },
    );
    assert.deepEqual([by('lifecycle', 'embedded').accepted, by('lifecycle', 'embedded').acceptanceRate], [1, 1]);
    assert.deepEqual([by('lifecycle', 'llm').corrected, by('lifecycle', 'llm').rejected], [1, 0]);
    assert.deepEqual((await reviewStats(store.db, { taxonomies: ['lifecycle'] })).map((r) => r.source), ['embedded', 'llm']);

    const pairs = await reviewedPairs(store.db);
    assert.equal(pairs.length, 6);
    const pair = (id: number) => pairs.find((p) => p.labelId === id)!;
    assert.deepEqual([pair(f.label('r1', 'risk-domain', 'llm')).machineCode, pair(f.label('r1', 'risk-domain', 'llm')).reviewedCode, pair(f.label('r1', 'risk-domain', 'llm')).outcome], ['2.1', '2.2', 'corrected']);
    assert.deepEqual([pair(f.label('r2', 'risk-domain', 'embedded')).reviewedCode, pair(f.label('r2', 'risk-domain', 'embedded')).outcome], ['1.2', 'accepted']);
    assert.deepEqual([pair(f.label('m3', 'risk-domain', 'embedded')).reviewedCode, pair(f.label('m3', 'risk-domain', 'embedded')).outcome], [null, 'rejected']);
    assert.equal(pair(f.label('m2', 'lifecycle', 'llm')).reviewedCode, 'deploy');
    assert.deepEqual((await reviewedPairs(store.db, { sources: ['llm'], taxonomies: ['risk-domain'] })).map((p) => p.outcome).sort(), ['corrected', 'rejected']);
  }));

test('reviewer name: flag, then $GOVNAV_REVIEWER, then the OS user', () => {
  assert.equal(reviewerName('ada', { GOVNAV_REVIEWER: 'bob' }, () => 'carol'), 'ada');
  assert.equal(reviewerName(undefined, { GOVNAV_REVIEWER: 'bob' }, () => 'carol'), 'bob');
  assert.equal(reviewerName('', {}, () => 'carol'), 'carol');
  assert.equal(
    reviewerName(undefined, {}, () => {
      throw new Error('no passwd entry');
    }),
    'unknown',
  );
});

// The review modules below the web pages, on PGlite or PostgreSQL: agreement figures on known
// codes, the queue's tiers (contested, most-viewed, lowest confidence) with the view counter, the
// learning curve of the embedded classifier on reviewed labels, and extraction review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { createUser } from '../helpers/auth.ts';
import { pairAgreement, type CodedPair } from '../../src/review/agreement.ts';
import { blocksToReview, reviewBlock } from '../../src/review/extraction.ts';
import { curveSizes, isHeldOut, learningCurve, type ReviewedExample } from '../../src/review/learning.ts';
import { countQueue, pageQueue } from '../../src/review/page-queue.ts';
import { createProposal } from '../../src/review/proposals.ts';
import { flushViews, noteView } from '../../src/review/views.ts';
import { resolveTyped, typeaheadLabel } from '../../src/review/codes.ts';
import { ingestOne } from '../../src/ingest/index.ts';
import { listAudit } from '../../src/store/audit.ts';
import { listCorrectionRows, type Store } from '../../src/store/index.ts';
import { fillReviewStore, type Fixture } from './fixture.ts';
import { tempDir } from '../ingest/fixtures.ts';
import { GUIDE } from '../ingest/roles-fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

let store: Store;
let fx: Fixture;
const tmp = tempDir();
before(async () => {
  store = await openTestStore();
  fx = await fillReviewStore(store);
});
after(async () => {
  await store?.close();
  tmp.cleanup();
});

test('agreement: κ, α and the confusion matrix of a reviewer pair, per taxonomy', () => {
  const mk = (taxonomy: string, a: string, b: string, i: number): CodedPair => ({
    assignmentId: i,
    statementId: `M${String(i).padStart(6, '0')}`,
    taxonomy,
    coderA: 'ann',
    coderB: 'ben',
    codeA: a,
    codeB: b,
  });
  // po = 3/4; ann: x 1/2, y 1/2; ben: x 1/4, y 3/4; pe = 1/2; κ = (0.75 − 0.5) / 0.5 = 0.5
  const pairs = [mk('t1', 'x', 'x', 1), mk('t1', 'x', 'y', 2), mk('t1', 'y', 'y', 3), mk('t1', 'y', 'y', 4), mk('t2', 'p', 'p', 5)];
  const [t1, t2] = pairAgreement(pairs);
  assert.equal(t1!.taxonomy, 't1');
  assert.equal(t1!.n, 4);
  assert.equal(t1!.agreed, 3);
  assert.ok(Math.abs(t1!.kappa - 0.5) < 1e-9, String(t1!.kappa));
  // Krippendorff's α (nominal): values x 3, y 5 (n = 8), disagreeing pairs 2: 1 − 7·2 / (2·3·5) = 0.5333
  assert.ok(Math.abs(t1!.alpha - 0.5333) < 1e-3, String(t1!.alpha));
  assert.deepEqual(t1!.matrix.labels, ['x', 'y']);
  assert.deepEqual(t1!.matrix.matrix, [[1, 1], [0, 2]]);
  assert.equal(t2!.n, 1);
  assert.ok(Number.isNaN(t2!.kappa), 'one item on one code: κ is undefined');
});

test('the type-ahead: options read back as their code; English and Chinese names resolve', () => {
  const t = store.taxonomies.get('risk-domain');
  assert.equal(resolveTyped(t, typeaheadLabel(t, '3.2')), '3.2');
  assert.equal(resolveTyped(t, t.node('3.2').name.en.toUpperCase()), '3.2');
  if (t.node('3.2').name.zh) assert.equal(resolveTyped(t, t.node('3.2').name.zh!), '3.2');
  assert.throws(() => resolveTyped(t, 'nothing like a code'), /is not a code of taxonomy "risk-domain"/);
});

test(`[${ENGINE}] the queue: contested first, then the most viewed, then lowest confidence`, async () => {
  const plain = await pageQueue(store.db, { taxonomy: 'risk-domain' });
  const m4 = fx.label('m4', 'risk-domain', 'embedded');
  const r2 = fx.label('r2', 'risk-domain', 'embedded');
  const r1 = fx.label('r1', 'risk-domain', 'llm');
  assert.equal(plain.rows[0]!.labelId, m4, 'unknown confidence counts as 0: first');
  assert.equal(plain.rows.at(-1)!.labelId, r2, 'highest confidence last');
  for (let i = 0; i < 3; i++) noteView(store.db, fx.ids.r2!);
  await flushViews(store.db);
  const [v] = parseRows(z.object({ views: z.coerce.number() }), await store.db.query('SELECT views FROM statement_views WHERE statement_id = $1', [fx.ids.r2]), 'test rows');
  assert.equal(Number(v!.views), 3);
  const viewed = await pageQueue(store.db, { taxonomy: 'risk-domain' });
  assert.equal(viewed.rows[0]!.labelId, r2);
  assert.equal(viewed.rows[0]!.tier, 1);
  await createProposal(store.db, store.taxonomies, { statementId: fx.ids.r1!, taxonomy: 'risk-domain', code: '2.2', reason: 'An attack.', account: null });
  const contested = await pageQueue(store.db, { taxonomy: 'risk-domain' });
  assert.deepEqual(contested.rows.slice(0, 2).map((r) => [r.labelId, r.tier]), [[r1, 0], [r2, 1]]);
  assert.deepEqual((await pageQueue(store.db, { disagreement: true })).rows.map((r) => r.labelId), [r1]);
  assert.deepEqual(await countQueue(store.db, { disagreement: true }), { n: 1, capped: false });
  assert.deepEqual(await countQueue(store.db, { taxonomy: 'risk-domain' }), { n: plain.rows.length, capped: false });
  // Paging: the second page starts where the first ended.
  const p1 = await pageQueue(store.db, { limit: 2 });
  const p2 = await pageQueue(store.db, { limit: 2, offset: 2 });
  assert.ok(p1.more);
  assert.notEqual(p1.rows[0]!.labelId, p2.rows[0]!.labelId);
  // A document filter ranks the document's labels the same way.
  const [doc] = parseRows(z.object({ document_id: z.string() }), await store.db.query('SELECT document_id FROM statements WHERE id = $1', [fx.ids.r1]), 'test rows');
  const byDoc = await pageQueue(store.db, { document: doc!.document_id, taxonomy: 'risk-domain' });
  assert.deepEqual(byDoc.rows.map((r) => r.labelId), contested.rows.map((r) => r.labelId));
});

test('learning curve: sizes, a fixed held-out fifth, κ rising with reviewed labels', () => {
  assert.deepEqual(curveSizes(7), [7]);
  assert.deepEqual(curveSizes(120), [10, 20, 50, 100, 120]);
  assert.equal(isHeldOut('M000001'), isHeldOut('M000001'));
  const t = store.taxonomies.get('lifecycle');
  const words = {
    'plan-design': ['design', 'requirements', 'scoping', 'architecture', 'planning'],
    deploy: ['release', 'rollout', 'deployment', 'launch', 'shipping'],
  } as const;
  const examples: ReviewedExample[] = [];
  for (let i = 0; i < 160; i++) {
    const code = i % 2 ? 'deploy' : 'plan-design';
    const w = words[code];
    examples.push({ statementId: `M${String(100000 + i)}`, code, text: `The team documents ${w[i % 5]} and ${w[(i + 2) % 5]} decisions during ${w[(i + 3) % 5]}.` });
  }
  const points = learningCurve(t, examples);
  assert.ok(points.length >= 3, JSON.stringify(points));
  assert.ok(points.every((p, i) => i === 0 || p.trained > points[i - 1]!.trained));
  const last = points.at(-1)!;
  assert.equal(last.heldOut, examples.filter((e) => isHeldOut(e.statementId)).length);
  assert.ok(last.kappa > 0.8, `κ ${last.kappa} with ${last.trained} reviewed labels`);
});

test(`[${ENGINE}] extraction review: least sure block roles, a role set by a reviewer is recorded and audited`, async () => {
  const r = await ingestOne(store.db, tmp.file('guide.md', GUIDE), { organisation: 'Example CERT' });
  const blocks = await blocksToReview(store.db, { document: r.documentId, maxConfidence: 1, limit: 100 });
  assert.ok(blocks.length > 0);
  assert.ok(blocks.every((b, i) => i === 0 || b.confidence >= blocks[i - 1]!.confidence));
  const b = blocks[0]!;
  const reviewer = await createUser(store.db, { username: 'xena', password: 'a long enough password 1', role: 'reviewer' });
  const role = b.role === 'context' ? 'apparatus' : 'context';
  await reviewBlock(store.db, { id: reviewer.id, username: 'xena' }, r.documentId, b.anchor, { role });
  const corrections = await listCorrectionRows(store.db, r.documentId);
  assert.equal(corrections.at(-1)?.op, 'set-role');
  assert.equal(corrections.at(-1)?.role, role);
  const audit = await listAudit(store.db, { targetType: 'document', targetId: r.documentId });
  assert.equal(audit.at(-1)?.action, 'review.extraction.set-role');
  const after = await blocksToReview(store.db, { document: r.documentId, maxConfidence: 1, limit: 100 });
  assert.ok(!after.some((x) => x.anchor === b.anchor), 'a corrected block leaves the list');
  await assert.rejects(() => reviewBlock(store.db, { id: reviewer.id, username: 'xena' }, r.documentId, b.anchor, { role: 'nonsense' }), /is not a block role/);
});

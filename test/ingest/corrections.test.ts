// Corrections that last: set-role, merge and split are recorded, applied at once by re-extracting
// the document from its stored outline (no file), and applied again when the same file is
// re-ingested. Ids are never reused; statements that stop being statements are retired.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { correctDocument, CorrectionError, ingestOne, reextractDocument, resolveBlockRef } from '../../src/ingest/index.ts';
import { listCorrectionRows, listDocumentBlocks } from '../../src/store/index.ts';
import { blockAnchor } from '../../src/extract/types.ts';
import { tempDir } from './fixtures.ts';
import { sharedStore, storedDocument } from './helpers.ts';
import { GUIDE, MEASURES } from './roles-fixture.ts';
import { upsertDocument } from '../../src/store/index.ts';

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

const live = async (documentId: string) => {
  const { db } = await store.get();
  return (await storedDocument(db, documentId)).statements;
};

test(`[${ENGINE}] set-role, merge and split take effect at once and survive a re-ingest of the same file`, async () => {
  const { db } = await store.get();
  const file = tmp.file('guide.md', GUIDE);
  const r = await ingestOne(db, file);
  const idOf = async (text: string) => (await live(r.documentId)).find((s) => s.text === text)?.id;
  const [m0, m1, m2, m3] = await Promise.all(MEASURES.map(idOf));
  assert.ok(m0 && m1 && m2 && m3);

  // set-role by statement id: the measure becomes a risk (a new R id; the M id is retired, not reused).
  const ref = await resolveBlockRef(db, m1!);
  assert.deepEqual(ref, { documentId: r.documentId, anchors: [blockAnchor(MEASURES[1]!)], statementId: m1 });
  const a = await correctDocument(db, r.documentId, [{ op: 'set-role', anchor: ref.anchors[0]!, role: 'risk' }], { author: 'tester' });
  assert.equal(a.byKind.risk, 1);
  assert.equal(a.retired, 1);
  const asRisk = (await live(r.documentId)).find((s) => s.text === MEASURES[1]);
  assert.equal(asRisk?.kind, 'risk');
  assert.match(asRisk!.id, /^R\d{6}$/);
  assert.deepEqual((asRisk!.meta.role as { source: string }).source, 'human');
  const [{ retired_at }] = await db.query<{ retired_at: Date | null }>('SELECT retired_at FROM statements WHERE id = $1', [m1]);
  assert.ok(retired_at, 'the old mitigation id is retired');

  // set-role by document#anchor (an anchor prefix): a background paragraph becomes a mitigation.
  const blocks = await listDocumentBlocks(db, r.documentId);
  const [t] = await db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [r.documentId]);
  const bg = blocks.find((b) => t!.text.slice(b.char_start, b.char_end).startsWith('Researchers first described'))!;
  assert.equal(bg.role, 'context');
  const bgRef = await resolveBlockRef(db, `${r.documentId}#${bg.anchor.slice(0, 8)}`);
  await correctDocument(db, bgRef.documentId, [{ op: 'set-role', anchor: bgRef.anchors[0]!, role: 'mitigation' }]);
  const bgStmt = (await live(r.documentId)).find((s) => s.text.startsWith('Researchers first described'));
  assert.equal(bgStmt?.kind, 'mitigation');

  // merge two measures into one statement; both old ids retired, one new id, text spans both blocks.
  const merged = await correctDocument(db, r.documentId, [{ op: 'merge', anchors: [blockAnchor(MEASURES[2]!), blockAnchor(MEASURES[3]!)] }]);
  const afterMerge = await live(r.documentId);
  const m = afterMerge.find((s) => s.text.includes(MEASURES[2]!) && s.text.includes(MEASURES[3]!));
  assert.ok(m, 'one statement holds both measures');
  assert.ok(!afterMerge.some((s) => s.id === m2 || s.id === m3));
  assert.equal(merged.created, 1);
  const mergedBlocks = (await listDocumentBlocks(db, r.documentId)).filter((b) => b.statement_id === m!.id);
  assert.equal(mergedBlocks.length, 2, 'both blocks point at the merged statement');

  const kept = (await live(r.documentId)).map((s) => `${s.id} ${s.kind} ${s.text}`).sort();

  // Re-ingesting the same file applies every correction again: same statements, same ids.
  const again = await ingestOne(db, tmp.file('guide-copy.md', GUIDE));
  assert.equal(again.documentId, r.documentId);
  assert.equal(again.corrections, 3);
  assert.deepEqual([again.created, again.updated, again.retired], [0, 0, 0]);
  assert.deepEqual((await live(r.documentId)).map((s) => `${s.id} ${s.kind} ${s.text}`).sort(), kept);

  // split after merge: the blocks are statements of their own again, and get their old ids back.
  await correctDocument(db, r.documentId, [{ op: 'split', anchor: blockAnchor(MEASURES[2]!) }, { op: 'split', anchor: blockAnchor(MEASURES[3]!) }]);
  const afterSplit = await live(r.documentId);
  assert.equal(afterSplit.find((s) => s.text === MEASURES[2])?.id, m2, 'a split revives the id the block had');
  assert.equal(afterSplit.find((s) => s.text === MEASURES[3])?.id, m3);
  assert.ok(!afterSplit.some((s) => s.id === m!.id), 'the merged statement is retired');
  const reingested = await ingestOne(db, tmp.file('guide-third.md', GUIDE));
  assert.deepEqual([reingested.created, reingested.retired], [0, 0], 'the split survives a re-ingest too');

  // set-role back: the mitigation id comes back (never a new one for the same block and kind).
  await correctDocument(db, r.documentId, [{ op: 'set-role', anchor: blockAnchor(MEASURES[1]!), role: 'mitigation' }]);
  assert.equal((await live(r.documentId)).find((s) => s.text === MEASURES[1])?.id, m1);

  // A revised document without one of the corrected blocks: the correction stays on record and is reported.
  const revised = await ingestOne(db, tmp.file('guide-revised.md', GUIDE.replace(MEASURES[1]!, MEASURES[1]!.replace('Validate and sanitise', 'Validate'))));
  assert.equal(revised.documentId, r.documentId, 'the revision updates the same document');
  assert.ok(revised.notes.some((n) => /^2 earlier correction\(s\) name blocks this version of the document no longer has/.test(n)), revised.notes.join('; '));
  const afterRevision = await live(r.documentId);
  assert.equal(afterRevision.find((s) => s.text.startsWith('Validate all untrusted'))?.kind, 'mitigation', 'the changed block is classified afresh');
  await ingestOne(db, tmp.file('guide-back.md', GUIDE));

  // Corrections are a log: never deleted, in order, with the author.
  const log = await listCorrectionRows(db, r.documentId);
  assert.deepEqual(log.map((c) => c.op), ['set-role', 'set-role', 'merge', 'split', 'split', 'set-role']);
  assert.equal(log[0]!.author, 'tester');
  assert.equal(log[0]!.role, 'risk');
});

test(`[${ENGINE}] re-extraction needs no file; bad references fail clearly and change nothing`, async () => {
  const { db } = await store.get();
  const r = await ingestOne(db, tmp.file('guide-2.md', GUIDE.replace('Guidance on', 'Second guidance on')));
  const x = await reextractDocument(db, r.documentId);
  assert.deepEqual([x.created, x.updated, x.retired], [0, 0, 0]);
  assert.deepEqual(x.statementIds, r.statementIds);
  await assert.rejects(resolveBlockRef(db, 'M999999'), CorrectionError);
  await assert.rejects(resolveBlockRef(db, `${r.documentId}#ffffffffffff`), /has no block with anchor/);
  await assert.rejects(resolveBlockRef(db, 'hello'), /neither a statement id/);
  // A correction on a document with no outline rolls back: nothing recorded.
  const d = await upsertDocument(db, {
    sourceKey: 'no-outline',
    title: 'Imported, not ingested',
    provenance: { dataset: 'ingest', datasetVersion: 'x', licence: 'x', attribution: 'x' },
  });
  await assert.rejects(correctDocument(db, d.id, [{ op: 'split', anchor: 'abc' }]), /no stored outline/);
  assert.equal((await listCorrectionRows(db, d.id)).length, 0);
});

// De-duplication: near-duplicate statements across documents are flagged; changed documents update in
// place (removed statements retired, ids kept); dry runs write nothing; units of the detectors.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestOne } from '../../src/ingest/index.ts';
import { fingerprint, minhash, shingles, similarity } from '../../src/ingest/dedupe.ts';
import { detectDate, detectLanguage } from '../../src/ingest/detect.ts';
import { MarkerDepth, parseMarker } from '../../src/ingest/markers.ts';
import { statementName } from '../../src/ingest/segment.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir } from './fixtures.ts';
import { sharedStore, snapshot, storedDocument } from './helpers.ts';

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

const A = `# Lab A safety policy

## Security

1. Model weights must be stored in encrypted form and access to them must be limited to a small vetted group of employees.
2. The lab must run an internal red team before each major release of a frontier model.
3. Unique to lab A: the lab must hold quarterly tabletop exercises for incident response.
`;
const B = `# Lab B framework

## Protecting weights

- Model weights must be stored in encrypted form, and access to them must be limited to a small vetted group of employees.
- Lab B must publish a yearly transparency report on government requests.
`;

test(`[${ENGINE}] near-duplicate statements across documents are flagged in meta.nearDuplicates, including imported ones`, async () => {
  const { db } = await store.get();
  // A statement from an imported dataset (not ingested) is found too.
  const imp = await upsertDocument(db, { sourceKey: 'x1', title: 'Imported', provenance: { dataset: 'other-ds', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'x' } });
  const impIds = await upsertStatements(db, imp.id, [
    { sourceKey: 'r', kind: 'mitigation', ord: 0, text: 'The lab must run an internal red team before each major release of a frontier model!' },
  ]);
  const a = await ingestOne(db, tmp.file('a.md', A));
  assert.equal(a.nearDuplicates.length, 1, 'the red-team item matches the imported statement');
  assert.equal(a.nearDuplicates[0]!.otherId, impIds.ids.get('r'));
  const b = await ingestOne(db, tmp.file('b.md', B));
  assert.equal(b.nearDuplicates.length, 1);
  const dup = b.nearDuplicates[0]!;
  assert.equal(dup.otherDocumentId, a.documentId);
  assert.ok(dup.similarity >= 0.9);
  const { statements: bs } = await storedDocument(db, b.documentId);
  const weights = bs.find((s) => s.text.startsWith('Model weights'))!;
  assert.deepEqual(weights.meta.nearDuplicates, [dup.otherId]);
  const { statements: as } = await storedDocument(db, a.documentId);
  assert.equal(as.find((s) => s.id === dup.otherId)!.text.startsWith('Model weights'), true);
  assert.equal(bs.find((s) => s.text.startsWith('Lab B must publish'))!.meta.nearDuplicates, undefined, 'distinct statements are not flagged');
  // Idempotent with flags in place.
  const again = await ingestOne(db, tmp.file('b.md', B));
  assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 2]);
});

test(`[${ENGINE}] a revised document updates in place: kept statements keep their ids, removed ones are retired`, async () => {
  const { db } = await store.get();
  const v1 = '# Policy\n\nAll models must be evaluated before release by the safety team.\n\n- Evaluations must cover cyber misuse.\n- Evaluations must cover biological misuse.\n- Results must be published within a month.\n';
  const r1 = await ingestOne(db, tmp.file('policy.md', v1), { title: 'Release policy', organisation: 'Lab C' });
  const ids1 = r1.statementIds;
  const v2 = v1.replace('- Results must be published within a month.\n', '- Results must be published within two weeks.\n');
  const r2 = await ingestOne(db, tmp.file('policy-v2.md', v2), { title: 'Release policy', organisation: 'Lab C' });
  assert.equal(r2.documentId, r1.documentId);
  assert.equal(r2.matchedBy, 'title-organisation');
  assert.deepEqual([r2.created, r2.unchanged, r2.retired], [1, 3, 1]);
  assert.deepEqual(r2.statementIds.slice(0, 3), ids1.slice(0, 3));
  assert.notEqual(r2.statementIds[3], ids1[3]);
  const [{ retired }] = await db.query<{ retired: Date | null }>('SELECT retired_at AS retired FROM statements WHERE id = $1', [ids1[3]]);
  assert.ok(retired);

  // Without title/organisation, a near-identical text (one word changed in a long document) is recognised too.
  const long = '# Charter\n\n' + Array.from({ length: 30 }, (_, i) => `${i + 1}. Providers commit to measure number ${i} of the charter on safety and transparency.`).join('\n') + '\n';
  const c1 = await ingestOne(db, tmp.file('charter.md', long));
  const c2 = await ingestOne(db, tmp.file('charter-2.md', long.replace('measure number 7 ', 'measure no. 7 ')));
  assert.equal(c2.documentId, c1.documentId);
  assert.equal(c2.matchedBy, 'similar-text');
});

test(`[${ENGINE}] --dry-run reports what would change and writes nothing`, async () => {
  const { db } = await store.get();
  const before = await snapshot(db);
  const r = await ingestOne(db, tmp.file('dry.md', '# Dry\n\nProviders must never write this statement to the database.\n'), { dryRun: true });
  assert.equal(r.dryRun, true);
  assert.equal(r.created, 1);
  assert.deepEqual(await snapshot(db), before);
});

test('detectors: language by script, dates near the top, markers and depths, names, fingerprints', () => {
  assert.equal(detectLanguage('Providers shall keep the logs of the system for ten years.'), 'en');
  assert.equal(detectLanguage('提供者应当建立风险管理制度，并对训练数据进行审查。This is a note.'), 'zh');
  assert.equal(detectLanguage('Les fournisseurs doivent tenir les registres pour les systèmes et les données.'), 'fr');
  assert.equal(detectLanguage('12 3'), undefined);
  assert.equal(detectDate('Guidance\nPublished 26 July 2024\nSee 2019-01-01 later'), '2024-07-26');
  assert.equal(detectDate('Framework, July 26, 2024'), '2024-07-26');
  assert.equal(detectDate('生成式人工智能服务管理暂行办法 2023年7月10日'), '2023-07-10');
  assert.equal(detectDate('Version of March 2025'), '2025-03');
  assert.equal(detectDate('No date here, only 99 problems.'), undefined);
  assert.deepEqual(
    ['1. x', '(a) x', '(iv) x', 'ii) x', '• x', 'Article 12 x', '第三条 x', '（一）x', '2.1 x', 'Plain'].map((l) => parseMarker(l)?.marker ?? null),
    ['1.', '(a)', '(iv)', 'ii)', '•', 'Article 12', '第三条', '（一）', '2.1', null],
  );
  const d = new MarkerDepth();
  const seq = ['1. a', '(a) b', '(b) c', '(c) d', '(i) e', '(ii) f', '2. g', '(a) h', '(h) i', '(i) j'].map((l) => d.depth(parseMarker(l)!));
  assert.deepEqual(seq, [0, 1, 1, 1, 2, 2, 0, 1, 1, 1], '"(i)" after "(h)" is a letter, after "(c)" a roman numeral');
  assert.equal(statementName('Model memorisation: models can repeat their training data.'), 'Model memorisation');
  assert.equal(statementName('Short sentence. Another one.'), 'Short sentence.');
  assert.ok(statementName('word '.repeat(60)).endsWith('…'));
  assert.equal(fingerprint('A  b\nc'), fingerprint('a b c'));
  const s1 = minhash(shingles('the quick brown fox jumps over the lazy dog near the river bank today'));
  const s2 = minhash(shingles('the quick brown fox jumps over the lazy dog near the river bank today!'));
  const s3 = minhash(shingles('completely different words about model evaluation and weights security'));
  assert.equal(similarity(s1, s2), 1);
  assert.ok(similarity(s1, s3) < 0.2);
});

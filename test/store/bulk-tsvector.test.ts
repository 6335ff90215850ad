// statements.search_vector is sent by bulk writes where src/store/bulk/tsvector.ts can build it,
// and computed by the database otherwise (migration 0945). Either way it must equal what
// to_tsvector('simple', search_text) gives, on both engines, for inserts, upserts and plain updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleTsvector } from '../../src/store/bulk/tsvector.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { toSearchText } from '../../src/store/search-text.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const TEXTS = [
  '',
  'measur',
  'the the the model',
  'organis should test 0 and 007 then 12345678901234567890 x',
  'a b c a b c 1 2 1',
  Array.from({ length: 300 }, () => 'again').join(' '), // more repeats than PostgreSQL keeps positions for
  Array.from({ length: 2000 }, (_, i) => `w${i % 50 === 0 ? '' : 'x'}`).join(' '),
  "don't stop",
  'iso27001 a1b2 1a',
  'café naïve',
  '人工智能 安全',
  'x'.repeat(300),
  'double  space',
  ' leading',
  'trailing ',
  'e.g. 1.5 foo-bar a@b.org',
];

test(`[${ENGINE}] the tsvector built for a search text equals to_tsvector('simple', …), or is left to the database`, async () => {
  const store = await openTestStore();
  try {
    const texts = [...TEXTS];
    // Real search texts as statements produce them.
    for (const s of ['Providers shall keep records of evaluation 12 for system 7.', 'Auditing the audits: risk-based controls', 'Identify, assess and manage AI risks (Article 9).'])
      texts.push(toSearchText(s, s, 'Section 1'));
    let built = 0;
    for (const t of texts) {
      const mine = simpleTsvector(t);
      const [row] = await store.db.query<{ want: string; got: string | null }>(
        `SELECT to_tsvector('simple', $1::text)::text AS want, $2::tsvector::text AS got`,
        [t, mine],
      );
      if (mine === null) continue;
      built++;
      assert.equal(row!.got, row!.want, `search text ${JSON.stringify(t.slice(0, 60))}`);
    }
    assert.ok(built >= 8, `built ${built} of ${texts.length}`);
    for (const t of ["don't stop", 'café naïve', '人工智能 安全', 'iso27001 a1b2 1a', 'e.g. 1.5 foo-bar a@b.org'])
      assert.equal(simpleTsvector(t), null, `${t} is left to the database`);
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] search_vector follows search_text on every write path (sent, computed, updated)`, async () => {
  const store = await openTestStore();
  try {
    const db = store.db;
    const provenance = { dataset: 'tsv', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'Test' };
    await db.query(`INSERT INTO datasets (id, version, licence, attribution) VALUES ('tsv', '1', 'CC0-1.0', 'Test')`);
    const doc = await upsertDocument(db, { sourceKey: 'd', title: 'Vectors', docType: 'framework', language: 'en', provenance, meta: {} });
    const st = (key: string, text: string) => ({ sourceKey: key, kind: 'mitigation' as const, ord: 0, name: '', text, headingPath: ['Part 1'], locator: {}, language: 'en', meta: {} });
    const wrong = `SELECT count(*)::int AS n FROM statements WHERE search_vector IS DISTINCT FROM to_tsvector('simple', search_text)`;
    await db.transaction((tx) => upsertStatements(tx, doc.id, [st('a', 'Keep records of tests 12 and 12.'), st('b', 'Évaluer les risques d’un modèle'), st('c', '人工智能安全评估')]));
    assert.equal((await db.query<{ n: number }>(wrong))[0]!.n, 0, 'after insert');
    // An upsert that changes the texts (one plain, one not).
    await db.transaction((tx) => upsertStatements(tx, doc.id, [st('a', 'Keep records of audits.'), st('b', "Don't deploy untested models"), st('c', '人工智能安全评估')]));
    assert.equal((await db.query<{ n: number }>(wrong))[0]!.n, 0, 'after upsert');
    // A plain SQL update of search_text, and an insert that does not name the column.
    await db.query(`UPDATE statements SET search_text = 'changed by hand 42' WHERE source_key = 'a'`);
    await db.query(
      `INSERT INTO statements (id, document_id, source_key, kind, ord, search_text, content_hash) VALUES ('M999999', $1, 'z', 'mitigation', 9, 'typed in directly', 'h')`,
      [doc.id],
    );
    assert.equal((await db.query<{ n: number }>(wrong))[0]!.n, 0, 'after plain SQL');
    const [hit] = await db.query<{ id: string }>(`SELECT id FROM statements WHERE search_vector @@ plainto_tsquery('simple', 'hand')`);
    assert.ok(hit, 'the recomputed vector is searchable');
  } finally {
    await store.close();
  }
});

test('tsvectorOfWords: the literal simpleTsvector gives for the joined words, on search texts and odd word lists', async () => {
  const { tsvectorOfWords } = await import('../../src/store/bulk/tsvector.ts');
  const { searchTokens } = await import('../../src/store/search-text.ts');
  let seed = 5;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const pieces = ['model', 'Models', "don't", 'ISO27001', '42', '007', 'café', '人工智能', 'x', 'again', 'a1', '-', ' ', '\n', 'AI', 'e.g.'];
  const texts = [...TEXTS];
  for (let i = 0; i < 1500; i++) texts.push(Array.from({ length: next() % 40 }, () => pieces[next() % pieces.length]).join(next() % 3 ? ' ' : ''));
  for (const t of texts) {
    const words = searchTokens(t);
    assert.equal(tsvectorOfWords(words), simpleTsvector(words.join(' ')), JSON.stringify(t));
  }
  for (const words of [[], [''], ['a', ''], ['ab', 'ab'], ['a'.repeat(201)], Array.from({ length: 201 }, () => 'w'), Array.from({ length: 16_001 }, (_, i) => `w${i % 2 ? 'x' : 'y'}`.slice(1)), ['abc', '123', 'a1']])
    assert.equal(tsvectorOfWords(words), simpleTsvector(words.join(' ')), JSON.stringify(words).slice(0, 80));
});

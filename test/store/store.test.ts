import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  migrate,
  migrationStatus,
  upsertDocument,
  upsertStatements,
  insertClassifications,
  currentLabels,
  reviewClassification,
  getStatement,
  listDocumentStatements,
  retireMissingDocuments,
  ValidationError,
  type Store,
} from '../../src/store/index.ts';
import { parseTaxonomy, TaxonomyRegistry } from '../../src/taxonomy/index.ts';
import type { DocumentInput, StatementInput } from '../../src/model/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const registry = new TaxonomyRegistry([
  parseTaxonomy(
    JSON.stringify({
      id: 'colour',
      version: '1.0.0',
      name: { en: 'Colour', zh: '颜色' },
      description: { en: 'A test taxonomy.', zh: '测试分类。' },
      appliesTo: ['mitigation', 'risk'],
      abstainCode: 'unable',
      source: { citation: 'govnav tests' },
      nodes: [
        { code: '1', parent: null, level: 1, name: { en: 'Warm', zh: '暖色' } },
        { code: '1.1', parent: '1', level: 2, name: { en: 'Red', zh: '红' } },
        { code: '2', parent: null, level: 1, name: { en: 'Cold', zh: '冷色' } },
        { code: 'unable', parent: null, level: 1, name: { en: 'Unable to classify' }, special: 'unable' },
      ],
    }),
    'colour.json',
  ),
]);

const provenance = { dataset: 'test-ds', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'Test data, CC BY 4.0' };
const doc = (over: Partial<DocumentInput> = {}): DocumentInput => ({
  sourceKey: 'doc-1',
  title: 'A framework for testing',
  organisation: 'Test Org',
  year: 2024,
  docType: 'framework',
  provenance,
  ...over,
});
const stmts = (): StatementInput[] => [
  { sourceKey: 's1', kind: 'mitigation', ord: 0, name: 'Red teaming', text: 'Run adversarial tests before release.' },
  { sourceKey: 's1a', kind: 'mitigation', ord: 1, parentSourceKey: 's1', name: 'External red team', text: 'Invite outside experts.' },
  { sourceKey: 'r1', kind: 'risk', ord: 2, name: 'Jailbreaks', text: '模型可能被越狱攻击。', language: 'zh', headingPath: ['Risks', 'Security'] },
];

async function withStore(fn: (s: Store) => Promise<void>) {
  const s = await openTestStore({ registry });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

test(`[${ENGINE}] migrations apply once and running them again changes nothing`, () =>
  withStore(async ({ db }) => {
    const st = await migrationStatus(db);
    assert.equal(st.pending.length, 0);
    assert.ok(st.applied.some((m) => m.version === '0001'));
    assert.deepEqual(await migrate(db), []);
    assert.deepEqual(await migrate(db), []);
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await db.query('SELECT count(*)::int AS n FROM schema_migrations'), 'test rows');
    assert.equal(n, st.applied.length);
  }));

test(`[${ENGINE}] documents and statements get stable ids that survive re-import`, () =>
  withStore(async ({ db }) => {
    const d1 = await db.transaction((tx) => upsertDocument(tx, doc()));
    assert.equal(d1.status, 'created');
    assert.match(d1.id, /^D\d{4}$/);
    const r1 = await db.transaction((tx) => upsertStatements(tx, d1.id, stmts()));
    assert.deepEqual([r1.created, r1.updated, r1.unchanged], [3, 0, 0]);
    const m1 = r1.ids.get('s1')!;
    assert.match(m1, /^M\d{6}$/);
    assert.match(r1.ids.get('r1')!, /^R\d{6}$/);
    const child = await getStatement(db, r1.ids.get('s1a')!);
    assert.equal(child!.parent_id, m1);
    const risk = await getStatement(db, r1.ids.get('r1')!);
    assert.deepEqual(risk!.heading_path, ['Risks', 'Security']);

    // Same input again: nothing changes.
    const d2 = await upsertDocument(db, doc());
    assert.deepEqual(d2, { id: d1.id, status: 'unchanged' });
    const r2 = await upsertStatements(db, d1.id, stmts());
    assert.deepEqual([r2.created, r2.updated, r2.unchanged], [0, 0, 3]);

    // A newer version: one text changed, one statement gone, one new; ids kept, the gone one retired.
    const next = stmts().filter((s) => s.sourceKey !== 's1a');
    next[0] = { ...next[0]!, text: 'Run adversarial tests before every release.' };
    next.push({ sourceKey: 's2', kind: 'mitigation', ord: 3, name: 'Staged rollout', text: 'Release gradually.' });
    const r3 = await upsertStatements(db, d1.id, next, { retireMissing: true });
    assert.deepEqual([r3.created, r3.updated, r3.unchanged, r3.retired], [1, 1, 1, 1]);
    assert.equal(r3.ids.get('s1'), m1);
    const live = await listDocumentStatements(db, d1.id);
    assert.deepEqual(live.map((s) => s.source_key), ['s1', 'r1', 's2']);
    assert.equal((await getStatement(db, m1))!.text, 'Run adversarial tests before every release.');
    // The new statement never reuses the retired id.
    assert.notEqual(r3.ids.get('s2'), r1.ids.get('s1a'));

    // A document no longer in the dataset is retired, with its statements; its id stays reserved.
    const other = await upsertDocument(db, doc({ sourceKey: 'doc-2', title: 'Another' }));
    assert.equal(await retireMissingDocuments(db, 'test-ds', [d1.id]), 1);
    const [row] = parseRows(z.object({ retired_at: z.date().nullable() }), await db.query('SELECT retired_at FROM documents WHERE id = $1', [other.id]), 'test rows');
    assert.ok(row!.retired_at);
  }));

test(`[${ENGINE}] full-text search text is stemmed and segments Chinese`, () =>
  withStore(async ({ db }) => {
    const d = await upsertDocument(db, doc());
    await upsertStatements(db, d.id, stmts());
    const hits = async (q: string) =>
      (
        parseRows(z.object({ source_key: z.string() }), await db.query(
          `SELECT source_key FROM statements WHERE search_vector @@ plainto_tsquery('simple', $1) ORDER BY source_key`,
          [(await import('../../src/store/index.ts')).toSearchText(q)],
        ), 'test rows')
      ).map((r) => r.source_key);
    assert.deepEqual(await hits('adversarial testing'), ['s1']);
    assert.deepEqual(await hits('越狱'), ['r1']);
    assert.deepEqual(await hits('experts'), ['s1a']);
  }));

test(`[${ENGINE}] classifications: codes are checked, one label is current, humans win`, () =>
  withStore(async ({ db, taxonomies }) => {
    const d = await upsertDocument(db, doc());
    const { ids } = await upsertStatements(db, d.id, stmts());
    const s1 = ids.get('s1')!;
    await assert.rejects(
      insertClassifications(db, taxonomies, [{ statementId: s1, taxonomy: 'colour', code: '9.9', source: 'embedded' }]),
      (e: Error) => e instanceof ValidationError && /9\.9/.test(e.message) && e.message.includes(s1),
    );
    await insertClassifications(db, taxonomies, [
      { statementId: s1, taxonomy: 'colour', code: '2', source: 'embedded', confidence: 0.6, reasoning: 'cold words' },
    ]);
    let cur = await currentLabels(db, [s1]);
    assert.equal(cur.get(s1)!.get('colour')!.code, '2');
    const imported = { statementId: s1, taxonomy: 'colour', code: '1.1', source: 'imported' as const, human: true, sourceValue: '1.1 > Red' };
    assert.deepEqual(await insertClassifications(db, taxonomies, [imported], { skipIdentical: true }), { inserted: 1, unchanged: 0 });
    assert.deepEqual(await insertClassifications(db, taxonomies, [imported], { skipIdentical: true }), { inserted: 0, unchanged: 1 });
    cur = await currentLabels(db, [s1]);
    assert.equal(cur.get(s1)!.get('colour')!.code, '1.1');
    // Rejecting the human label hands "current" back to the machine label.
    await reviewClassification(db, cur.get(s1)!.get('colour')!.id, 'rejected', 'tester');
    cur = await currentLabels(db, [s1]);
    assert.equal(cur.get(s1)!.get('colour')!.code, '2');
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await db.query(
      'SELECT count(*)::int AS n FROM classifications WHERE statement_id = $1 AND is_current',
      [s1],
    ), 'test rows');
    assert.equal(n, 1);
  }));

test(`[${ENGINE}] a failing write inside a transaction leaves nothing behind`, () =>
  withStore(async ({ db, taxonomies }) => {
    const count = async (t: string) => (parseRows(z.object({ n: z.coerce.number() }), await db.query(`SELECT count(*)::int AS n FROM ${t}`), 'test rows'))[0]!.n;
    const before = { d: await count('documents'), s: await count('statements'), c: await count('classifications') };
    await assert.rejects(
      db.transaction(async (tx) => {
        const d = await upsertDocument(tx, doc());
        const { ids } = await upsertStatements(tx, d.id, stmts());
        await insertClassifications(tx, taxonomies, [{ statementId: ids.get('s1')!, taxonomy: 'colour', code: '1', source: 'embedded' }]);
        // A nested step fails: the whole transaction goes.
        await tx.transaction(async (inner) => {
          await inner.query("INSERT INTO feedback (page, message) VALUES ('/', 'kept?')");
          await inner.query('SELECT * FROM no_such_table');
        });
      }),
      /no_such_table/,
    );
    assert.deepEqual({ d: await count('documents'), s: await count('statements'), c: await count('classifications') }, before);
    assert.equal(await count('feedback'), 0);
    // A failed savepoint inside a transaction that goes on keeps the outer work.
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO feedback (page, message) VALUES ('/', 'outer')");
      await tx.transaction((inner) => inner.query('SELECT * FROM no_such_table')).catch(() => {});
    });
    assert.equal(await count('feedback'), 1);
  }));

test(`[${ENGINE}] invalid statements are rejected with the field named, and nothing is written`, () =>
  withStore(async ({ db }) => {
    const d = await upsertDocument(db, doc());
    const bad = [...stmts(), { sourceKey: 'x', kind: 'opinion', ord: 9 } as unknown as StatementInput];
    await assert.rejects(db.transaction((tx) => upsertStatements(tx, d.id, bad)), (e: Error) => /statement x/.test(e.message) && /kind/.test(e.message));
    const orphan = [{ sourceKey: 'o', kind: 'risk', ord: 0, parentSourceKey: 'nope' } as StatementInput];
    await assert.rejects(upsertStatements(db, d.id, orphan), /parentSourceKey/);
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await db.query('SELECT count(*)::int AS n FROM statements'), 'test rows');
    assert.equal(n, 0);
  }));

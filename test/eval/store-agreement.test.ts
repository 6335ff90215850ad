import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertDocument, upsertStatements, insertClassifications } from '../../src/store/index.ts';
import { parseTaxonomy, TaxonomyRegistry } from '../../src/taxonomy/index.ts';
import { labelsFrom, parseSource, storeAgreement } from '../../src/eval/store-agreement.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const tax = parseTaxonomy(
  JSON.stringify({
    id: 'colour',
    version: '1.0.0',
    name: { en: 'Colour' },
    description: { en: 'A test taxonomy.' },
    appliesTo: ['mitigation'],
    abstainCode: 'unable',
    source: { citation: 'govnav tests' },
    nodes: [
      { code: '1', parent: null, level: 1, name: { en: 'Warm' } },
      { code: '1.1', parent: '1', level: 2, name: { en: 'Red' } },
      { code: '1.2', parent: '1', level: 2, name: { en: 'Orange' } },
      { code: '2', parent: null, level: 1, name: { en: 'Cold' } },
      { code: '2.1', parent: '2', level: 2, name: { en: 'Blue' } },
      { code: 'unable', parent: null, level: 1, name: { en: 'Unable to classify' }, special: 'unable' },
    ],
  }),
  'colour.json',
);
const registry = new TaxonomyRegistry([tax]);

test(`[${ENGINE}] agreement between two label sources in the store`, async () => {
  const store = await openTestStore({ registry });
  try {
    const { db } = store;
    const d = await upsertDocument(db, {
      sourceKey: 'doc-1',
      title: 'Doc',
      provenance: { dataset: 'test-ds', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'Test' },
    });
    const { ids } = await upsertStatements(
      db,
      d.id,
      ['a', 'b', 'c', 'd', 'e'].map((k, i) => ({ sourceKey: k, kind: 'mitigation' as const, ord: i, name: k, text: `statement ${k}` })),
    );
    const id = (k: string) => ids.get(k)!;
    // imported gold: a 1.1, b 1.2, c 2.1, d 2.1 (e has none)
    await insertClassifications(
      db,
      registry,
      [
        ['a', '1.1'],
        ['b', '1.2'],
        ['c', '2.1'],
        ['d', '2.1'],
      ].map(([k, code]) => ({ statementId: id(k), taxonomy: 'colour', code, source: 'imported' as const, human: true })),
    );
    // embedded: an older wrong label for a, then the newest labels: a 1.1, b 1.1, c 2.1, e 1.2 (d none)
    await insertClassifications(db, registry, [{ statementId: id('a'), taxonomy: 'colour', code: '2.1', source: 'embedded' }]);
    await db.query(`UPDATE classifications SET created_at = now() - interval '1 day' WHERE source = 'embedded'`);
    await insertClassifications(
      db,
      registry,
      [
        ['a', '1.1'],
        ['b', '1.1'],
        ['c', '2.1'],
        ['e', '1.2'],
      ].map(([k, code]) => ({ statementId: id(k), taxonomy: 'colour', code, source: 'embedded' as const, model: 'govnav-embedded' })),
    );
    const emb = await labelsFrom(db, 'colour', parseSource('embedded'));
    assert.equal(emb.get(id('a')), '1.1', 'the newest label of a source counts');
    const r = await storeAgreement(db, tax, parseSource('imported'), parseSource('embedded:govnav-embedded'));
    assert.equal(r.labelledA, 4);
    assert.equal(r.labelledB, 4);
    // paired statements a, b, c: gold 1.1 1.2 2.1 vs 1.1 1.1 2.1 → p_o = 2/3;
    // marginals gold (1.1:1, 1.2:1, 2.1:1), embedded (1.1:2, 2.1:1): p_e = (1·2 + 1·0 + 1·1)/9 = 1/3 → κ = (2/3 − 1/3)/(2/3) = 0.5
    assert.equal(r.agreement.n, 3);
    assert.ok(Math.abs(r.agreement.kappa - 0.5) < 1e-12);
    // at level 1 all three agree (1, 1, 2): κ = 1
    assert.equal(r.levels['level 1'].kappa, 1);
    const none = await storeAgreement(db, tax, parseSource('llm'), parseSource('embedded'));
    assert.equal(none.agreement.n, 0);
    assert.throws(() => parseSource('robots'), /unknown label source "robots"/);
    assert.equal(parseSource('annotation').source, 'annotation');
  } finally {
    await store.close();
  }
});

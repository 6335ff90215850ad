// The "who labelled it" filter keeps the project's own annotation apart: review=annotated finds
// statements whose current label is a govnav project annotation, and review=machine counts only
// classifier labels (embedded or LLM), never annotation or imported labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertDocument, upsertStatements, insertClassifications } from '../../src/store/index.ts';
import { facetCounts, parseQuery, searchStatements } from '../../src/search/query.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

test(`[${ENGINE}] review=annotated and review=machine separate project annotation from classifier labels`, async () => {
  const store = await openTestStore();
  try {
    const prov = { dataset: 'test', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };
    const { id } = await upsertDocument(store.db, { sourceKey: 'd', title: 'Doc', provenance: prov });
    const r = await upsertStatements(
      store.db,
      id,
      ['annotated one', 'embedded one', 'llm one', 'imported one'].map((t, k) => ({ sourceKey: `s${k}`, kind: 'mitigation' as const, ord: k, name: t, text: `Providers shall do ${t}.` })),
    );
    const [a, e, l, i] = [...r.ids.values()];
    await insertClassifications(store.db, store.taxonomies, [
      { statementId: a!, taxonomy: 'lifecycle', code: 'deploy', source: 'annotation' },
      { statementId: e!, taxonomy: 'lifecycle', code: 'deploy', source: 'embedded' },
      { statementId: l!, taxonomy: 'lifecycle', code: 'deploy', source: 'llm', model: 'm' },
      { statementId: i!, taxonomy: 'lifecycle', code: 'deploy', source: 'imported', human: false },
    ]);
    const ids = async (qs: string) => (await searchStatements(store.db, store.taxonomies, parseQuery(new URLSearchParams(qs), store.taxonomies).query)).items.map((h) => h.id).sort();
    assert.deepEqual(await ids('review=annotated'), [a]);
    assert.deepEqual(await ids('review=machine'), [e, l].sort());
    const f = await facetCounts(store.db, store.taxonomies, parseQuery(new URLSearchParams(''), store.taxonomies).query, ['review']);
    assert.equal(f.review!.find((v) => v.value === 'annotated')!.count, 1);
    assert.equal(f.review!.find((v) => v.value === 'machine')!.count, 2);
  } finally {
    await store.close();
  }
});

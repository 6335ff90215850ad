// When a newer embedded run only suggests a code, the older model's unreviewed label stops being
// the current category (the page then shows the suggestion); human, annotation and reviewed labels
// are never displaced by a suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertClassifications, upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

test(`[${ENGINE}] a newer embedded suggestion supersedes an older unreviewed embedded label, never a human or annotation one`, async () => {
  const store = await openTestStore();
  try {
    const prov = { dataset: 'sg', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };
    const { id } = await upsertDocument(store.db, { sourceKey: 'd', title: 'Doc', provenance: prov });
    const r = await upsertStatements(store.db, id, [0, 1].map((k) => ({ sourceKey: `s${k}`, kind: 'mitigation' as const, ord: k, name: `m${k}`, text: `Providers shall test ${k}.` })));
    const [a, b] = [...r.ids.values()] as [string, string];
    const current = async (sid: string) =>
      (parseRows(z.object({ code: z.string(), source: z.string() }), await store.db.query(`SELECT code, source FROM classifications WHERE statement_id = $1 AND taxonomy = 'lifecycle' AND is_current`, [sid]), 'test rows'))[0];
    // Statement a: an old embedded label, then a newer embedded suggestion.
    await insertClassifications(store.db, store.taxonomies, [{ statementId: a, taxonomy: 'lifecycle', code: 'deploy', source: 'embedded', modelVersion: 'old' }]);
    assert.equal((await current(a))?.code, 'deploy');
    await insertClassifications(store.db, store.taxonomies, [{ statementId: a, taxonomy: 'lifecycle', code: 'verify-validate', source: 'embedded', modelVersion: 'new', suggested: true }]);
    assert.equal(await current(a), undefined, 'the old guess is no longer shown as the category');
    // Statement b: a project annotation stays current whatever a newer model suggests.
    await insertClassifications(store.db, store.taxonomies, [{ statementId: b, taxonomy: 'lifecycle', code: 'deploy', source: 'annotation' }]);
    await insertClassifications(store.db, store.taxonomies, [{ statementId: b, taxonomy: 'lifecycle', code: 'verify-validate', source: 'embedded', suggested: true }]);
    assert.deepEqual(await current(b), { code: 'deploy', source: 'annotation' });
    // A newer confident embedded label becomes current again.
    await insertClassifications(store.db, store.taxonomies, [{ statementId: a, taxonomy: 'lifecycle', code: 'operate-monitor', source: 'embedded', modelVersion: 'newer' }]);
    assert.equal((await current(a))?.code, 'operate-monitor');
  } finally {
    await store.close();
  }
});

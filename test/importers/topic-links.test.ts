import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importPath } from '../../src/importers/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const DEMO = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));

test(`[${ENGINE}] an import links its new statements to topics in the same transaction; a re-import links nothing`, async () => {
  const store = await openTestStore();
  try {
    const first = await importPath(store, DEMO);
    const [{ linked, links }] = (await store.db.query<{ linked: number; links: number }>(
      'SELECT count(DISTINCT statement_id)::int AS linked, count(*)::int AS links FROM statement_topics',
    )) as [{ linked: number; links: number }];
    assert.ok(first.topics, 'the summary reports topic linking');
    assert.equal(first.topics!.statements, first.statements.created);
    assert.equal(first.topics!.links, links);
    assert.ok(linked > 0 && linked <= first.statements.created);
    const again = await importPath(store, DEMO);
    assert.equal(again.statements.unchanged, first.statements.created);
    assert.equal(again.topics, undefined);
    // Without linking, nothing is written to statement_topics (a dry run of a fresh store).
    const fresh = await openTestStore();
    try {
      const r = await importPath(fresh, DEMO, { link: false });
      assert.equal(r.topics, undefined);
      const [{ n }] = (await fresh.db.query<{ n: number }>('SELECT count(*)::int AS n FROM statement_topics')) as [{ n: number }];
      assert.equal(n, 0);
    } finally {
      await fresh.close();
    }
  } finally {
    await store.close();
  }
});

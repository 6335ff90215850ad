// The in-process search index gives exactly what the SQL query model gives (totals, every facet
// count, the page in each sort order) on a small corpus with filters, on both engines, and it
// never answers from data older than the last committed write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { facetCounts, parseQuery, searchStatements, type FacetValue } from '../../src/search/query.ts';
import { freshIndex, forgetIndex } from '../../src/store/search-index.ts';
import { runSearch } from '../../src/store/search.ts';
import type { Store } from '../../src/store/index.ts';
import { buildSynthetic } from '../api/synthetic.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const FACETS = ['kind', 'doctype', 'year', 'language', 'dataset', 'review', 'doc', 'topic', 'risk-domain', 'mitigation-v2', 'lifecycle'];

async function decorate(store: Store, ids: string[]) {
  const { db } = store;
  // Topics and links, a few repeats (same_as) and reviewed labels, so every facet has something to count.
  await db.exec(`INSERT INTO topics (id, ord, name_en, description_en, lexicon_version) VALUES
    ('t-one', 1, 'One', 'first', 'test'), ('t-two', 2, 'Two', 'second', 'test') ON CONFLICT DO NOTHING`);
  const one = ids.filter((_, i) => i % 3 === 0);
  const two = ids.filter((_, i) => i % 5 === 0);
  for (const [topic, list] of [['t-one', one], ['t-two', two]] as const)
    await db.query(
      `INSERT INTO statement_topics (statement_id, topic_id, score, lexicon_version, document_id, kind, ord)
       SELECT s.id, $1, 1, 'test', s.document_id, s.kind, s.ord FROM statements s WHERE s.id = ANY($2::text[])`,
      [topic, list],
    );
  for (let i = 1; i < ids.length; i += 17) await db.query('UPDATE statements SET same_as = $1 WHERE id = $2', [ids[i - 1], ids[i]]);
  await db.exec(`UPDATE classifications SET review_status = 'accepted' WHERE id % 7 = 0`);
}

function asMap(values: FacetValue[] | undefined): Record<string, string> {
  return Object.fromEntries((values ?? []).map((v) => [v.value, `${v.count}/${v.total ?? ''}`]));
}

test(`[${ENGINE}] search index: same totals, facet counts and pages as SQL`, async () => {
  const store = await openTestStore();
  try {
    const { statementIds, documentIds } = await buildSynthetic(store, { statements: 240, documents: 8, seed: 3 });
    await decorate(store, statementIds);
    const reg = store.taxonomies;
    const index = await freshIndex(store.db, { wait: true });
    assert.ok(index, 'the index builds');
    assert.equal(index.size, 240);
    const queries = [
      '',
      'q=audit',
      'q=audit&kind=mitigation',
      'q=developers&sort=id',
      'kind=risk&risk-domain=2',
      'risk-domain=2&risk-domain=7&lifecycle=' + [...reg.get('lifecycle').nodes.values()][0]!.code,
      'dataset=synth-a',
      'dataset=synth-a&q=monitoring&sort=document',
      'review=machine&review=unlabelled',
      'review=reviewed&kind=mitigation&sort=year',
      'topic=t-one&year_from=2020&year_to=2023',
      'topic=t-two&topic=t-one&doctype=law',
      `doc=${documentIds[2]}`,
      `q=${statementIds[18]}`,
      `q=${statementIds[1]}`,
      'year=2021&year=2022&language=en',
      'mitigation-v2=1&sort=id',
      'q=nosuchwordanywhere',
      'q=item+records',
    ];
    let checked = 0;
    for (const qs of queries) {
      const { query, errors } = parseQuery(new URLSearchParams(qs), reg);
      assert.deepEqual(errors, [], qs);
      const sql = await searchStatements(store.db, reg, query, { limit: 1000 });
      const sqlFacets = await facetCounts(store.db, reg, query, FACETS);
      const r = await runSearch(store.db, reg, { query, facets: FACETS, offset: 0, limit: 1000 });
      assert.equal(r.via, 'index', qs);
      assert.equal(r.total, sql.total, `total of ${qs}`);
      for (const f of FACETS) assert.deepEqual(asMap(r.facets[f]), asMap(sqlFacets[f]), `facet ${f} of ${qs}`);
      const sorted = (a: string[]) => [...a].sort();
      assert.deepEqual(sorted(r.items.map((h) => h.id)), sorted(sql.items.map((h) => h.id)), `set of ${qs}`);
      // Relevance is scored differently (BM25 in the index); every other order is the same.
      if (!query.q || query.sort) assert.deepEqual(r.items.map((h) => h.id), sql.items.map((h) => h.id), `order of ${qs}`);
      // A later page is the same slice.
      const p2 = await runSearch(store.db, reg, { query, facets: [], offset: 5, limit: 7 });
      assert.deepEqual(p2.items.map((h) => h.id), r.items.slice(5, 12).map((h) => h.id), `page 2 of ${qs}`);
      if (sql.total > 0) checked++;
    }
    assert.ok(checked >= 15, 'most queries match something');

    // A naive count by hand for one combined query.
    const { query } = parseQuery(new URLSearchParams('kind=mitigation&topic=t-one&dataset=synth-b'), reg);
    const [naive] = await store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id
       WHERE s.kind = 'mitigation' AND d.dataset = 'synth-b' AND s.retired_at IS NULL
         AND EXISTS (SELECT 1 FROM statement_topics st WHERE st.statement_id = s.id AND st.topic_id = 't-one')`,
    );
    assert.equal((await runSearch(store.db, reg, { query, facets: [], offset: 0, limit: 0 })).total, naive!.n);
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

test(`[${ENGINE}] search index: an empty corpus and a corpus without labels give empty facets`, async () => {
  const store = await openTestStore();
  try {
    const reg = store.taxonomies;
    const { query } = parseQuery(new URLSearchParams('q=anything'), reg);
    const empty = await runSearch(store.db, reg, { query, facets: FACETS, offset: 0, limit: 25 }, { waitForIndex: true });
    assert.equal(empty.via, 'index');
    assert.equal(empty.total, 0);
    for (const f of FACETS) assert.deepEqual(empty.facets[f]?.filter((v) => v.count > 0) ?? [], [], f);
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

test(`[${ENGINE}] search index: a write makes the index stale at once; searches stay exact`, async () => {
  const store = await openTestStore();
  try {
    const { statementIds } = await buildSynthetic(store, { statements: 60, documents: 2, seed: 5 });
    const reg = store.taxonomies;
    const { query } = parseQuery(new URLSearchParams('kind=mitigation'), reg);
    const req = { query, facets: ['kind'], offset: 0, limit: 5 };
    assert.ok(await freshIndex(store.db, { wait: true }));
    const before = await runSearch(store.db, reg, req);
    assert.equal(before.via, 'index');
    // Retire one mitigation: the very next search must not count it.
    const mit = (await store.db.query<{ id: string }>(`SELECT id FROM statements WHERE kind = 'mitigation' AND id = ANY($1) LIMIT 1`, [statementIds]))[0]!.id;
    await store.db.query('UPDATE statements SET retired_at = now() WHERE id = $1', [mit]);
    const after = await runSearch(store.db, reg, req);
    assert.equal(after.via, 'sql', 'a stale index is not used');
    assert.equal(after.total, before.total - 1);
    const rebuilt = await freshIndex(store.db, { wait: true });
    assert.ok(rebuilt);
    const again = await runSearch(store.db, reg, req);
    assert.equal(again.via, 'index');
    assert.equal(again.total, before.total - 1);
    assert.deepEqual(again.facets.kind, after.facets.kind);
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

// The search page's data when the index answers: the page's current labels and the topic names
// come from the index (fewer round trips to the database) and equal what SQL reads; a write to the
// topics marks the index stale, so a renamed topic is never shown under its old name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src/search/query.ts';
import { forgetIndex, freshIndex } from '../../src/store/search-index.ts';
import { searchPageData, type SearchPageData } from '../../src/store/search.ts';
import { buildSynthetic } from '../api/synthetic.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const FACETS = ['kind', 'doctype', 'year', 'language', 'dataset', 'review', 'doc', 'topic', 'risk-domain', 'mitigation-v2', 'lifecycle'];
const LIST_TAXONOMIES = ['mitigation-v2', 'mitigation-v1', 'risk-domain'];

function comparable(d: SearchPageData) {
  const labels = d.labels.map((l) => `${l.statement_id} ${l.taxonomy} ${l.code}`).sort();
  return { total: d.total, ids: d.items.map((h) => h.id), facets: d.facets, labels, topics: d.topics };
}

async function withIndexOff<T>(fn: () => Promise<T>): Promise<T> {
  process.env.GOVNAV_SEARCH_INDEX = 'off';
  try {
    return await fn();
  } finally {
    delete process.env.GOVNAV_SEARCH_INDEX;
  }
}

test(`[${ENGINE}] search page data: labels and topic names from the index equal those read in SQL`, async () => {
  const store = await openTestStore();
  try {
    await buildSynthetic(store, { statements: 150, documents: 5, seed: 4 });
    const db = store.db;
    await db.query(`INSERT INTO topics (id, ord, name_en, name_zh, description_en, lexicon_version) VALUES ('t-audit', 1, 'Audit', '审计', 'Audits.', 't1'), ('t-data', 2, 'Data', NULL, 'Data.', 't1')`);
    const reg = store.taxonomies;
    await freshIndex(db, { wait: true });
    for (const qs of ['', 'q=audit', 'kind=risk&risk-domain=2', 'review=machine', 'sort=id']) {
      const { query } = parseQuery(new URLSearchParams(qs), reg);
      const req = { query, facets: FACETS, offset: 0, limit: 25 };
      const viaIndex = await searchPageData(db, reg, req, LIST_TAXONOMIES);
      assert.equal(viaIndex.via, 'index', qs);
      const viaSql = await withIndexOff(() => searchPageData(db, reg, req, LIST_TAXONOMIES));
      assert.equal(viaSql.via, 'sql');
      assert.ok(viaSql.labels.length > 0 || viaSql.items.length === 0, `labels listed for ${qs}`);
      const a = comparable(viaIndex);
      const b = comparable(viaSql);
      assert.deepEqual(a.labels, b.labels, `labels of ${qs}`);
      assert.deepEqual(a.topics, b.topics, `topics of ${qs}`);
      assert.deepEqual(a.ids, b.ids, `page of ${qs}`);
    }
    // A label changed after the build: the index is stale, so the page shows the new label.
    const { query } = parseQuery(new URLSearchParams('sort=id'), reg);
    const before = await searchPageData(db, reg, { query, facets: FACETS, offset: 0, limit: 25 }, LIST_TAXONOMIES);
    const target = before.labels.find((l) => l.taxonomy === 'risk-domain')!;
    const other = [...reg.get('risk-domain').nodes.values()].find((n) => !n.special && n.code !== target.code && !n.code.includes('.'))!.code;
    await db.query(`UPDATE classifications SET code = $1 WHERE statement_id = $2 AND taxonomy = 'risk-domain' AND is_current`, [other, target.statement_id]);
    const after = await searchPageData(db, reg, { query, facets: FACETS, offset: 0, limit: 25 }, LIST_TAXONOMIES);
    assert.equal(after.labels.find((l) => l.statement_id === target.statement_id && l.taxonomy === 'risk-domain')?.code, other);
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

test(`[${ENGINE}] a renamed topic makes the index stale: the search page never shows the old name`, async () => {
  const store = await openTestStore();
  try {
    await buildSynthetic(store, { statements: 40, documents: 2, seed: 5 });
    const db = store.db;
    await db.query(`INSERT INTO topics (id, ord, name_en, name_zh, description_en, lexicon_version) VALUES ('t-old', 1, 'Old name', NULL, 'x', 't1')`);
    const reg = store.taxonomies;
    const { query } = parseQuery(new URLSearchParams(''), reg);
    const req = { query, facets: FACETS, offset: 0, limit: 10 };
    await freshIndex(db, { wait: true });
    const first = await searchPageData(db, reg, req, LIST_TAXONOMIES);
    assert.equal(first.via, 'index');
    assert.equal(first.topics.find((t) => t.id === 't-old')?.name_en, 'Old name');
    await db.query(`UPDATE topics SET name_en = 'New name' WHERE id = 't-old'`);
    const next = await searchPageData(db, reg, req, LIST_TAXONOMIES);
    assert.equal(next.topics.find((t) => t.id === 't-old')?.name_en, 'New name');
    await freshIndex(db, { wait: true });
    const rebuilt = await searchPageData(db, reg, req, LIST_TAXONOMIES);
    assert.equal(rebuilt.via, 'index');
    assert.equal(rebuilt.topics.find((t) => t.id === 't-old')?.name_en, 'New name');
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

// The search thread (GOVNAV_SEARCH_THREAD=1, as `govnav serve` runs): the index is built and
// searched there, with the same results as on the calling thread; while the thread is busy with a
// search, the main thread still answers a cached page; a stale index is never used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { parseQuery } from '../../src/search/query.ts';
import { holdSearchThread } from '../../src/search/thread.ts';
import { forgetIndex, freshIndex } from '../../src/store/search-index.ts';
import { runSearch } from '../../src/store/search.ts';
import { startServer } from '../../src/web/server.ts';
import { buildSynthetic } from '../api/synthetic.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const FACETS = ['kind', 'doctype', 'year', 'language', 'dataset', 'review', 'doc', 'topic', 'risk-domain', 'mitigation-v2', 'lifecycle'];

function withThread<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  const before = process.env.GOVNAV_SEARCH_THREAD;
  process.env.GOVNAV_SEARCH_THREAD = on ? '1' : '0';
  return fn().finally(() => {
    if (before === undefined) delete process.env.GOVNAV_SEARCH_THREAD;
    else process.env.GOVNAV_SEARCH_THREAD = before;
  });
}

test(`[${ENGINE}] search thread: the same totals, pages and facet counts as the index on the calling thread`, async () => {
  const store = await openTestStore();
  try {
    await buildSynthetic(store, { statements: 200, documents: 6, seed: 9 });
    const reg = store.taxonomies;
    const queries = ['', 'q=audit', 'kind=risk&risk-domain=2', 'review=machine&review=unlabelled', 'dataset=synth-a&sort=year', 'q=monitoring&sort=id', 'year_from=2020'];
    const run = async () => {
      const out: unknown[] = [];
      for (const qs of queries) {
        const { query } = parseQuery(new URLSearchParams(qs), reg);
        const r = await runSearch(store.db, reg, { query, facets: FACETS, offset: 3, limit: 10 });
        assert.equal(r.via, 'index', qs);
        out.push({ total: r.total, ids: r.items.map((h) => h.id), facets: r.facets });
      }
      return out;
    };
    const local = await withThread(false, async () => {
      const ix = await freshIndex(store.db, { wait: true });
      assert.equal(ix?.where, 'local');
      return run();
    });
    forgetIndex(store.db);
    const threaded = await withThread(true, async () => {
      const ix = await freshIndex(store.db, { wait: true });
      assert.equal(ix?.where, 'thread', 'the index lives in the search thread');
      assert.equal(ix?.size, 200);
      return run();
    });
    assert.deepEqual(threaded, local);
  } finally {
    forgetIndex(store.db);
    await store.close();
  }
});

test(`[${ENGINE}] search thread: a cached page is answered while a search waits on the busy search thread`, async () => {
  await withThread(true, async () => {
    const store = await openTestStore();
    const config = { ...loadConfig({}, process.cwd()), databaseUrl: undefined };
    const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
    try {
      const { statementIds } = await buildSynthetic(store, { statements: 80, documents: 3, seed: 4 });
      assert.equal((await freshIndex(store.db, { wait: true }))?.where, 'thread');
      const page = `${server.url}/m/${statementIds[0]}`;
      // Cache the page (the data version settles after the writes above).
      let cached = false;
      for (let i = 0; i < 50 && !cached; i++) {
        const r = await fetch(page);
        await r.arrayBuffer();
        cached = r.headers.get('x-cache') === 'hit';
        if (!cached) await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(cached, 'the statement page is cached');
      // Occupy the search thread, as a long search would; an uncached search then waits for it.
      const hold = holdSearchThread();
      let searchDone = false;
      const search = fetch(`${server.url}/search.json?q=audit&kind=mitigation`).then(async (r) => {
        searchDone = true;
        return { status: r.status, body: (await r.json()) as { total: number } };
      });
      const r = await fetch(page);
      await r.arrayBuffer();
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-cache'), 'hit');
      assert.equal(searchDone, false, 'the search is still waiting for the search thread');
      hold.release();
      await hold.done;
      const s = await search;
      assert.equal(s.status, 200);
      const { query } = parseQuery(new URLSearchParams('q=audit&kind=mitigation'), store.taxonomies);
      const expected = await runSearch(store.db, store.taxonomies, { query, facets: [], offset: 0, limit: 0 });
      assert.equal(expected.via, 'index');
      assert.equal(s.body.total, expected.total);
    } finally {
      await server.close();
      forgetIndex(store.db);
      await store.close();
    }
  });
});

test(`[${ENGINE}] search thread: after a write the thread's index is not used until rebuilt`, async () => {
  await withThread(true, async () => {
    const store = await openTestStore();
    try {
      const { statementIds } = await buildSynthetic(store, { statements: 40, documents: 2, seed: 6 });
      const reg = store.taxonomies;
      const { query } = parseQuery(new URLSearchParams(''), reg);
      const req = { query, facets: ['kind'], offset: 0, limit: 5 };
      const ix = await freshIndex(store.db, { wait: true });
      assert.equal(ix?.where, 'thread');
      const before = await runSearch(store.db, reg, req);
      assert.equal(before.via, 'index');
      await store.db.query('UPDATE statements SET retired_at = now() WHERE id = $1', [statementIds[0]]);
      const after = await runSearch(store.db, reg, req);
      assert.equal(after.via, 'sql', 'a stale index is not used');
      assert.equal(after.total, before.total - 1);
      assert.ok(await freshIndex(store.db, { wait: true }));
      const again = await runSearch(store.db, reg, req);
      assert.equal(again.via, 'index');
      assert.equal(again.total, before.total - 1);
      assert.deepEqual(again.facets, after.facets);
    } finally {
      forgetIndex(store.db);
      await store.close();
    }
  });
});

// One search evaluated at a time per process (the default of GOVNAV_EXPENSIVE_CONCURRENCY): while a
// search holds the slot (its search thread kept busy) and another waits in the queue, cached pages,
// a cached search page among them, are answered at once: they never queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { loadConfig } from '../../src/config.ts';
import { holdSearchThread } from '../../src/search/thread.ts';
import { forgetIndex, freshIndex } from '../../src/store/search-index.ts';
import { limitsFromEnv } from '../../src/web/expensive.ts';
import { startServer } from '../../src/web/server.ts';
import { buildSynthetic } from '../api/synthetic.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

/** A GET on a connection of its own (no keep-alive reuse races on a loaded machine). */
function get(url: string): Promise<{ status: number; cache: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cache: res.headers['x-cache'] as string | undefined, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function untilCached(url: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await get(url);
    if (r.cache === 'hit') return;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`${url} was never answered from the cache`);
}

test('searches are evaluated one at a time per process unless configured otherwise', () => {
  assert.equal(limitsFromEnv({}).concurrency, 1);
  assert.equal(limitsFromEnv({ GOVNAV_EXPENSIVE_CONCURRENCY: '3' }).concurrency, 3);
});

// On PostgreSQL a change notice from the corpus writes can arrive after the pages were cached (LISTEN
// is asynchronous): the "cached" search page would then be a miss that queues behind the held
// search and the test would wait forever. On PGlite notices are delivered in-process, at once.
// A timeout turns any such hang into a failure that names this test.
test(`[${ENGINE}] cached pages are answered while one search runs and another waits in the queue`, { timeout: 120_000, skip: ENGINE === 'postgres' && 'PGlite only: change notices on PostgreSQL arrive asynchronously' }, async () => {
  const before = { thread: process.env.GOVNAV_SEARCH_THREAD, conc: process.env.GOVNAV_EXPENSIVE_CONCURRENCY };
  process.env.GOVNAV_SEARCH_THREAD = '1';
  delete process.env.GOVNAV_EXPENSIVE_CONCURRENCY;
  const store = await openTestStore();
  const config = { ...loadConfig({}, process.cwd()), databaseUrl: undefined };
  const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
  let hold: ReturnType<typeof holdSearchThread> | undefined;
  try {
    const { statementIds } = await buildSynthetic(store, { statements: 60, documents: 3, seed: 8 });
    assert.equal((await freshIndex(store.db, { wait: true }))?.where, 'thread');
    const cachedSearch = `${server.url}/search?q=audit`;
    const statement = `${server.url}/m/${statementIds[0]}`;
    await untilCached(cachedSearch);
    await untilCached(statement);
    hold = holdSearchThread();
    const settled: string[] = [];
    const uncached = ['q=monitoring', 'q=testing&kind=risk'].map((qs) =>
      get(`${server.url}/search.json?${qs}`).then((r) => {
        settled.push(qs);
        return { status: r.status, total: (JSON.parse(r.body) as { total: number }).total };
      }),
    );
    // Give both searches time to reach the server: the first holds the slot, the second queues.
    await new Promise((res) => setTimeout(res, 300));
    for (const url of [cachedSearch, statement]) {
      const r = await get(url);
      assert.equal(r.status, 200, url);
      assert.equal(r.cache, 'hit', url);
    }
    assert.deepEqual(settled, [], 'both searches are still waiting (one on the search thread, one in the queue)');
    hold.release();
    await hold.done;
    hold = undefined;
    for (const s of await Promise.all(uncached)) assert.equal(s.status, 200);
  } finally {
    hold?.release();
    await server.close();
    forgetIndex(store.db);
    await store.close();
    for (const [k, v] of [['GOVNAV_SEARCH_THREAD', before.thread], ['GOVNAV_EXPENSIVE_CONCURRENCY', before.conc]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

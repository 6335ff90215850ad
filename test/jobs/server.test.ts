// The web server on shutdown and on data changes: /readyz is ready while serving; close() lets a
// request in flight finish before the server stops; a change announced in the process drops the
// cached pages at once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/web/server.ts';
import { announceDataChange } from '../../src/store/notify.ts';
import { upsertDataset, upsertDocument, type Store } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/store.ts';

process.env.GOVNAV_VERSION_POLL_MS = '3600000';
import { testConfig } from '../web/fixture.ts';

const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
});

test('readyz, a request in flight finishes during a graceful close, announced changes drop cached pages', async () => {
  const store = await openTestStore();
  stores.push(store);
  await upsertDataset(store.db, { id: 'srv', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const doc = await upsertDocument(store.db, {
    sourceKey: 'k', title: 'First title', year: 2024, docType: 'framework', language: 'en',
    provenance: { dataset: 'srv', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' }, meta: {},
  });
  // A gate on one query, so that a request can be held in flight.
  let gate: Promise<void> | undefined;
  let reached: () => void = () => {};
  const query = store.db.query.bind(store.db);
  (store.db as { query: typeof store.db.query }).query = (async (sql: string, params?: unknown[]) => {
    if (gate && /FROM documents/i.test(sql)) {
      reached();
      await gate;
    }
    return query(sql, params);
  }) as typeof store.db.query;
  const s = await startServer(store, testConfig(), { port: 0, host: '127.0.0.1' });
  const ready = await fetch(`${s.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal(((await ready.json()) as { ready: boolean }).ready, true);

  // cached page; an announced change makes the next request render it again
  const page = `/d/${doc.id}`;
  const a = await fetch(s.url + page);
  assert.equal(a.status, 200);
  await a.text();
  const b = await fetch(s.url + page);
  await b.text();
  assert.equal(b.headers.get('x-cache'), 'hit');
  await store.db.query(`UPDATE documents SET title = 'Second title' WHERE id = $1`, [doc.id]);
  if (store.db.kind === 'pglite') {
    // one process owns PGlite: its writers announce changes in-process
    const stale = await (await fetch(s.url + page)).text();
    assert.match(stale, /First title/, 'without an announcement the cached page is still served (the poll is slow)');
    announceDataChange();
  }
  // on PostgreSQL the UPDATE's own notification (LISTEN) drops the page
  let fresh = await fetch(s.url + page);
  let text = await fresh.text();
  for (let i = 0; i < 100 && !/Second title/.test(text); i++) {
    await new Promise((r) => setTimeout(r, 100));
    fresh = await fetch(s.url + page);
    text = await fresh.text();
  }
  assert.match(text, /Second title/);
  assert.notEqual(fresh.headers.get('x-cache'), 'hit');

  // hold a request, close, release: the request completes, then close resolves
  let release!: () => void;
  gate = new Promise<void>((r) => (release = r));
  const atGate = new Promise<void>((r) => (reached = r));
  const inFlight = fetch(`${s.url}/d?x=1`, { headers: { connection: 'close' } });
  await atGate;
  let closed = false;
  const closing = s.close({ graceMs: 60_000 }).then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(closed, false, 'close waits for the request in flight');
  release();
  const res = await inFlight;
  assert.equal(res.status, 200);
  await res.text();
  await closing;
  assert.equal(closed, true);
  await assert.rejects(() => fetch(`${s.url}/readyz`));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { startServer } from '../../src/web/server.ts';
import { SECURITY_HEADERS } from '../../src/web/security.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

test(`[${ENGINE}] cached pages are served before the framework with the same bytes and headers`, async () => {
  const store = await openTestStore();
  const config = { ...loadConfig({}, process.cwd()), databaseUrl: undefined };
  const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
  try {
    const { id } = await upsertDocument(store.db, {
      sourceKey: 'fp',
      title: 'Fast path <b>doc</b>',
      provenance: { dataset: 'fp', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' },
    });
    const { ids } = await upsertStatements(store.db, id, [{ sourceKey: 'a', kind: 'mitigation', ord: 0, name: 'Audit <script>', text: 'Audit the system.' }]);
    const path = `/m/${ids.get('a')}`;
    const base = server.url;
    const get = () => fetch(base + path, { headers: { 'accept-encoding': 'identity' } });
    let first = await get();
    let firstBody = await first.text();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-cache'), 'miss');
    assert.ok(firstBody.includes('Audit &lt;script&gt;'));
    // The writes above change the data version in the background (a change notice, then a re-read
    // of the version): a page cached just before the re-read lands is keyed by the older version.
    // Once the version has settled, the next request is answered from the cache.
    let second = await get();
    for (let i = 0; i < 50 && second.headers.get('x-cache') !== 'hit'; i++) {
      first = second;
      firstBody = await first.text();
      await new Promise((r) => setTimeout(r, 100));
      second = await get();
    }
    assert.equal(second.headers.get('x-cache'), 'hit');
    assert.equal(await second.text(), firstBody);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(second.headers.get(k), v, k);
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    // Revalidation answers 304 without a body.
    const revalidated = await fetch(base + path, { headers: { 'if-none-match': second.headers.get('etag')!, 'accept-encoding': 'identity' } });
    assert.equal(revalidated.status, 304);
    // Language: the Chinese page is a different cache entry; a ?lang= switch goes through the app and sets the cookie.
    const zh = await fetch(base + path + '?lang=zh');
    assert.match(zh.headers.get('set-cookie') ?? '', /govnav_lang=zh/);
    assert.match(await zh.text(), /<html lang="zh-Hans">/);
    const zhByCookie = await fetch(base + path, { headers: { cookie: 'govnav_lang=zh' } });
    assert.match(await zhByCookie.text(), /<html lang="zh-Hans">/);
    const en = await fetch(base + path, { headers: { 'accept-encoding': 'identity' } });
    assert.match(await en.text(), /<html lang="en">/);
  } finally {
    await server.close();
    await store.close();
  }
});

test(`[${ENGINE}] retiring a statement changes the data version, so cached pages are not served stale`, async () => {
  const store = await openTestStore();
  try {
    const { readDataVersion } = await import('../../src/web/app.ts');
    const { id } = await upsertDocument(store.db, {
      sourceKey: 'rv',
      title: 'Retire me',
      provenance: { dataset: 'rv', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' },
    });
    const two = [
      { sourceKey: 'a', kind: 'risk' as const, ord: 0, name: 'Kept', text: 'Kept.' },
      { sourceKey: 'b', kind: 'risk' as const, ord: 1, name: 'Dropped', text: 'Dropped.' },
    ];
    await upsertStatements(store.db, id, two);
    const before = await readDataVersion({ store });
    // Timestamps need to move on for the version to differ.
    await new Promise((r) => setTimeout(r, 20));
    const rep = await upsertStatements(store.db, id, two.slice(0, 1), { retireMissing: true });
    assert.equal(rep.retired, 1);
    assert.notEqual(await readDataVersion({ store }), before);
  } finally {
    await store.close();
  }
});

// The page cache stores pages ready to send (bytes, ETag, headers per variant, a gzip copy made
// once), and the server's data-version tracker coalesces bursts of change notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { hitOf, makeEntry, pageCache, LruCache, type Entry } from '../../src/web/components/page-cache.ts';
import { VersionTracker } from '../../src/web/server.ts';
import { SECURITY_HEADERS } from '../../src/web/security.ts';
import type { AppEnv } from '../../src/web/context.ts';

const page = `<!doctype html><p>${'Audit the system before release. '.repeat(200)}</p>`;

test('a cached entry carries its gzip copy (made on the first hit that accepts it) and the headers of each variant, built once', () => {
  const body = Buffer.from(page, 'utf8');
  const e = makeEntry(body, 'text/html; charset=UTF-8');
  assert.equal(e.gz, undefined, 'nothing is compressed before a hit asks for it');
  const plain = hitOf(e, false);
  assert.equal(e.gz, undefined, 'a plain hit compresses nothing');
  const gz = hitOf(e, true);
  assert.ok((e as Entry).gz, 'made by the gzip hit');
  assert.equal(gunzipSync(gz.body).toString('utf8'), page);
  assert.equal(plain.body, e.body);
  assert.equal(gz.body, (e as Entry).gz);
  assert.equal(plain.headers['Content-Length'], String(body.byteLength));
  assert.equal(gz.headers['Content-Length'], String(gz.body.byteLength));
  assert.equal(gz.headers['Content-Encoding'], 'gzip');
  assert.equal(plain.headers['Content-Encoding'], undefined);
  assert.notEqual(gz.etag, plain.etag);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(plain.headers[k], v, k);
    assert.equal(gz.headers[k], v, k);
  }
  // The same objects on every later hit: no per-request work beyond the lookup.
  const again = hitOf(e, true);
  assert.equal(again.body, gz.body);
  assert.equal(again.headers, gz.headers);
  assert.equal(hitOf(e, false).headers, plain.headers);
});

function appWith(cache: LruCache<Entry>, render: (c: import('hono').Context<AppEnv>) => Response | Promise<Response>) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('ctx', { dataVersion: () => 'v1' } as never);
    c.set('lang', 'en');
    await next();
  });
  app.use('*', pageCache(cache));
  app.get('/about', render);
  return app;
}

test('a rendered page is stored as the bytes that were sent, and a hit sends them again with the same ETag', async () => {
  const cache = new LruCache<Entry>();
  let renders = 0;
  const { html } = await import('../../src/web/html.ts');
  const app = appWith(cache, (c) => {
    renders++;
    return c.html(html`<!doctype html><p>${'<escaped> & '}${page}</p>`);
  });
  const miss = await app.request('/about', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(miss.headers.get('x-cache'), 'miss');
  const missBody = await miss.text();
  assert.match(missBody, /&lt;escaped&gt; &amp;/);
  const hit = await app.request('/about', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(hit.headers.get('x-cache'), 'hit');
  assert.equal(await hit.text(), missBody);
  assert.equal(hit.headers.get('etag'), miss.headers.get('etag'));
  assert.equal(renders, 1);
  const gz = await app.request('/about', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString('utf8'), missBody);
  const revalidate = await app.request('/about', { headers: { 'if-none-match': hit.headers.get('etag')!, 'accept-encoding': 'identity' } });
  assert.equal(revalidate.status, 304);
  assert.equal(revalidate.headers.get('content-type'), null);
});

test('a page answered otherwise than with c.html is still stored from its body', async () => {
  const cache = new LruCache<Entry>();
  const app = appWith(cache, (c) => c.body(page, 200, { 'content-type': 'text/html; charset=UTF-8' }));
  const miss = await app.request('/about');
  assert.equal(await miss.text(), page);
  const hit = await app.request('/about', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(hit.headers.get('x-cache'), 'hit');
  assert.equal(await hit.text(), page);
});

test('a burst of change notices retags at once for each, but reads the data version at most once at a time', async () => {
  let release!: () => void;
  let version = 'a';
  const cleared: number[] = [];
  const tracker = new VersionTracker(
    () =>
      new Promise<string>((resolve) => {
        release = () => resolve(version);
      }),
    () => cleared.push(1),
  );
  const first = tracker.refresh();
  release();
  await first;
  assert.equal(tracker.reads, 1);
  const tags = new Set([tracker.tag]);
  version = 'b';
  for (let i = 0; i < 50; i++) {
    tracker.invalidate();
    // Every notice gives a new tag at once: no page rendered before it is served after it.
    assert.ok(!tags.has(tracker.tag), 'a new tag for each notice');
    tags.add(tracker.tag);
  }
  assert.equal(cleared.length, 50);
  // One read is running; the 49 notices that came during it make one more read, not 49.
  assert.equal(tracker.reads, 2);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(tracker.reads, 3);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(tracker.reads, 3);
  const before = tracker.tag;
  tracker.invalidate();
  assert.notEqual(tracker.tag, before);
  assert.equal(tracker.reads, 4);
  release();
});

// The search routes: the HTML page and its JSON twin (/search.json, Accept: application/json) come
// from one read model and agree; /api/v1/search pages with signed cursors; hostile parameters are
// 400s with a message, never 500s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint } from '../../src/api/http.ts';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from '../web/fixture.ts';

type T = Awaited<ReturnType<typeof openTestApp>>;
let t: T;
before(async () => {
  t = await openTestApp({ cursorSecret: 'test-cursor-secret-0123456789' });
});
after(async () => {
  await t?.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const r = await t.app.request(path, { headers });
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text(), headers: r.headers };
};

test(`[${ENGINE}] /search and /search.json show the same statements, count and facets`, async () => {
  for (const qs of ['', 'q=assessments', 'kind=mitigation&mitigation-v2=2', 'q=assessments&sort=id']) {
    const page = await get(`/search${qs ? '?' + qs : ''}`);
    const json = await get(`/search.json${qs ? '?' + qs : ''}`);
    assert.equal(page.status, 200, qs);
    assert.equal(json.status, 200, qs);
    assert.match(json.type, /application\/json/);
    const data = JSON.parse(json.body) as { total: number; items: { id: string }[]; facets: Record<string, { value: string; count: number }[]>; html: string };
    // The page states the same total and lists the same statements in the same order.
    const n = data.total === 1 ? /1 statement matches/ : new RegExp(`${data.total} statements match`);
    assert.match(page.body, n, qs);
    const listed = [...page.body.matchAll(/<li>\s*<div class="stmt-head">[\s\S]*?href="\/m\/([A-Z]\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(listed, data.items.map((i) => i.id), qs);
    // Kind facet counts shown on the page are the twin's.
    for (const v of data.facets.kind ?? []) assert.ok(page.body.includes(`<span class="n">${v.count}</span>`), `${qs} kind ${v.value}`);
    assert.ok(page.body.includes(`rel="alternate" type="application/json" href="/search.json`), 'the page links its twin');
  }
});

test(`[${ENGINE}] Accept: application/json on /search answers JSON, even when the HTML page is cached`, async () => {
  await get('/search?q=assessments');
  const again = await get('/search?q=assessments');
  assert.match(again.type, /text\/html/);
  const json = await get('/search?q=assessments', { accept: 'application/json' });
  assert.match(json.type, /application\/json/);
  assert.deepEqual(JSON.parse(json.body), JSON.parse((await get('/search.json?q=assessments')).body));
  assert.match(json.headers.get('vary') ?? '', /Accept/);
});

test(`[${ENGINE}] hostile search parameters are 400 with a message, never 500`, async () => {
  const cases = [
    '/search.json?sort=constructor',
    '/search.json?sort=__proto__',
    '/search.json?constructor=1',
    '/search.json?__proto__=x',
    '/search.json?toString=1&kind=mitigation',
    '/search.json?page=1e20',
    '/search.json?page=-3',
    '/search.json?page=99999999999999999999',
    '/search.json?q=a%00b',
    '/search.json?kind=%00',
    '/search?sort=constructor',
    '/search?hasOwnProperty=1',
    '/search?page=1e20',
    '/api/v1/search?sort=constructor',
    '/api/v1/search?valueOf=1',
    '/api/v1/search?facets=constructor',
    '/api/v1/search?facets=__proto__',
    '/api/v1/search?q=%00',
    '/api/v1/search?limit=1e20',
  ];
  for (const path of cases) {
    const r = await get(path);
    assert.equal(r.status, 400, `${path} → ${r.status}: ${r.body.slice(0, 200)}`);
    if (path.startsWith('/api/') || path.includes('.json')) {
      const body = JSON.parse(r.body) as { message: string };
      assert.ok(body.message.length > 10, path);
    }
  }
  const sortErr = JSON.parse((await get('/search.json?sort=constructor')).body) as { message: string };
  assert.match(sortErr.message, /sort/);
});

test(`[${ENGINE}] /api/v1/search pages with signed cursors; a forged or foreign cursor is a 400`, async () => {
  const first = JSON.parse((await get('/api/v1/search?limit=2&sort=id')).body) as { total: number; items: { id: string }[]; next: string | null };
  assert.ok(first.total > 2);
  assert.ok(first.next);
  const second = JSON.parse((await get(`/api/v1/search?limit=2&sort=id&cursor=${encodeURIComponent(first.next)}`)).body) as { items: { id: string }[] };
  assert.equal(second.items.length, 2);
  assert.ok(second.items.every((i) => !first.items.some((f) => f.id === i.id)), 'the next page follows on');
  const [payload, mac] = first.next.split('.') as [string, string];
  const forged = [
    // Same shape, another offset, the old MAC.
    `${Buffer.from(JSON.stringify({ o: 1 })).toString('base64url')}.${mac}`,
    // The unsigned form of older versions, with the right query fingerprint (anyone can compute it).
    Buffer.from(JSON.stringify({ o: 2, f: fingerprint('search', 'sort=id') })).toString('base64url'),
    `${payload}.${'A'.repeat(22)}`,
    `${Buffer.from(JSON.stringify({ o: 1e300 })).toString('base64url')}.${mac}`,
    'not a cursor',
  ];
  for (const c of forged) {
    const r = await get(`/api/v1/search?limit=2&sort=id&cursor=${encodeURIComponent(c)}`);
    assert.equal(r.status, 400, c);
    assert.match((JSON.parse(r.body) as { message: string }).message, /cursor/);
  }
  // A real cursor of another query is refused too.
  const other = await get(`/api/v1/search?limit=2&sort=id&kind=risk&cursor=${encodeURIComponent(first.next)}`);
  assert.equal(other.status, 400);
});

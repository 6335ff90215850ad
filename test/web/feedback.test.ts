import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from './fixture.ts';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  body: new URLSearchParams(fields).toString(),
});

async function rows(t: Awaited<ReturnType<typeof openTestApp>>) {
  return t.store.db.query<{ page: string; kind: string; message: string; email: string | null; client_hash: string | null }>(
    'SELECT page, kind, message, email, client_hash FROM feedback ORDER BY id',
  );
}

test(`[${ENGINE}] the feedback form is labelled, stores valid messages with their page, and rejects invalid ones`, async () => {
  const t = await openTestApp();
  try {
    const page = await t.app.request('/feedback?page=' + encodeURIComponent('/m/M000001?lang=zh'));
    const html = await page.text();
    assert.equal(page.status, 200);
    for (const f of ['fb-kind', 'fb-message', 'fb-email']) assert.match(html, new RegExp(`<label for="${f}">`));
    assert.match(html, /name="page" value="\/m\/M000001\?lang=zh"/);
    assert.match(html, /name="website" type="text" tabindex="-1"/);

    const ok = await t.app.request('/feedback', form({ page: '/m/M000001', kind: 'error', message: 'The lifecycle label looks wrong <b>here</b>.', email: '' }));
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get('location')!, /^\/feedback\/thanks\?page=%2Fm%2FM000001$/);
    let r = await rows(t);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.page, '/m/M000001');
    assert.equal(r[0]!.kind, 'error');
    assert.equal(r[0]!.email, null);
    assert.match(r[0]!.client_hash!, /^[0-9a-f]{24}$/);

    // too short, bad email, unknown kind: 400 with the fields marked, nothing stored
    const short = await t.app.request('/feedback', form({ page: '/', message: 'x', email: 'not-an-email', kind: 'praise' }));
    assert.equal(short.status, 400);
    const shortHtml = await short.text();
    assert.match(shortHtml, /id="fb-message"[^>]*aria-invalid="true"/);
    assert.match(shortHtml, /id="fb-email"[^>]*aria-invalid="true"/);
    assert.match(shortHtml, /id="fb-kind"[^>]*aria-invalid="true"/);
    // an absolute URL is not accepted as the page (the "back" link stays on this site)
    await t.app.request('/feedback', form({ page: 'https://evil.example/', message: 'hello there' }));
    r = await rows(t);
    assert.equal(r.length, 2);
    assert.equal(r[1]!.page, '/');

    // the honeypot: looks like success, nothing stored
    const bot = await t.app.request('/feedback', form({ page: '/', message: 'buy cheap things', website: 'http://spam' }));
    assert.equal(bot.status, 303);
    assert.equal((await rows(t)).length, 2);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] feedback bodies over 16 KB are refused`, async () => {
  const t = await openTestApp();
  try {
    const big = await t.app.request('/feedback', form({ page: '/', message: 'a'.repeat(17 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal((await rows(t)).length, 0);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] each client may post a few times; then 429 with Retry-After`, async () => {
  const t = await openTestApp();
  try {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await t.app.request('/feedback', form({ page: '/', message: `message number ${i}` }));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses.slice(0, 5), [303, 303, 303, 303, 303]);
    assert.equal(statuses[5], 429);
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal((await rows(t)).length, 5);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] without a configured secret the admin area explains how to enable it and lists nothing`, async () => {
  const t = await openTestApp();
  try {
    await t.app.request('/feedback', form({ page: '/', message: 'secret content here' }));
    for (const p of ['/admin', '/admin/feedback', '/admin/login']) {
      const res = await t.app.request(p);
      const body = await res.text();
      assert.equal(res.status, 404);
      assert.match(body, /GOVNAV_ADMIN_SECRET/);
      assert.ok(!body.includes('secret content here'));
    }
    const post = await t.app.request('/admin/login', form({ secret: '' }));
    assert.equal(post.status, 404);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] the admin list needs the secret: 401 or a redirect without it, the list with it`, async () => {
  const t = await openTestApp({ adminSecret: 'correct horse battery staple' });
  try {
    await t.app.request('/feedback', form({ page: '/d/D0001', kind: 'suggestion', message: 'Add the <script>alert(1)</script> year please' }));
    const anon = await t.app.request('/admin/feedback');
    assert.equal(anon.status, 401);
    const browser = await t.app.request('/admin/feedback', { headers: { accept: 'text/html' } });
    assert.equal(browser.status, 303);
    assert.equal(browser.headers.get('location'), '/admin/login');
    const forged = await t.app.request('/admin/feedback', { headers: { cookie: 'govnav_admin=' + 'a'.repeat(64) } });
    assert.equal(forged.status, 401);
    const wrong = await t.app.request('/admin/login', form({ secret: 'correct horse' }));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);

    const login = await t.app.request('/admin/login', form({ secret: 'correct horse battery staple' }));
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /govnav_admin=[0-9a-f]{64}/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes('correct horse'), 'the cookie never holds the secret');
    const list = await t.app.request('/admin/feedback', { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('cache-control'), 'no-store');
    const html = await list.text();
    assert.match(html, /href="\/d\/D0001"/);
    assert.match(html, /Add the &lt;script&gt;alert\(1\)&lt;\/script&gt; year please/);
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from './fixture.ts';
import { browser } from '../helpers/auth.ts';

// Every form carries a CSRF token: posts go through a test browser that keeps cookies and adds it.
const post = (t: { app: Awaited<ReturnType<typeof openTestApp>>['app'] }, path: string, fields: Record<string, string>) => browser(t.app).post(path, fields);

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

    const ok = await post(t, '/feedback', ({ page: '/m/M000001', kind: 'error', message: 'The lifecycle label looks wrong <b>here</b>.', email: '' }));
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get('location')!, /^\/feedback\/thanks\?page=%2Fm%2FM000001$/);
    let r = await rows(t);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.page, '/m/M000001');
    assert.equal(r[0]!.kind, 'error');
    assert.equal(r[0]!.email, null);
    assert.match(r[0]!.client_hash!, /^[0-9a-f]{24}$/);

    // too short, bad email, unknown kind: 400 with the fields marked, nothing stored
    const short = await post(t, '/feedback', ({ page: '/', message: 'x', email: 'not-an-email', kind: 'praise' }));
    assert.equal(short.status, 400);
    const shortHtml = await short.text();
    assert.match(shortHtml, /id="fb-message"[^>]*aria-invalid="true"/);
    assert.match(shortHtml, /id="fb-email"[^>]*aria-invalid="true"/);
    assert.match(shortHtml, /id="fb-kind"[^>]*aria-invalid="true"/);
    // an absolute URL is not accepted as the page (the "back" link stays on this site)
    await post(t, '/feedback', ({ page: 'https://evil.example/', message: 'hello there' }));
    r = await rows(t);
    assert.equal(r.length, 2);
    assert.equal(r[1]!.page, '/');

    // the honeypot: looks like success, nothing stored
    const bot = await post(t, '/feedback', ({ page: '/', message: 'buy cheap things', website: 'http://spam' }));
    assert.equal(bot.status, 303);
    assert.equal((await rows(t)).length, 2);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] feedback bodies over 16 KB are refused`, async () => {
  const t = await openTestApp();
  try {
    const big = await post(t, '/feedback', ({ page: '/', message: 'a'.repeat(17 * 1024) }));
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
      last = await post(t, '/feedback', ({ page: '/', message: `message number ${i}` }));
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

test(`[${ENGINE}] without an admin account or secret the admin area explains how to make one and lists nothing`, async () => {
  const t = await openTestApp();
  try {
    await post(t, '/feedback', ({ page: '/', message: 'secret content here' }));
    for (const p of ['/admin', '/admin/login', '/admin/setup']) {
      const res = await t.app.request(p);
      const body = await res.text();
      assert.equal(res.status, 404);
      assert.match(body, /GOVNAV_ADMIN_SECRET/);
      assert.match(body, /govnav users add/);
      assert.ok(!body.includes('secret content here'));
    }
    const list = await t.app.request('/admin/feedback');
    assert.equal(list.status, 303, 'anonymous readers are sent to sign in');
    assert.ok(!(await list.text()).includes('secret content here'));
    const setup = await post(t, '/admin/setup', { secret: '', username: 'eve', password: 'a long password here' });
    assert.equal(setup.status, 404);
    assert.equal((await t.store.db.query('SELECT 1 FROM users')).length, 0);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] the admin secret creates the first admin account once; the feedback list needs that account`, async () => {
  const t = await openTestApp({ adminSecret: 'correct horse battery staple' });
  try {
    await post(t, '/feedback', ({ page: '/d/D0001', kind: 'suggestion', message: 'Add the <script>alert(1)</script> year please' }));
    assert.equal((await t.app.request('/admin')).headers.get('location'), '/admin/setup');
    const anon = await t.app.request('/admin/feedback', { headers: { accept: 'text/html' } });
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/signin?next=%2Fadmin%2Ffeedback');
    const old = await t.app.request('/admin/feedback', { headers: { cookie: 'govnav_admin=' + 'a'.repeat(64) } });
    assert.equal(old.status, 303, 'the old fixed admin cookie opens nothing');

    const b = browser(t.app);
    const wrong = await b.post('/admin/setup', { secret: 'correct horse', username: 'ada', password: 'a long password here' });
    assert.equal(wrong.status, 401);
    assert.equal(b.cookies.get('govnav_session'), undefined);
    assert.equal((await t.store.db.query('SELECT 1 FROM users')).length, 0);

    const made = await b.post('/admin/setup', { secret: 'correct horse battery staple', username: 'Ada', displayName: 'Ada L.', password: 'a long password here' });
    assert.equal(made.status, 303);
    assert.equal(made.headers.get('location'), '/admin/feedback');
    const cookie = made.headers.getSetCookie().find((c) => c.startsWith('govnav_session='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.ok(!cookie.includes('correct horse'), 'the cookie never holds the secret');
    const list = await b.request('/admin/feedback');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('cache-control'), 'no-store');
    const html = await list.text();
    assert.match(html, /href="\/d\/D0001"/);
    assert.match(html, /Add the &lt;script&gt;alert\(1\)&lt;\/script&gt; year please/);

    // once an admin exists the secret opens nothing more
    const again = await browser(t.app).post('/admin/setup', { secret: 'correct horse battery staple', username: 'mallory', password: 'a long password here' });
    assert.equal(again.status, 403);
    assert.deepEqual((await t.store.db.query<{ username: string; role: string }>('SELECT username, role FROM users')), [{ username: 'ada', role: 'admin' }]);
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { CSRF_COOKIE } from '../../src/auth/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const count = async (t: Awaited<ReturnType<typeof openTestApp>>) =>
  (parseRows(z.object({ n: z.coerce.number() }), await t.store.db.query('SELECT count(*)::int AS n FROM feedback'), 'test rows'))[0]!.n;

test(`[${ENGINE}] a form post without its CSRF token, with another browser's token, or without the cookie is refused with 403 and stores nothing`, async () => {
  const t = await openTestApp();
  try {
    const fields = { page: '/', kind: 'other', message: 'a message that is long enough' };
    const alice = browser(t.app);
    const mallory = browser(t.app);
    const malloryToken = await mallory.csrf();

    const none = await alice.post('/feedback', fields, { token: false });
    assert.equal(none.status, 403);
    assert.match(await none.text(), /CSRF token/);

    await alice.csrf(); // alice now has her own cookie
    const foreign = await alice.post('/feedback', { ...fields, _csrf: malloryToken });
    assert.equal(foreign.status, 403, "another browser's token does not match this browser's cookie");

    const forged = await alice.post('/feedback', { ...fields, _csrf: 'x'.repeat(43) });
    assert.equal(forged.status, 403);

    const noCookie = await t.app.request('/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: malloryToken }).toString(),
    });
    assert.equal(noCookie.status, 403, 'a token without the cookie it belongs to');

    const json = await t.app.request('/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie: alice.cookieHeader() },
      body: JSON.stringify(fields),
    });
    assert.equal(json.status, 403, 'JSON posts need the X-CSRF-Token header');
    assert.equal((await json.json()).error, 'csrf');
    assert.equal(await count(t), 0);

    const ok = await alice.post('/feedback', fields);
    assert.equal(ok.status, 303);
    assert.equal(await count(t), 1);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] the CSRF seed is an HttpOnly SameSite=Lax cookie, renewed at sign-in and sign-out so older tokens stop working`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: 'a long enough password', role: 'admin' }, undefined, { scrypt: { logN: 10, r: 8, p: 1 } });
    const b = browser(t.app);
    const page = await b.request('/signin');
    const set = page.headers.getSetCookie().find((c) => c.startsWith(CSRF_COOKIE + '='))!;
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/, 'a page with a token is never cached');
    const before = await b.csrf();
    await b.signIn('ann', 'a long enough password');
    const during = await b.csrf();
    assert.notEqual(during, before);
    const stale = await b.post('/feedback', { page: '/', message: 'a message that is long enough', _csrf: before });
    assert.equal(stale.status, 403, 'a token shown before sign-in no longer works');
    await b.signOut();
    assert.notEqual(await b.csrf(), during);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] every POST form on the rendered pages carries a valid CSRF field (anonymous and signed in)`, async () => {
  const t = await openTestApp({ adminSecret: 'the admin secret of this test' });
  try {
    const stmt = t.fx.ids.values().next().value as string;
    const paths = new Set<string>(['/feedback', '/signin', '/admin/setup', `/m/${stmt}`, `/m/${stmt}/suggest`]);
    // every GET route without parameters
    for (const r of t.app.routes) if (r.method === 'GET' && !r.path.includes(':') && !r.path.includes('*')) paths.add(r.path);
    const anon = browser(t.app);
    await createUser(t.store.db, { username: 'ann', password: 'a long enough password', role: 'admin' }, undefined, { scrypt: { logN: 10, r: 8, p: 1 } });
    const admin = await browser(t.app).signIn('ann', 'a long enough password');
    let forms = 0;
    const missing: string[] = [];
    for (const b of [anon, admin])
      for (const p of paths) {
        const res = await b.request(p, { headers: { accept: 'text/html' } });
        if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
        const body = await res.text();
        for (const m of body.matchAll(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/gi)) {
          forms++;
          if (!/name="_csrf" value="[\w-]{43}"/.test(m[1]!)) missing.push(`${p}: ${m[0].slice(0, 100)}`);
        }
      }
    assert.ok(forms >= 3, `found ${forms} POST forms`);
    assert.deepEqual(missing, []);
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { countSessions, hashSessionId } from '../../src/store/sessions.ts';
import { listAudit } from '../../src/store/audit.ts';
import { SESSION_COOKIE } from '../../src/auth/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const PW = 'a long enough password';
const FAST = { scrypt: { logN: 10, r: 8, p: 1 } };

test(`[${ENGINE}] sign-in sets an HttpOnly, SameSite=Lax session cookie holding a random id whose hash alone is stored`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'Rita', password: PW, role: 'reviewer', displayName: 'Rita R.' }, undefined, FAST);
    const b = browser(t.app);
    const res = await b.post('/signin', { username: 'rita', password: PW, next: '/review' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/review');
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith(SESSION_COOKIE + '='))!;
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/i, 'plain http: not Secure');
    const id = b.cookies.get(SESSION_COOKIE)!;
    assert.match(id, /^[\w-]{43}$/);
    const rows = parseRows(z.object({ id_hash: z.string() }), await t.store.db.query('SELECT id_hash FROM sessions'), 'test rows');
    assert.deepEqual(rows.map((r) => r.id_hash), [hashSessionId(id)]);
    assert.ok(!JSON.stringify(rows).includes(id), 'the raw id is not in the table');
    const who = await (await b.request('/signin')).text();
    assert.match(who, /signed in as <strong>Rita R\.<\/strong>/);
    const audit = await listAudit(t.store.db, { targetType: 'user', targetId: 'rita' });
    assert.deepEqual(audit.map((a) => a.action), ['user.create', 'signin.ok']);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] cookies are Secure over HTTPS, and always when the config says so`, async () => {
  const t = await openTestApp({ auth: { secureCookies: true } });
  try {
    await createUser(t.store.db, { username: 'sam', password: PW, role: 'contributor' }, undefined, FAST);
    const b = browser(t.app);
    const res = await b.post('/signin', { username: 'sam', password: PW });
    assert.equal(res.status, 303);
    for (const c of res.headers.getSetCookie()) assert.match(c, /;\s*Secure/i, c);
    const https = await t.app.request('https://govnav.example.org/signin');
    for (const c of https.headers.getSetCookie()) assert.match(c, /;\s*Secure/i, c);
  } finally {
    await t.close();
  }
  const t2 = await openTestApp();
  try {
    const https = await t2.app.request('https://govnav.example.org/signin');
    const set = https.headers.getSetCookie();
    assert.ok(set.length > 0);
    for (const c of set) assert.match(c, /;\s*Secure/i, 'an HTTPS request gets Secure cookies: ' + c);
  } finally {
    await t2.close();
  }
});

test(`[${ENGINE}] session fixation: the session id a browser had before signing in is worthless after it`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    await createUser(t.store.db, { username: 'bob', password: PW, role: 'contributor' }, undefined, FAST);
    // an attacker plants a session id of their choosing: it is not adopted
    const victim = browser(t.app);
    victim.cookies.set(SESSION_COOKIE, 'planted-by-the-attacker-0123456789abcdefghijk');
    await victim.signIn('ann', PW);
    const issued = victim.cookies.get(SESSION_COOKIE)!;
    assert.notEqual(issued, 'planted-by-the-attacker-0123456789abcdefghijk');
    const planted = await t.app.request('/admin/feedback', { headers: { cookie: `${SESSION_COOKIE}=planted-by-the-attacker-0123456789abcdefghijk` } });
    assert.equal(planted.status, 303, 'treated as anonymous: sent to sign in');
    // a real session id from before a new sign-in stops working once the browser signs in again
    await victim.signIn('bob', PW);
    const after = victim.cookies.get(SESSION_COOKIE)!;
    assert.notEqual(after, issued);
    const old = await t.app.request('/admin/feedback', { headers: { cookie: `${SESSION_COOKIE}=${issued}` } });
    assert.equal(old.status, 303, 'the id from before the second sign-in is gone');
    const me = await t.app.request('/signin', { headers: { cookie: `${SESSION_COOKIE}=${after}` } });
    assert.match(await me.text(), /signed in as <strong>bob<\/strong>/);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] sign-out deletes the session: the old cookie no longer opens anything`, async () => {
  const t = await openTestApp();
  try {
    const ann = await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    const b = browser(t.app);
    await b.signIn('ann', PW);
    const sid = b.cookies.get(SESSION_COOKIE)!;
    assert.equal((await b.request('/admin/feedback')).status, 200);
    const out = await b.signOut();
    assert.equal(out.status, 303);
    assert.equal(b.cookies.get(SESSION_COOKIE), undefined, 'the browser is told to drop the cookie');
    assert.equal(await countSessions(t.store.db, ann.id), 0);
    // someone who kept a copy of the cookie gets nothing
    const replay = await t.app.request('/admin/feedback', { headers: { cookie: `${SESSION_COOKIE}=${sid}` } });
    assert.equal(replay.status, 303);
    assert.match(replay.headers.get('location')!, /^\/signin\?next=/);
    assert.ok((await listAudit(t.store.db, { action: 'signout' })).length === 1);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] sessions end after the idle limit and at their absolute expiry`, async () => {
  const t = await openTestApp({ auth: { sessionIdleMinutes: 30, sessionAbsoluteHours: 2 } });
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    const b = browser(t.app);
    await b.signIn('ann', PW);
    assert.equal((await b.request('/admin/feedback')).status, 200);
    const [{ expires }] = parseRows(z.object({ expires: z.coerce.number() }), await t.store.db.query(`SELECT extract(epoch FROM expires_at - created_at)::int AS expires FROM sessions`), 'test rows') as [{ expires: number }];
    assert.equal(expires, 2 * 3600, 'absolute expiry from the config');
    await t.store.db.query(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes'`);
    assert.equal((await b.request('/admin/feedback')).status, 303, 'idle too long');
    await b.signIn('ann', PW);
    await t.store.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second'`);
    assert.equal((await b.request('/admin/feedback')).status, 303, 'past the absolute expiry');
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] after sign-in the browser returns only to a page of this site (no open redirect)`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    for (const [next, want] of [
      ['/admin/audit?type=user', '/admin/audit?type=user'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
      ['/signout', '/'],
    ] as const) {
      const res = await browser(t.app).post('/signin', { username: 'ann', password: PW, next });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), want, next);
    }
    const form = await (await t.app.request('/signin?next=' + encodeURIComponent('//evil.example'))).text();
    assert.match(form, /name="next" value="\/"/);
  } finally {
    await t.close();
  }
});

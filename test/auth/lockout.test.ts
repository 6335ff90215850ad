import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { listAudit } from '../../src/store/audit.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const PW = 'the right password';
const FAST = { scrypt: { logN: 10, r: 8, p: 1 } };

test(`[${ENGINE}] brute force: after N failures the account is locked, even for the right password, with a clear message of when to retry`, async () => {
  const t = await openTestApp({ auth: { maxFailedSignins: 3, lockMinutes: 10 } });
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'reviewer' }, undefined, FAST);
    const b = browser(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await b.post('/signin', { username: 'ann', password: `guess number ${i}` })).status);
    assert.deepEqual(statuses, [401, 401, 429], 'the third failure locks');
    const right = await b.post('/signin', { username: 'ANN', password: PW });
    assert.equal(right.status, 429, 'the right password does not open a locked account');
    const wait = Number(right.headers.get('retry-after'));
    assert.ok(wait > 9 * 60 && wait <= 10 * 60, `Retry-After ${wait}`);
    const body = await right.text();
    assert.match(body, /Too many failed sign-ins for this account\. Try again after \d\d:\d\d UTC \(in about 10 minutes\)/);
    assert.equal(b.cookies.get('govnav_session'), undefined);
    const actions = (await listAudit(t.store.db, { targetType: 'user', targetId: 'ann' })).map((a) => a.action);
    assert.deepEqual(actions, ['user.create', 'signin.fail', 'signin.fail', 'signin.locked']);
    // when the lock has run out, the right password works and the count starts afresh
    await t.store.db.query(`UPDATE users SET locked_until = now() - interval '1 second'`);
    assert.equal((await b.post('/signin', { username: 'ann', password: PW })).status, 303);
    const [u] = parseRows(z.object({ failed_signins: z.coerce.number(), locked_until: z.date().nullable() }), await t.store.db.query('SELECT failed_signins, locked_until FROM users'), 'test rows');
    assert.deepEqual(u, { failed_signins: 0, locked_until: null });
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] unknown names lock like real ones, and one address trying many names is locked out too`, async () => {
  const t = await openTestApp({ auth: { maxFailedSignins: 2, lockMinutes: 5 } });
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'reviewer' }, undefined, FAST);
    const b = browser(t.app);
    assert.equal((await b.post('/signin', { username: 'nobody', password: 'x1234567890' })).status, 401);
    assert.equal((await b.post('/signin', { username: 'nobody', password: 'x1234567890' })).status, 429);
    // per address: 4 × N failures across names
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push((await b.post('/signin', { username: `name${i}`, password: 'x1234567890' })).status);
    assert.equal(seen.at(-1), 429);
    const right = await b.post('/signin', { username: 'ann', password: PW });
    assert.equal(right.status, 429, 'the address is locked, whatever the account');
    assert.match(await right.text(), /Too many failed sign-ins from your network address/);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] a disabled account cannot sign in and its sessions end at once`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    await createUser(t.store.db, { username: 'bob', password: PW, role: 'reviewer' }, undefined, FAST);
    const b = browser(t.app);
    await b.signIn('bob', PW);
    assert.match(await (await b.request('/signin')).text(), /signed in as/);
    const { setDisabled, resetPassword } = await import('../../src/store/users.ts');
    await setDisabled(t.store.db, 'bob', true, { id: null, name: 'test' });
    assert.doesNotMatch(await (await b.request('/signin')).text(), /signed in as/);
    assert.equal((await b.post('/signin', { username: 'bob', password: PW })).status, 401);
    await setDisabled(t.store.db, 'bob', false, { id: null, name: 'test' });
    await b.signIn('bob', PW);
    await resetPassword(t.store.db, 'bob', 'a brand new password', { id: null, name: 'test' }, FAST);
    assert.doesNotMatch(await (await b.request('/signin')).text(), /signed in as/, 'a password reset ends the sessions');
    assert.equal((await b.post('/signin', { username: 'bob', password: PW })).status, 401);
    await b.signIn('bob', 'a brand new password');
  } finally {
    await t.close();
  }
});

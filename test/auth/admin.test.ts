import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { listAudit, recordAudit, statementHistory } from '../../src/store/audit.ts';
import { findUserByName } from '../../src/store/users.ts';

const PW = 'a long enough password';
const FAST = { scrypt: { logN: 10, r: 8, p: 1 } };

test(`[${ENGINE}] admins manage accounts in the browser; every change is audited with who did it and shown on /admin/audit`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: PW, role: 'admin' }, undefined, FAST);
    await createUser(t.store.db, { username: 'rex', password: PW, role: 'reviewer' }, undefined, FAST);
    const admin = await browser(t.app).signIn('ann', PW);
    const rex = await browser(t.app).signIn('rex', PW);
    assert.equal((await rex.request('/admin/users')).status, 403, 'a reviewer is not an admin');
    assert.equal((await rex.post('/admin/users/rex/role', { role: 'admin' })).status, 403);
    assert.equal((await findUserByName(t.store.db, 'rex'))!.role, 'reviewer');

    const page = await admin.request('/admin/users');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(await page.text(), /<td>rex<\/td>/);

    assert.equal((await admin.post('/admin/users', { username: 'cora', displayName: 'Cora', role: 'contributor', password: PW })).status, 303);
    const bad = await admin.post('/admin/users', { username: 'dan', role: 'contributor', password: 'short' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /at least 10 characters/);
    assert.equal((await admin.post('/admin/users/cora/role', { role: 'reviewer' })).status, 303);
    assert.equal((await admin.post('/admin/users/rex/disable')).status, 303);
    assert.equal((await rex.request('/review')).status, 303, "the disabled reviewer's session ended");
    const last = await admin.post('/admin/users/ann/disable');
    assert.equal(last.status, 400);
    assert.match(await last.text(), /last enabled admin/);

    const entries = await listAudit(t.store.db, { actorId: (await findUserByName(t.store.db, 'ann'))!.id });
    assert.deepEqual(
      entries.map((e) => `${e.actor} ${e.action} ${e.targetId}`),
      ['ann signin.ok ann', 'ann user.create cora', 'ann user.set-role cora', 'ann user.disable rex'],
    );
    assert.deepEqual([entries[2]!.before, entries[2]!.after], [{ role: 'contributor' }, { role: 'reviewer' }]);
    const audit = await (await admin.request('/admin/audit')).text();
    assert.match(audit, /<code>user\.disable<\/code>/);
    assert.match(audit, /{&quot;role&quot;:&quot;contributor&quot;} → {&quot;role&quot;:&quot;reviewer&quot;}/);
    const filtered = await (await admin.request('/admin/audit?type=user&id=cora')).text();
    assert.doesNotMatch(filtered, /user\.disable/);
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] statementHistory: the audited changes of one statement, oldest first, with their actors`, async () => {
  const t = await openTestApp();
  try {
    const rex = await createUser(t.store.db, { username: 'rex', password: PW, role: 'reviewer' }, undefined, FAST);
    await t.store.db.transaction(async (tx) => {
      await recordAudit(tx, { actorId: null, actorName: 'anonymous', action: 'suggest.create', targetType: 'statement', targetId: 'M000001', after: { code: '2.1' } });
      await recordAudit(tx, { actorId: rex.id, action: 'review.correct', targetType: 'statement', targetId: 'M000001', before: { code: '1.1' }, after: { code: '2.1' } });
      await recordAudit(tx, { actorId: rex.id, action: 'review.accept', targetType: 'statement', targetId: 'M000002' });
    });
    const h = await statementHistory(t.store.db, 'M000001');
    assert.deepEqual(
      h.map((e) => [e.actor, e.action, e.before, e.after]),
      [
        ['anonymous', 'suggest.create', null, { code: '2.1' }],
        ['rex', 'review.correct', { code: '1.1' }, { code: '2.1' }],
      ],
    );
    // a failed transaction leaves no audit entry behind
    await assert.rejects(
      t.store.db.transaction(async (tx) => {
        await recordAudit(tx, { actorId: rex.id, action: 'review.reject', targetType: 'statement', targetId: 'M000001' });
        throw new Error('the decision failed');
      }),
    );
    assert.equal((await statementHistory(t.store.db, 'M000001')).length, 2);
  } finally {
    await t.close();
  }
});

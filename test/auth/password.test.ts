import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, parseHash, verifyPassword } from '../../src/auth/password.ts';
import { createUser, findUserByName, UserError } from '../../src/store/users.ts';
import { browser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';

test('password hashes are scrypt with their parameters recorded, a fresh salt each time, and verify only the right password', async () => {
  assert.deepEqual(DEFAULT_SCRYPT, { logN: 15, r: 8, p: 1 }, 'N = 2^15, r = 8, p = 1 (OWASP minimum is N = 2^15 with r = 8)');
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  const p = parseHash(h)!;
  assert.equal(p.salt.length, 16);
  assert.equal(p.key.length, 32);
  assert.notEqual(await hashPassword('correct horse battery'), h, 'a new salt every time');
  assert.equal(await verifyPassword('correct horse battery', h), true);
  assert.equal(await verifyPassword('correct horse batterY', h), false);
  assert.equal(await verifyPassword('correct horse battery', 'not a hash'), false);
  assert.equal(await verifyPassword('correct horse battery', null), false);
  // hashes made with weaker parameters still verify, and are marked for an upgrade
  const weak = await hashPassword('correct horse battery', { logN: 12, r: 8, p: 1 });
  assert.match(weak, /^scrypt\$12\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery', weak), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(h), false);
  assert.equal(needsRehash(h, { logN: 16, r: 8, p: 1 }), true, 'raising the defaults marks older hashes');
});

test(`[${ENGINE}] a weaker stored hash is replaced at the next sign-in; the password never reaches the database or the audit log`, async () => {
  const t = await openTestApp();
  try {
    await createUser(t.store.db, { username: 'ann', password: 'a long enough password', role: 'reviewer' }, undefined, { scrypt: { logN: 11, r: 8, p: 1 } });
    assert.match((await findUserByName(t.store.db, 'ann'))!.passwordHash!, /^scrypt\$11\$/);
    await browser(t.app).signIn('ann', 'a long enough password');
    assert.match((await findUserByName(t.store.db, 'ann'))!.passwordHash!, /^scrypt\$15\$8\$1\$/);
    const dump = JSON.stringify([
      await t.store.db.query('SELECT * FROM users'),
      await t.store.db.query('SELECT * FROM audit_log'),
      await t.store.db.query('SELECT * FROM sessions'),
    ]);
    assert.ok(!dump.includes('a long enough password'));
  } finally {
    await t.close();
  }
});

test(`[${ENGINE}] accounts: clear errors for bad names, short passwords, unknown roles and taken names`, async () => {
  const store = await openTestStore();
  try {
    const fast = { scrypt: { logN: 10, r: 8, p: 1 } };
    await assert.rejects(createUser(store.db, { username: 'a b', password: 'long enough pw', role: 'reviewer' }, undefined, fast), (e: Error) => e instanceof UserError && /Username "a b" is not valid/.test(e.message));
    await assert.rejects(createUser(store.db, { username: 'ann', password: 'short', role: 'reviewer' }, undefined, fast), /at least 10 characters/);
    await assert.rejects(createUser(store.db, { username: 'ann', password: 'long enough pw', role: 'owner' as never }, undefined, fast), /Role "owner" is not one of: admin, reviewer, contributor/);
    await createUser(store.db, { username: 'Ann', password: 'long enough pw', role: 'reviewer' }, undefined, fast);
    await assert.rejects(createUser(store.db, { username: 'ANN', password: 'long enough pw', role: 'reviewer' }, undefined, fast), /already taken/);
    // the audit log is append-only
    await assert.rejects(store.db.query('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(store.db.query(`UPDATE audit_log SET actor = 'someone else'`), /append-only/);
  } finally {
    await store.close();
  }
});

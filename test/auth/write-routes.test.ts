// Every write route of the app, found by walking Hono's route table (not a hand-kept list): each
// declares its guard (requireRole or publicWrite), and each refuses a request without a CSRF token,
// an anonymous request (when it needs a role) and a signed-in request without the role, changing
// nothing in the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { roleSatisfies, routeGuard, type Role } from '../../src/auth/index.ts';
import type { Db } from '../../src/store/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'ALL']);
const PW = 'a long enough password';

interface WriteRoute {
  method: string;
  path: string;
  roles?: readonly Role[];
  publicWrite?: string;
}

/** The write routes and the guard each declares (handlers registered on the same method and path). */
function writeRoutes(routes: { method: string; path: string; handler: unknown }[]): WriteRoute[] {
  const byKey = new Map<string, WriteRoute>();
  for (const r of routes) {
    if (SAFE.has(r.method)) continue;
    const key = `${r.method} ${r.path}`;
    const w = byKey.get(key) ?? { method: r.method, path: r.path };
    const g = routeGuard(r.handler);
    if (g.roles) w.roles = g.roles;
    if (g.publicWrite) w.publicWrite = g.publicWrite;
    byKey.set(key, w);
  }
  return [...byKey.values()];
}

/** A concrete URL for a route pattern (parameters filled with plausible values). */
function concrete(path: string, statementId: string): string {
  return path
    .replace(/:(\w+)(\{([^}]*)\})?/g, (_m, name: string, _p, pattern: string | undefined, off: number) => {
      const words = pattern && /^\w+(\|\w+)*$/.test(pattern) ? pattern.split('|') : undefined;
      if (words) return words[0]!;
      if (name === 'id' && path.startsWith('/m/') && off === 3) return statementId;
      if (name === 'action') return 'accept';
      return name === 'id' ? '1' : 'x1';
    })
    .replace(/\*/g, 'x');
}

/** A fingerprint of every table in the schema (row contents), to prove nothing changed. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = parseRows(z.object({ name: z.string() }), await db.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1`,
  ), 'test rows');
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [r] = parseRows(z.object({ h: z.string() }), await db.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`), 'test rows');
    out[name] = r!.h;
  }
  return out;
}

const BODY = { id: '1', code: '1', decision: 'accept', reason: 'a reason that is long enough', message: 'a message that is long enough', page: '/', kind: 'other', username: 'x', password: 'y', role: 'admin', ids: '1', scope: 'all' };

test(`[${ENGINE}] every write route declares its guard and refuses unauthorised requests without changing data`, async () => {
  const t = await openTestApp({ adminSecret: 'the admin secret of this test' });
  try {
    const db = t.store.db;
    const fast = { scrypt: { logN: 10, r: 8, p: 1 } };
    await createUser(db, { username: 'ann', password: PW, role: 'admin' }, undefined, fast);
    await createUser(db, { username: 'cora', password: PW, role: 'contributor' }, undefined, fast);
    await createUser(db, { username: 'rex', password: PW, role: 'reviewer' }, undefined, fast);
    const anon = browser(t.app);
    const contributor = await browser(t.app).signIn('cora', PW);
    const reviewer = await browser(t.app).signIn('rex', PW);
    await anon.csrf();
    const statementId = t.fx.ids.values().next().value as string;

    const routes = writeRoutes(t.app.routes);
    assert.ok(routes.length >= 4, `found ${routes.length} write routes`);
    const undeclared = routes.filter((r) => !r.roles && !r.publicWrite).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(undeclared, [], 'every write route declares requireRole(...) or publicWrite(...)');
    // policy: the admin area is for admins (the first-admin setup excepted, guarded by the secret)
    const weakAdmin = routes.filter((r) => r.path.startsWith('/admin/') && r.path !== '/admin/setup' && !(r.roles?.length === 1 && r.roles[0] === 'admin'));
    assert.deepEqual(weakAdmin.map((r) => `${r.method} ${r.path}`), [], 'every /admin write route requires the admin role');

    const before = await fingerprint(db);
    const problems: string[] = [];
    const expect = (what: string, res: Response, ok: number[]) => {
      if (!ok.includes(res.status)) problems.push(`${what}: ${res.status}, expected ${ok.join(' or ')}`);
    };
    for (const r of routes) {
      const url = concrete(r.path, statementId);
      const label = `${r.method} ${url}`;
      // 1. no CSRF token: 403 for everyone, public routes included
      for (const [who, b] of [['anonymous', anon], ['reviewer', reviewer]] as const) {
        const res = await b.request(url, {
          method: r.method,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(BODY).toString(),
        });
        expect(`${label} as ${who} without a token`, res, [403]);
      }
      if (!r.roles) continue; // public on purpose: with a token it may do its job
      // 2. anonymous with a valid token: 401 (JSON too)
      const form = { ...BODY };
      const asAnon = await anon.request(url, {
        method: r.method,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ ...form, _csrf: await anon.csrf() }).toString(),
      });
      expect(`${label} anonymous`, asAnon, [401]);
      const asAnonJson = await anon.request(url, {
        method: r.method,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await anon.csrf() },
        body: JSON.stringify(form),
      });
      expect(`${label} anonymous JSON`, asAnonJson, [401]);
      // 3. signed in without the role: 403
      for (const [role, b] of [['contributor', contributor], ['reviewer', reviewer]] as const) {
        if (roleSatisfies(role, r.roles)) continue;
        const res = await b.request(url, {
          method: r.method,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams({ ...form, _csrf: await b.csrf() }).toString(),
        });
        expect(`${label} as ${role}`, res, [403]);
      }
    }
    assert.deepEqual(problems, []);
    const after = await fingerprint(db);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    assert.deepEqual(changed, [], 'no table changed');
  } finally {
    await t.close();
  }
});

test('requireRole: admin satisfies every role, reviewer satisfies contributor, nothing satisfies upwards', () => {
  assert.equal(roleSatisfies('admin', ['reviewer']), true);
  assert.equal(roleSatisfies('admin', ['contributor']), true);
  assert.equal(roleSatisfies('reviewer', ['contributor']), true);
  assert.equal(roleSatisfies('reviewer', ['admin']), false);
  assert.equal(roleSatisfies('contributor', ['reviewer']), false);
  assert.equal(roleSatisfies('contributor', ['reviewer', 'contributor']), true);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { browser, type TestBrowser } from '../helpers/auth.ts';
import { openTestApp } from '../web/fixture.ts';
import { startProvider, type TestProvider } from './oidc-provider.ts';
import { findUserByOidc, setRole } from '../../src/store/users.ts';
import { listAudit } from '../../src/store/audit.ts';

const REDIRECT = 'http://govnav.test/signin/oidc/callback';

/** Click "Sign in with …", let the provider answer, and follow its redirect back to the app. */
async function oidcSignIn(b: TestBrowser, next = '/review'): Promise<{ start: Response; callback: Response }> {
  const start = await b.post('/signin/oidc', { next });
  if (start.status !== 303) return { start, callback: start };
  const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  assert.equal(atProvider.status, 302, 'the provider accepts the authorization request');
  const back = new URL(atProvider.headers.get('location')!);
  assert.equal(back.origin + back.pathname, REDIRECT);
  const callback = await b.request(back.pathname + back.search);
  return { start, callback };
}

async function setup(): Promise<{ t: Awaited<ReturnType<typeof openTestApp>>; p: TestProvider }> {
  const p = await startProvider();
  const t = await openTestApp({ auth: { oidc: { issuer: p.issuer, clientId: p.clientId, clientSecret: p.clientSecret, redirectUrl: REDIRECT, label: 'Test IdP' } } });
  return { t, p };
}

test(`[${ENGINE}] OpenID Connect: code flow with PKCE against a loopback provider; the subject maps to a local contributor account`, async () => {
  const { t, p } = await setup();
  try {
    const b = browser(t.app);
    const page = await (await b.request('/signin')).text();
    assert.match(page, /Sign in with Test IdP/);
    const { start, callback } = await oidcSignIn(b);
    const auth = new URL(start.headers.get('location')!);
    assert.equal(auth.origin, p.issuer);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce'));
    assert.equal(auth.searchParams.get('redirect_uri'), REDIRECT);
    const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith('govnav_oidc='))!;
    assert.match(flowCookie, /HttpOnly/);
    assert.match(flowCookie, /SameSite=Lax/);

    assert.equal(callback.status, 303, await callback.clone().text());
    assert.equal(callback.headers.get('location'), '/review');
    assert.ok(b.cookies.get('govnav_session'), 'signed in');
    assert.equal(p.tokenRequests, 1);
    const u = await findUserByOidc(t.store.db, p.issuer, 'subject-1');
    assert.ok(u);
    assert.deepEqual([u.username, u.displayName, u.role, u.passwordHash], ['grace.hopper', 'Grace Hopper', 'contributor', null]);
    assert.match(await (await b.request('/signin')).text(), /signed in as <strong>Grace Hopper<\/strong>/);

    // the same subject later: the same account (with the role an admin gave it)
    await setRole(t.store.db, 'grace.hopper', 'reviewer', { id: null, name: 'test' });
    const b2 = browser(t.app);
    assert.equal((await oidcSignIn(b2)).callback.status, 303);
    assert.equal((await t.store.db.query('SELECT 1 FROM users')).length, 1);
    assert.match(await (await b2.request('/signin')).text(), /role: reviewer/);

    // another subject with the same preferred name gets a name of its own
    p.user = { sub: 'subject-2', preferred_username: 'grace.hopper' };
    assert.equal((await oidcSignIn(browser(t.app))).callback.status, 303);
    assert.equal((await findUserByOidc(t.store.db, p.issuer, 'subject-2'))!.username, 'grace.hopper-2');
    const actions = (await listAudit(t.store.db, { targetType: 'user' })).map((a) => `${a.action} ${a.targetId} ${a.detail ?? ''}`.trim());
    assert.ok(actions.includes('signin.ok grace.hopper oidc'));
  } finally {
    await t.close();
    await p.close();
  }
});

test(`[${ENGINE}] OpenID Connect: a callback without the flow cookie, with another state, a replayed code or a wrong nonce signs nobody in`, async () => {
  const { t, p } = await setup();
  try {
    // a callback this browser never started
    const stranger = browser(t.app);
    const noFlow = await stranger.request('/signin/oidc/callback?code=abc&state=xyz');
    assert.equal(noFlow.status, 400);
    assert.equal(stranger.cookies.get('govnav_session'), undefined);

    // a state that differs from the one this browser started with
    const b = browser(t.app);
    const start = await b.post('/signin/oidc', { next: '/' });
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location')!);
    back.searchParams.set('state', 'forged-state');
    const forged = await b.request(back.pathname + back.search);
    assert.equal(forged.status, 403);
    assert.equal(b.cookies.get('govnav_session'), undefined);

    // a replayed callback: the flow cookie is spent
    const ok = browser(t.app);
    const s2 = await ok.post('/signin/oidc', { next: '/' });
    const at2 = await fetch(s2.headers.get('location')!, { redirect: 'manual' });
    const cb = new URL(at2.headers.get('location')!);
    const kept = ok.cookieHeader();
    assert.equal((await ok.request(cb.pathname + cb.search)).status, 303);
    const replay = await t.app.request(cb.pathname + cb.search, { headers: { cookie: kept } });
    assert.equal(replay.status, 403, 'the provider refuses the spent code');

    // an id_token whose nonce is not the one asked for
    p.forceNonce = 'some-other-nonce';
    const n = browser(t.app);
    const { callback } = await oidcSignIn(n);
    assert.equal(callback.status, 403);
    assert.equal(n.cookies.get('govnav_session'), undefined);

    // starting the flow needs the CSRF token like every form
    assert.equal((await browser(t.app).post('/signin/oidc', { next: '/' }, { token: false })).status, 403);
    assert.equal((await t.store.db.query('SELECT 1 FROM users')).length, 1, 'only the one good sign-in made an account');
  } finally {
    await t.close();
    await p.close();
  }
});

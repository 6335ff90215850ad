// Signing in from tests, through the real forms: a tiny cookie-keeping "browser" over a Hono app
// (app.request) or a running server (fetch), plus createUser re-exported for making accounts.
// Example:
//   const b = browser(t.app);
//   await b.signIn('rita', 'a long password');
//   const res = await b.post('/review/decide', { id: '1', decision: 'accept' }); // _csrf added
import type { Hono } from 'hono';
import type { AppEnv } from '../../src/web/context.ts';

export { createUser } from '../../src/store/users.ts';

type Target = Hono<AppEnv> | string;

function send(target: Target, path: string, init: RequestInit): Promise<Response> {
  if (typeof target === 'string') return fetch(target.replace(/\/$/, '') + path, { ...init, redirect: 'manual' });
  return Promise.resolve(target.request(path, init));
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly target: Target) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Send a request with the cookies held; keeps the cookies the answer sets (or deletes). */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const res = await send(this.target, path, { ...init, headers });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** The CSRF token for this browser (read from a form page; sets the CSRF cookie when missing). */
  async csrf(): Promise<string> {
    const res = await this.request('/signin', { headers: { accept: 'text/html' } });
    const m = /name="_csrf" value="([^"]+)"/.exec(await res.text());
    if (!m) throw new Error('No CSRF token on /signin');
    return m[1]!;
  }

  /** POST a URL-encoded form with this browser's CSRF token added (unless fields has _csrf already or token is false). */
  async post(path: string, fields: Record<string, string> = {}, opts: { token?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (opts.token !== false && !body.has('_csrf')) body.set('_csrf', await this.csrf());
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...opts.headers },
      body: body.toString(),
    });
  }

  /** POST JSON with the CSRF token in the X-CSRF-Token header. */
  async postJson(path: string, data: unknown, method = 'POST'): Promise<Response> {
    return this.request(path, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await this.csrf() },
      body: JSON.stringify(data),
    });
  }

  /** Sign in through POST /signin; throws unless it succeeds (303). */
  async signIn(username: string, password: string): Promise<this> {
    const res = await this.post('/signin', { username, password, next: '/' });
    if (res.status !== 303) throw new Error(`sign-in as ${username} failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return this;
  }

  async signOut(): Promise<Response> {
    return this.post('/signout');
  }
}

export function browser(target: Target): TestBrowser {
  return new TestBrowser(target);
}

/** Sign in and return the Cookie header (session and CSRF cookies) for further requests. */
export async function signIn(target: Target, username: string, password: string): Promise<string> {
  return (await browser(target).signIn(username, password)).cookieHeader();
}

/** A CSRF token and the Cookie header it belongs to (pass an existing cookie header to keep a session). */
export async function getCsrf(target: Target, cookie = ''): Promise<{ token: string; cookie: string }> {
  const b = browser(target);
  for (const part of cookie.split(/;\s*/).filter(Boolean)) {
    const eq = part.indexOf('=');
    b.cookies.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const token = await b.csrf();
  return { token, cookie: b.cookieHeader() };
}

// Accounts in the web application: who is signed in (server-side sessions), what their role
// allows (requireRole), and CSRF tokens for every form. See docs/security.md for the model.
//
// The middleware from authMiddleware() runs before every route:
//   1. for a request with a body (any method but GET/HEAD/OPTIONS) it reads the body with a size
//      limit enforced while the bytes arrive (413 beyond it; see body-limit.ts);
//   2. it loads the session named by the session cookie and sets c.get('user') (or null);
//   3. it refuses any such request without a valid CSRF token (403).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext, AppEnv } from '../web/context.ts';
import { html, type Html } from '../web/html.ts';
import { loadSession, serverSecret } from '../store/sessions.ts';
import { limitBody, maxBodyBytes } from './body-limit.ts';
import { roleSatisfies, type Role, type SessionUser } from './roles.ts';
import { authSettings } from './settings.ts';
import { logError, noteIgnored } from '../util/errors.ts';

export { ROLES, isRole, roleSatisfies, type Role, type SessionUser } from './roles.ts';
export { authSettings, type AuthSettings } from './settings.ts';

export const SESSION_COOKIE = 'govnav_session';
export const CSRF_COOKIE = 'govnav_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** HtmlSafe, as named in the contract: markup that is already escaped. */
export type HtmlSafe = Html;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The signed-in account of this request, or null for an anonymous reader. */
export function currentUser(c: Context<AppEnv>): SessionUser | null {
  return c.get('user') ?? null;
}

/** Is the request over HTTPS (or are cookies configured as always Secure)? */
export function secureCookies(c: Context<AppEnv>): boolean {
  const configured = c.get('ctx').config.auth?.secureCookies;
  if (configured !== undefined) return configured;
  return new URL(c.req.url).protocol === 'https:';
}

// ------------------------------------------------------------------ roles

type Marked = MiddlewareHandler<AppEnv> & { requiredRoles?: readonly Role[]; publicWrite?: string };

/**
 * Route guard. Anonymous GET/HEAD: 303 to /signin?next=<path>; anonymous write: 401; signed in
 * without the role: 403. 'admin' satisfies every role; 'reviewer' satisfies 'contributor'.
 * With no roles, any signed-in account passes.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  const mw: Marked = async (c, next) => {
    const user = currentUser(c);
    const wantsJson = (c.req.header('accept') ?? '').includes('application/json') || c.req.path.startsWith('/api/');
    if (!user) {
      c.header('Cache-Control', 'no-store');
      if (SAFE_METHODS.has(c.req.method)) {
        const u = new URL(c.req.url);
        return c.redirect('/signin?next=' + encodeURIComponent(u.pathname + u.search), 303);
      }
      return wantsJson ? c.json({ error: 'unauthenticated', message: 'Sign in first.' }, 401) : c.text('Sign in first (/signin).', 401);
    }
    if (!roleSatisfies(user.role, roles)) {
      c.header('Cache-Control', 'no-store');
      const message = `This needs the role ${roles.join(' or ')}; your account is a ${user.role}.`;
      return wantsJson ? c.json({ error: 'forbidden', message }, 403) : c.text(message, 403);
    }
    await next();
  };
  mw.requiredRoles = roles;
  return mw;
}

/**
 * Marks a write route as open to anonymous readers on purpose (feedback, sign-in, suggestions).
 * It still needs its CSRF token. The route-table test requires every write route to carry
 * either requireRole(...) or publicWrite(...).
 */
export function publicWrite(reason: string): MiddlewareHandler<AppEnv> {
  const mw: Marked = async (_c, next) => {
    await next();
  };
  mw.publicWrite = reason;
  return mw;
}

/** What a route-table handler declares: the roles it needs, or that it is public on purpose. */
export function routeGuard(handler: unknown): { roles?: readonly Role[]; publicWrite?: string } {
  const h = handler as Marked;
  return { roles: h.requiredRoles, publicWrite: h.publicWrite };
}

// ------------------------------------------------------------------ CSRF

const keys = new WeakMap<AppContext, Promise<string>>();

function csrfKey(ctx: AppContext): Promise<string> {
  let k = keys.get(ctx);
  if (!k) {
    k = serverSecret(ctx.store.db, 'csrf');
    k.catch(() => keys.delete(ctx));
    keys.set(ctx, k);
  }
  return k;
}

function tokenFor(key: string, seed: string): string {
  return createHmac('sha256', key).update('csrf-v1|' + seed).digest('base64url');
}

const SEED_RE = /^[\w-]{32,64}$/;

/** Start a fresh CSRF seed (at sign-in and sign-out, so tokens never outlive the session they were shown in). */
export function rotateCsrf(c: Context<AppEnv>): void {
  const seed = randomBytes(24).toString('base64url');
  setCookie(c, CSRF_COOKIE, seed, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secureCookies(c) });
  c.set('csrfSeed', seed);
}

/**
 * The CSRF token of this request's visitor (for fetch() headers or data attributes). It is an HMAC
 * of a random per-browser seed kept in an HttpOnly cookie, set here when missing. A response that
 * carries a token is personal: it is marked private so no shared cache keeps it.
 */
export function csrfToken(c: Context<AppEnv>): string {
  let seed = c.get('csrfSeed');
  if (!seed) {
    const cookie = getCookie(c, CSRF_COOKIE);
    if (cookie && SEED_RE.test(cookie)) {
      seed = cookie;
      c.set('csrfSeed', seed);
    } else {
      rotateCsrf(c);
      seed = c.get('csrfSeed')!;
    }
  }
  c.set('personal', true);
  c.header('Cache-Control', 'private, no-store');
  return tokenFor(c.get('csrfKey')!, seed);
}

/** The hidden form field with this visitor's CSRF token: put it inside every <form method="post">. */
export function csrfInput(c: Context<AppEnv>): HtmlSafe {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">`;
}

async function givenToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(await c.req.text()).get(CSRF_FIELD) ?? undefined;
  }
  if (type.startsWith('multipart/form-data')) {
    try {
      const v = (await c.req.formData()).get(CSRF_FIELD);
      return typeof v === 'string' ? v : undefined;
    } catch (e) {
      noteIgnored('reading the CSRF token of a malformed multipart body (refused without a token)', e);
      return undefined;
    }
  }
  return undefined;
}

async function csrfValid(c: Context<AppEnv>): Promise<boolean> {
  const seed = getCookie(c, CSRF_COOKIE);
  if (!seed || !SEED_RE.test(seed)) return false;
  const given = await givenToken(c);
  if (!given) return false;
  const want = Buffer.from(tokenFor(c.get('csrfKey')!, seed));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}

// ------------------------------------------------------------------ the middleware

export function authMiddleware(ctx: AppContext): MiddlewareHandler<AppEnv> {
  const settings = authSettings(ctx.config);
  // Load the CSRF key once, now, so requests only await a settled promise.
  csrfKey(ctx).catch((e) => logError('loading the CSRF key (the next request tries again)', e));
  return async (c, next) => {
    c.set('user', null);
    const write = !SAFE_METHODS.has(c.req.method);
    if (write) {
      const refused = await limitBody(c, maxBodyBytes(c.req.path));
      if (refused) return refused;
    }
    c.set('csrfKey', await csrfKey(ctx));
    const sid = getCookie(c, SESSION_COOKIE);
    if (sid) {
      const s = await loadSession(ctx.store.db, sid, settings);
      if (s) {
        c.set('user', s.user);
        c.set('sessionId', sid);
      } else deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(c) });
    }
    if (write && !(await csrfValid(c))) {
      c.header('Cache-Control', 'no-store');
      const message = 'This form has expired or did not come from this site (missing or invalid CSRF token). Reload the page and try again.';
      if ((c.req.header('accept') ?? '').includes('application/json') || c.req.path.startsWith('/api/'))
        return c.json({ error: 'csrf', message }, 403);
      return c.text(message, 403);
    }
    await next();
  };
}

// The web application: security headers, language negotiation, static assets, and the routes of
// every module listed in ./routes/index.ts (each exports `register(app, ctx)`).
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Lang } from '../model/index.ts';
import type { AppContext, AppEnv } from './context.ts';
import { html } from './html.ts';
import { t } from './i18n.ts';
import { renderPage } from './layout.ts';
import { asset } from './static.ts';
import { validateInput } from './validate.ts';
import { ping, readDataVersion as readStoreDataVersion } from '../store/read/stats.ts';
import { expensiveRoutes } from './expensive.ts';

import { authMiddleware } from '../auth/index.ts';
import { CSP, SECURITY_HEADERS } from './security.ts';
export { CSP };

export const LANG_COOKIE = 'govnav_lang';

export function negotiateLang(c: Context<AppEnv>): Lang {
  const q = c.req.query('lang');
  if (q === 'en' || q === 'zh') {
    if (getCookie(c, LANG_COOKIE) !== q)
      setCookie(c, LANG_COOKIE, q, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'Lax', httpOnly: true });
    return q;
  }
  const cookie = getCookie(c, LANG_COOKIE);
  if (cookie === 'en' || cookie === 'zh') return cookie;
  const al = (c.req.header('accept-language') ?? '').toLowerCase();
  return /^\s*zh/.test(al) ? 'zh' : 'en';
}

/** The host of an Origin header, or null when it is not a URL (e.g. "null" from a sandboxed page). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch (e) {
    if (e instanceof TypeError) return null; // not a URL
    throw e;
  }
}

export async function createApp(ctx: AppContext): Promise<Hono<AppEnv>> {
  const app = new Hono<AppEnv>();
  // Bad input (NUL bytes, out-of-range numbers, an unparseable Origin on a write) is a 400/403 before any route runs.
  app.use('*', validateInput());
  // Uncached search and exports: per-client budgets and a bounded queue (429 + Retry-After beyond them).
  app.use('*', expensiveRoutes({ trustProxy: ctx.config.trustProxy }));

  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    c.set('lang', negotiateLang(c));
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      // Write endpoints accept same-origin requests only (a cross-site form cannot post here).
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      if (site === 'cross-site' || (origin && host && originHost(origin) !== host)) {
        return c.text('Cross-site requests are not accepted.', 403);
      }
    }
    const started = performance.now();
    await next();
    for (const k in SECURITY_HEADERS) c.header(k, SECURITY_HEADERS[k]!);
    c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
    if (!c.res.headers.get('Vary')) c.header('Vary', 'Cookie, Accept-Language');
  });
  // Accounts: body limits while reading, the session's user, CSRF tokens on every write (src/auth).
  app.use('*', authMiddleware(ctx));

  app.get('/static/:name', (c) => {
    const a = asset(c.req.param('name'));
    if (!a) return c.notFound();
    c.header('Content-Type', a.type);
    c.header('Cache-Control', c.req.query('v') === a.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    return c.body(new Uint8Array(a.body));
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));
  app.get('/robots.txt', (c) => c.text('User-agent: *\nDisallow: /admin\nDisallow: /export\n'));
  app.get('/healthz', async (c) => {
    await ping(ctx.store.db);
    return c.json({ ok: true, engine: ctx.store.db.kind });
  });

  // Loaded here rather than at the top: route modules import helpers from this file.
  const { ROUTE_MODULES } = await import('./routes/index.ts');
  for (const m of ROUTE_MODULES) await m.register(app, ctx);

  app.notFound((c) => {
    const lang = c.get('lang') ?? 'en';
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'not_found', message: `No resource at ${c.req.path}` }, 404);
    return c.html(
      renderPage(c, {
        title: t(lang, 'notFound'),
        body: html`<h1>${t(lang, 'notFound')}</h1><p>${t(lang, 'notFoundText')}</p><p><a href="/search">${t(lang, 'search')}</a> · <a href="/">${t(lang, 'home')}</a></p>`,
      }),
      404,
    );
  });
  app.onError((err, c) => {
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    const lang = c.get('lang') ?? 'en';
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'internal', message: 'The server failed to answer this request.' }, 500);
    return c.html(
      renderPage(c, { title: t(lang, 'errorTitle'), body: html`<h1>${t(lang, 'errorTitle')}</h1><p>${t(lang, 'errorText')}</p>` }),
      500,
    );
  });
  return app;
}

/** Data version for ETags: changes whenever the corpus or labels change (src/store/read/stats.ts). */
export function readDataVersion(ctx: Pick<AppContext, 'store'>): Promise<string> {
  return readStoreDataVersion(ctx.store.db);
}

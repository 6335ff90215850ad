// The admin area: /admin/login (a form for the configured secret), /admin/feedback (the list of
// feedback), /admin/logout. The secret comes from config.adminSecret (GOVNAV_ADMIN_SECRET); after
// login an HttpOnly, SameSite=Strict cookie holds an HMAC of the secret (never the secret itself),
// compared in constant time. With no secret configured, /admin explains how to enable it and shows
// nothing else.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L, url } from '../html.ts';
import { renderPage } from '../layout.ts';
import { clientKey, RateLimiter } from '../rate-limit.ts';
import { remoteAddress } from './feedback.ts';

export const ADMIN_COOKIE = 'govnav_admin';

const S = {
  admin: { en: 'Administration', zh: '管理' },
  disabled: {
    en: 'The admin area is switched off because no admin secret is configured. To switch it on, set the environment variable GOVNAV_ADMIN_SECRET (or "adminSecret" in the config file) to a long random string and restart the server:',
    zh: '由于未配置管理密钥，管理区已关闭。要启用它，请将环境变量 GOVNAV_ADMIN_SECRET（或配置文件中的 "adminSecret"）设为一个较长的随机字符串，然后重启服务器：',
  },
  login: { en: 'Sign in', zh: '登录' },
  secret: { en: 'Admin secret', zh: '管理密钥' },
  wrong: { en: 'That is not the admin secret.', zh: '管理密钥不正确。' },
  tooMany: { en: 'Too many attempts; try again in {s} seconds.', zh: '尝试次数过多；请在 {s} 秒后重试。' },
  feedback: { en: 'Feedback', zh: '反馈' },
  none: { en: 'No feedback yet.', zh: '尚无反馈。' },
  logout: { en: 'Sign out', zh: '退出登录' },
  when: { en: 'Received', zh: '时间' },
  page: { en: 'Page', zh: '页面' },
  kind: { en: 'Kind', zh: '类型' },
  message: { en: 'Message', zh: '内容' },
  email: { en: 'Email', zh: '邮箱' },
  status: { en: 'Status', zh: '状态' },
  total: { en: 'messages', zh: '条反馈' },
} as const;

function token(secret: string): string {
  return createHmac('sha256', secret).update('govnav-admin-session-v1').digest('hex');
}

/** Constant-time equality of two strings of any length (compared as SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export function isAdmin(c: Context<AppEnv>, secret: string | undefined): boolean {
  if (!secret) return false;
  const cookie = getCookie(c, ADMIN_COOKIE);
  return !!cookie && safeEqual(cookie, token(secret));
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  const limiter = new RateLimiter(10, 10);
  const salt = randomBytes(16).toString('hex');

  app.use('/admin/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
  });
  app.use('/admin', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const disabled = (c: Context<AppEnv>) => {
    const lang = c.get('lang');
    return c.html(
      renderPage(c, {
        title: L(lang, S.admin),
        body: html`<h1>${L(lang, S.admin)}</h1><div class="empty-state"><p>${L(lang, S.disabled)}</p>
<pre><code>GOVNAV_ADMIN_SECRET="$(openssl rand -hex 24)" npx govnav serve</code></pre></div>`,
      }),
      404,
    );
  };

  app.get('/admin', (c) => {
    if (!ctx.config.adminSecret) return disabled(c);
    return c.redirect(isAdmin(c, ctx.config.adminSecret) ? '/admin/feedback' : '/admin/login', 303);
  });

  const loginPage = (c: Context<AppEnv>, message?: string, status: 200 | 401 | 429 = 200) => {
    const lang = c.get('lang');
    return c.html(
      renderPage(c, {
        title: L(lang, S.login),
        status,
        body: html`<h1>${L(lang, S.login)}</h1>
${message ? html`<p class="notice error" role="alert">${message}</p>` : ''}
<form method="post" action="/admin/login">
  <div class="form-row"><label for="secret">${L(lang, S.secret)}</label>
  <input id="secret" name="secret" type="password" autocomplete="current-password" required></div>
  <p><button type="submit">${L(lang, S.login)}</button></p>
</form>`,
      }),
      status,
    );
  };

  app.get('/admin/login', (c) => {
    if (!ctx.config.adminSecret) return disabled(c);
    return loginPage(c);
  });

  app.post('/admin/login', async (c) => {
    const secret = ctx.config.adminSecret;
    if (!secret) return disabled(c);
    const lang = c.get('lang');
    const key = clientKey(remoteAddress(c), salt);
    if (!limiter.take(key)) {
      const wait = Math.max(1, limiter.retryAfter(key));
      c.header('Retry-After', String(wait));
      return loginPage(c, L(lang, S.tooMany).replace('{s}', String(wait)), 429);
    }
    if (Number(c.req.header('content-length') ?? 0) > 4096) return c.text('Too large', 413);
    const form = await c.req.parseBody();
    const given = typeof form.secret === 'string' ? form.secret : '';
    if (!safeEqual(given, secret)) return loginPage(c, L(lang, S.wrong), 401);
    setCookie(c, ADMIN_COOKIE, token(secret), {
      path: '/admin',
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 8 * 3600,
    });
    return c.redirect('/admin/feedback', 303);
  });

  app.post('/admin/logout', (c) => {
    deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
    return c.redirect('/', 303);
  });

  app.get('/admin/feedback', async (c) => {
    const secret = ctx.config.adminSecret;
    if (!secret) return disabled(c);
    if (!isAdmin(c, secret)) {
      // Browsers go to the login form; scripts see a plain 401.
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.redirect('/admin/login', 303);
      return c.text('Sign in at /admin/login first.', 401);
    }
    const lang = c.get('lang');
    const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const per = 100;
    const db = ctx.store.db;
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback')) as [{ n: number }];
    const rows = await db.query<{ id: number; page: string; kind: string; message: string; email: string | null; status: string; created_at: Date }>(
      `SELECT id, page, kind, message, email, status, created_at FROM feedback ORDER BY id DESC LIMIT ${per} OFFSET ${(page - 1) * per}`,
    );
    const body = html`<h1>${L(lang, S.feedback)}</h1>
<form method="post" action="/admin/logout" class="inline-form"><button type="submit" class="secondary">${L(lang, S.logout)}</button></form>
<p class="sans">${fmtNumber(n, lang)} ${L(lang, S.total)}</p>
${
  rows.length
    ? html`<div class="table-scroll"><table class="feedback-table"><thead><tr><th scope="col">#</th><th scope="col">${L(lang, S.when)}</th><th scope="col">${L(lang, S.page)}</th><th scope="col">${L(lang, S.kind)}</th><th scope="col">${L(lang, S.message)}</th><th scope="col">${L(lang, S.email)}</th><th scope="col">${L(lang, S.status)}</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td class="num">${r.id}</td><td>${new Date(r.created_at).toISOString().slice(0, 16).replace('T', ' ')}</td><td>${
          r.page.startsWith('/') && !r.page.startsWith('//') ? html`<a href="${r.page}">${r.page}</a>` : r.page
        }</td><td>${r.kind}</td><td class="message">${r.message}</td><td>${r.email ?? ''}</td><td>${r.status}</td></tr>`,
      )}</tbody></table></div>
${n > per ? html`<nav class="pager">${page > 1 ? html`<a href="${url('/admin/feedback', { page: page - 1 })}">←</a>` : ''} <span>${page}</span> ${page * per < n ? html`<a href="${url('/admin/feedback', { page: page + 1 })}">→</a>` : ''}</nav>` : ''}`
    : html`<p class="muted">${L(lang, S.none)}</p>`
}`;
    return c.html(renderPage(c, { title: L(lang, S.feedback), body, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.feedback)]] }));
  });
}

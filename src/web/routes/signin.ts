// Signing in and out: GET/POST /signin (username and password), POST /signout, GET /account.
// With OpenID Connect configured, /signin also offers the organisation's provider (see
// src/auth/oidc.ts). Failures are counted per account and per address; after too many the
// form says when to try again (429 with Retry-After).
import type { Context, Hono } from 'hono';
import { csrfInput, currentUser, publicWrite } from '../../auth/index.ts';
import { OidcError, OidcSignin } from '../../auth/oidc.ts';
import { Signin } from '../../auth/signin.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L } from '../html.ts';
import { renderPage } from '../layout.ts';

const S = {
  signin: { en: 'Sign in', zh: '登录' },
  signout: { en: 'Sign out', zh: '退出登录' },
  username: { en: 'Username', zh: '用户名' },
  password: { en: 'Password', zh: '密码' },
  invalid: { en: 'The username or password is not right.', zh: '用户名或密码不正确。' },
  lockedAccount: {
    en: 'Too many failed sign-ins for this account. Try again after {t} UTC (in about {m} minutes).',
    zh: '该账户登录失败次数过多。请在 UTC {t} 之后（约 {m} 分钟后）重试。',
  },
  lockedAddress: {
    en: 'Too many failed sign-ins from your network address. Try again after {t} UTC (in about {m} minutes).',
    zh: '来自您网络地址的登录失败次数过多。请在 UTC {t} 之后（约 {m} 分钟后）重试。',
  },
  signedInAs: { en: 'You are signed in as', zh: '您已登录为' },
  role: { en: 'role', zh: '角色' },
  readers: {
    en: 'Reading govnav needs no account. Accounts are for the people who review and correct the labels.',
    zh: '阅读 govnav 无需账户。账户供审核和更正标签的人员使用。',
  },
  withProvider: { en: 'Sign in with {p}', zh: '通过 {p} 登录' },
} as const;

/** A path on this site to return to after sign-in (never another site). */
export function safeNext(next: string | undefined | null): string {
  const s = (next ?? '').trim();
  if (!s.startsWith('/') || s.startsWith('//') || /[\s\\\u0000]/.test(s) || s.startsWith('/signin') || s.startsWith('/signout')) return '/';
  return s.slice(0, 500);
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  const signin = (ctx.signin ??= new Signin(ctx));
  app.get('/signin', (c) => signinPage(c, ctx, { next: safeNext(c.req.query('next')) }));
  app.get('/account', (c) => c.redirect('/signin', 303));
  app.post('/signin', publicWrite('anyone may try to sign in'), (c) => signinPost(c, ctx, signin));
  const oidcSettings = ctx.config.auth?.oidc;
  if (oidcSettings) registerOidc(app, ctx, signin, oidcSettings);
  app.post('/signout', publicWrite('signing out needs no role'), async (c) => {
    await signin.signOut(c);
    c.header('Cache-Control', 'no-store');
    return c.redirect('/', 303);
  });
}

type SigninPageOptions = { next: string; username?: string; message?: string; status?: 200 | 401 | 429 };

/** The sign-in form (with the OpenID Connect button when configured), or who is signed in. */
function signinPage(c: Context<AppEnv>, ctx: AppContext, o: SigninPageOptions) {
  const lang = c.get('lang');
  const user = currentUser(c);
  const oidc = ctx.config.auth?.oidc;
  c.header('Cache-Control', 'no-store');
  const body = user
    ? html`<h1>${L(lang, S.signin)}</h1>
<p>${L(lang, S.signedInAs)} <strong>${user.displayName}</strong> (${user.username}, ${L(lang, S.role)}: ${user.role}).</p>
<form method="post" action="/signout" class="inline-form">${csrfInput(c)}<button type="submit" class="secondary">${L(lang, S.signout)}</button></form>`
    : html`<h1>${L(lang, S.signin)}</h1>
<p class="lede">${L(lang, S.readers)}</p>
${o.message ? html`<p class="notice error" role="alert">${o.message}</p>` : ''}
<form method="post" action="/signin" class="signin-form">
  ${csrfInput(c)}<input type="hidden" name="next" value="${o.next}">
  <div class="form-row"><label for="si-username">${L(lang, S.username)}</label>
    <input id="si-username" name="username" autocomplete="username" maxlength="100" required value="${o.username ?? ''}"></div>
  <div class="form-row"><label for="si-password">${L(lang, S.password)}</label>
    <input id="si-password" name="password" type="password" autocomplete="current-password" maxlength="1024" required></div>
  <p><button type="submit">${L(lang, S.signin)}</button></p>
</form>
${
  oidc
    ? html`<form method="post" action="/signin/oidc" class="inline-form">${csrfInput(c)}<input type="hidden" name="next" value="${o.next}"><button type="submit" class="secondary">${L(lang, S.withProvider).replace('{p}', oidc.label ?? new URL(oidc.issuer).host)}</button></form>`
    : ''
}`;
  return c.html(renderPage(c, { title: L(lang, S.signin), body, status: o.status ?? 200 }), o.status ?? 200);
}

/** POST /signin: a password sign-in (limited per account and per address). */
async function signinPost(c: Context<AppEnv>, ctx: AppContext, signin: Signin) {
  const lang = c.get('lang');
  const form = new URLSearchParams(await c.req.text());
  const next = safeNext(form.get('next'));
  const username = (form.get('username') ?? '').slice(0, 100);
  const password = form.get('password') ?? '';
  const out = await signin.checkPassword(c, username, password);
  if (out.ok) {
    await signin.startSession(c, out.user, 'password');
    c.header('Cache-Control', 'no-store');
    return c.redirect(next, 303);
  }
  if (out.reason === 'locked') {
    const secs = Math.max(1, Math.ceil((out.until.getTime() - Date.now()) / 1000));
    c.header('Retry-After', String(secs));
    const text = L(lang, out.scope === 'account' ? S.lockedAccount : S.lockedAddress)
      .replace('{t}', out.until.toISOString().slice(11, 16))
      .replace('{m}', String(Math.ceil(secs / 60)));
    return signinPage(c, ctx, { next, username, message: text, status: 429 });
  }
  return signinPage(c, ctx, { next, username, message: L(lang, S.invalid), status: 401 });
}

/** Sign-in at the configured OpenID Connect provider: the start and the provider's callback. */
function registerOidc(app: Hono<AppEnv>, ctx: AppContext, signin: Signin, settings: NonNullable<NonNullable<AppContext['config']['auth']>['oidc']>): void {
  const oidc = new OidcSignin(ctx, settings);
  const failed = (c: Context<AppEnv>, e: OidcError) => {
    const lang = c.get('lang');
    c.header('Cache-Control', 'no-store');
    return c.html(
      renderPage(c, { title: L(lang, S.signin), status: e.status, body: html`<h1>${L(lang, S.signin)}</h1><p class="notice error" role="alert">${e.message}</p><p><a href="/signin">${L(lang, S.signin)}</a></p>` }),
      e.status,
    );
  };
  app.post('/signin/oidc', publicWrite('starts sign-in at the configured OpenID Connect provider'), async (c) => {
    const form = new URLSearchParams(await c.req.text());
    try {
      const to = await oidc.begin(c, safeNext(form.get('next')));
      c.header('Cache-Control', 'no-store');
      return c.redirect(to.href, 303);
    } catch (e) {
      if (e instanceof OidcError) return failed(c, e);
      throw e;
    }
  });
  app.get('/signin/oidc/callback', async (c) => {
    try {
      const { user, next } = await oidc.complete(c);
      await signin.startSession(c, user, 'oidc');
      c.header('Cache-Control', 'no-store');
      return c.redirect(next, 303);
    } catch (e) {
      if (e instanceof OidcError) return failed(c, e);
      throw e;
    }
  });
}

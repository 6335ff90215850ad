// The admin area, for accounts with the admin role (server-side sessions, src/auth):
//   /admin            → the feedback list (or the first-admin setup when there is no admin yet)
//   /admin/feedback   the feedback readers sent
//   /admin/audit      the audit log (sign-ins, role changes, decisions), newest first
//   /admin/users      accounts: add, change role, disable/enable (every change audited)
//   /admin/setup      bootstrap: while no admin account exists, the configured admin secret
//                     (GOVNAV_ADMIN_SECRET) lets you create the first one; afterwards it does nothing
//   /admin/login      kept as an address: sends you to /signin
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { csrfInput, currentUser, publicWrite, requireRole } from '../../auth/index.ts';
import { Signin } from '../../auth/signin.ts';
import { listAudit, type AuditEntry } from '../../store/audit.ts';
import { listFeedback } from '../../store/feedback.ts';
import { createUser, hasActiveAdmin, listUsers, setDisabled, setRole, UserError, type UserRow } from '../../store/users.ts';
import { isRole, ROLES } from '../../auth/roles.ts';
import type { AppContext, AppEnv } from '../context.ts';
import type { Lang } from '../../model/index.ts';
import { fmtNumber, html, L, url } from '../html.ts';
import { renderPage } from '../layout.ts';

const S = {
  admin: { en: 'Administration', zh: '管理' },
  noAdmin: {
    en: 'There is no admin account yet. Create the first one on the command line with `govnav users add <name> --role admin`, or set the environment variable GOVNAV_ADMIN_SECRET (or "adminSecret" in the config file) to a long random string, restart the server and open /admin/setup:',
    zh: '尚无管理员账户。可在命令行运行 `govnav users add <name> --role admin` 创建第一个管理员，或将环境变量 GOVNAV_ADMIN_SECRET（或配置文件中的 "adminSecret"）设为一个较长的随机字符串，重启服务器后打开 /admin/setup：',
  },
  setup: { en: 'Create the first admin account', zh: '创建第一个管理员账户' },
  setupIntro: {
    en: 'No admin account exists yet. The admin secret of this server lets you create one; once it exists, the secret no longer opens anything.',
    zh: '尚无管理员账户。使用本服务器的管理密钥可以创建一个；创建之后，该密钥不再有任何作用。',
  },
  secret: { en: 'Admin secret', zh: '管理密钥' },
  username: { en: 'Username', zh: '用户名' },
  displayName: { en: 'Display name', zh: '显示名称' },
  password: { en: 'Password (at least 10 characters)', zh: '密码（至少 10 个字符）' },
  create: { en: 'Create and sign in', zh: '创建并登录' },
  wrong: { en: 'That is not the admin secret.', zh: '管理密钥不正确。' },
  tooMany: { en: 'Too many attempts; try again after {t} UTC.', zh: '尝试次数过多；请在 UTC {t} 之后重试。' },
  feedback: { en: 'Feedback', zh: '反馈' },
  audit: { en: 'Audit log', zh: '审计日志' },
  none: { en: 'No feedback yet.', zh: '尚无反馈。' },
  noAudit: { en: 'Nothing recorded yet.', zh: '尚无记录。' },
  logout: { en: 'Sign out', zh: '退出登录' },
  when: { en: 'Received', zh: '时间' },
  at: { en: 'When (UTC)', zh: '时间（UTC）' },
  who: { en: 'Who', zh: '操作者' },
  what: { en: 'Action', zh: '操作' },
  target: { en: 'Target', zh: '对象' },
  change: { en: 'Before → after', zh: '变更前 → 变更后' },
  page: { en: 'Page', zh: '页面' },
  kind: { en: 'Kind', zh: '类型' },
  message: { en: 'Message', zh: '内容' },
  email: { en: 'Email', zh: '邮箱' },
  status: { en: 'Status', zh: '状态' },
  total: { en: 'messages', zh: '条反馈' },
  export: { en: 'Export all: govnav audit export --format csv', zh: '全部导出：govnav audit export --format csv' },
  older: { en: 'Older', zh: '更早' },
  users: { en: 'Accounts', zh: '账户' },
  role: { en: 'Role', zh: '角色' },
  state: { en: 'State', zh: '状态' },
  lastSignin: { en: 'Last sign-in (UTC)', zh: '最近登录（UTC）' },
  changeRole: { en: 'Change role', zh: '更改角色' },
  disable: { en: 'Disable', zh: '停用' },
  enable: { en: 'Enable', zh: '启用' },
  addUser: { en: 'Add an account', zh: '添加账户' },
  add: { en: 'Add', zh: '添加' },
  disabledState: { en: 'disabled', zh: '已停用' },
  lockedState: { en: 'locked', zh: '已锁定' },
  activeState: { en: 'active', zh: '正常' },
  usersHint: {
    en: 'Accounts are never deleted: disable them. Disabling ends every session of the account at once. Passwords are reset on the command line: govnav users reset-password <name>.',
    zh: '账户不会被删除，只能停用。停用会立即结束该账户的所有会话。密码请在命令行重置：govnav users reset-password <name>。',
  },
} as const;

/** Constant-time equality of two strings of any length (compared as SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

type C = Context<AppEnv>;
type Db = AppContext['store']['db'];

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  const signin = (ctx.signin ??= new Signin(ctx));
  const db = ctx.store.db;
  const admin = requireRole('admin');
  app.use('/admin/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
  });
  app.get('/admin', async (c) => (await bootstrapOr(c, ctx)) ?? c.redirect('/admin/feedback', 303));
  app.get('/admin/login', async (c) => (await bootstrapOr(c, ctx)) ?? c.redirect('/signin?next=%2Fadmin%2Ffeedback', 303));
  app.get('/admin/setup', async (c) => {
    if (await hasActiveAdmin(db)) return c.redirect('/signin?next=%2Fadmin', 303);
    if (!ctx.config.adminSecret) return noAdminPage(c);
    return setupPage(c, {});
  });
  app.post('/admin/setup', publicWrite('bootstrap: guarded by the admin secret, only while no admin exists'), (c) => setupPost(c, ctx, signin));
  app.get('/admin/feedback', admin, (c) => feedbackPage(c, db));
  registerAccounts(app, db, admin);
  app.get('/admin/audit', admin, (c) => auditPage(c, db));
}

function noAdminPage(c: C) {
  const lang = c.get('lang');
  c.header('Cache-Control', 'no-store');
  return c.html(
    renderPage(c, {
      title: L(lang, S.admin),
      body: html`<h1>${L(lang, S.admin)}</h1><div class="empty-state"><p>${L(lang, S.noAdmin)}</p>
<pre><code>GOVNAV_ADMIN_SECRET="$(openssl rand -hex 24)" npx govnav serve</code></pre></div>`,
    }),
    404,
  );
}

/** Without any admin account, admin addresses lead to the setup (or explain how to make one). */
async function bootstrapOr(c: C, ctx: AppContext): Promise<Response | null> {
  if (await hasActiveAdmin(ctx.store.db)) return null;
  if (ctx.config.adminSecret) return c.redirect('/admin/setup', 303);
  return noAdminPage(c);
}

// ---------------------------------------------------------------- first admin (bootstrap)

function setupPage(c: C, v: { username?: string; displayName?: string; message?: string }, status: 200 | 400 | 401 | 429 = 200) {
  const lang = c.get('lang');
  return c.html(
    renderPage(c, {
      title: L(lang, S.setup),
      status,
      body: html`<h1>${L(lang, S.setup)}</h1>
<p class="lede">${L(lang, S.setupIntro)}</p>
${v.message ? html`<p class="notice error" role="alert">${v.message}</p>` : ''}
<form method="post" action="/admin/setup" class="signin-form">
  ${csrfInput(c)}
  <div class="form-row"><label for="secret">${L(lang, S.secret)}</label>
    <input id="secret" name="secret" type="password" autocomplete="off" required></div>
  <div class="form-row"><label for="su-username">${L(lang, S.username)}</label>
    <input id="su-username" name="username" autocomplete="username" maxlength="100" required value="${v.username ?? ''}"></div>
  <div class="form-row"><label for="su-name">${L(lang, S.displayName)}</label>
    <input id="su-name" name="displayName" maxlength="200" value="${v.displayName ?? ''}"></div>
  <div class="form-row"><label for="su-password">${L(lang, S.password)}</label>
    <input id="su-password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" required></div>
  <p><button type="submit">${L(lang, S.create)}</button></p>
</form>`,
    }),
    status,
  );
}

/** POST /admin/setup: the admin secret (attempts limited per address) creates the first admin and signs it in. */
async function setupPost(c: C, ctx: AppContext, signin: Signin) {
  const db = ctx.store.db;
  const lang = c.get('lang');
  const secret = ctx.config.adminSecret;
  if (!secret) return noAdminPage(c);
  if (await hasActiveAdmin(db)) return c.text('An admin account exists already: sign in at /signin.', 403);
  const addr = 'setup:' + signin.clientKey(c);
  const locked = signin.byAddress.lockedUntil(addr);
  if (locked) {
    c.header('Retry-After', String(Math.max(1, Math.ceil((locked - Date.now()) / 1000))));
    return setupPage(c, { message: L(lang, S.tooMany).replace('{t}', new Date(locked).toISOString().slice(11, 16)) }, 429);
  }
  const f = new URLSearchParams(await c.req.text());
  const v = { username: (f.get('username') ?? '').slice(0, 100), displayName: (f.get('displayName') ?? '').slice(0, 200) };
  if (!safeEqual(f.get('secret') ?? '', secret)) {
    signin.byAddress.fail(addr);
    return setupPage(c, { ...v, message: L(lang, S.wrong) }, 401);
  }
  try {
    const user = await createUser(
      db,
      { username: v.username, displayName: v.displayName, password: f.get('password') ?? '', role: 'admin' },
      { id: null, name: 'bootstrap-secret' },
    );
    await signin.startSession(c, user, 'bootstrap');
  } catch (e) {
    if (e instanceof UserError) return setupPage(c, { ...v, message: e.message }, 400);
    throw e;
  }
  return c.redirect('/admin/feedback', 303);
}

// ---------------------------------------------------------------- feedback

async function feedbackPage(c: C, db: Db) {
  const lang = c.get('lang');
  const page = Math.max(1, Math.min(100_000, Number(c.req.query('page') ?? 1) || 1));
  const per = 100;
  const { total, rows } = await listFeedback(db, page, per);
  const body = html`<h1>${L(lang, S.feedback)}</h1>
${adminNav(c, 'feedback')}
<p class="sans">${fmtNumber(total, lang)} ${L(lang, S.total)}</p>
${rows.length ? feedbackTable(lang, rows, page, per, total) : html`<p class="muted">${L(lang, S.none)}</p>`}`;
  return c.html(renderPage(c, { title: L(lang, S.feedback), body, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.feedback)]] }));
}

function feedbackTable(lang: Lang, rows: Awaited<ReturnType<typeof listFeedback>>['rows'], page: number, per: number, n: number) {
  return html`<div class="table-scroll"><table class="feedback-table"><thead><tr><th scope="col">#</th><th scope="col">${L(lang, S.when)}</th><th scope="col">${L(lang, S.page)}</th><th scope="col">${L(lang, S.kind)}</th><th scope="col">${L(lang, S.message)}</th><th scope="col">${L(lang, S.email)}</th><th scope="col">${L(lang, S.status)}</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr><td class="num">${r.id}</td><td>${new Date(r.created_at).toISOString().slice(0, 16).replace('T', ' ')}</td><td>${
      r.page.startsWith('/') && !r.page.startsWith('//') ? html`<a href="${r.page}">${r.page}</a>` : r.page
    }</td><td>${r.kind}</td><td class="message">${r.message}</td><td>${r.email ?? ''}</td><td>${r.status}</td></tr>`,
  )}</tbody></table></div>
${n > per ? html`<nav class="pager">${page > 1 ? html`<a href="${url('/admin/feedback', { page: page - 1 })}">←</a>` : ''} <span>${page}</span> ${page * per < n ? html`<a href="${url('/admin/feedback', { page: page + 1 })}">→</a>` : ''}</nav>` : ''}`;
}

// ---------------------------------------------------------------- accounts

function registerAccounts(app: Hono<AppEnv>, db: Db, admin: ReturnType<typeof requireRole>): void {
  app.get('/admin/users', admin, (c) => usersPage(c, db));
  app.post('/admin/users', admin, async (c) => {
    const f = new URLSearchParams(await c.req.text());
    const role = f.get('role') ?? 'contributor';
    if (!isRole(role)) return usersPage(c, db, `Role "${role.slice(0, 40)}" is not one of: ${ROLES.join(', ')}.`, 400);
    return accountChange(c, db, () =>
      createUser(db, { username: f.get('username') ?? '', displayName: f.get('displayName') ?? undefined, password: f.get('password') ?? '', role }, actorOf(c)),
    );
  });
  app.post('/admin/users/:username/role', admin, async (c) => {
    const role = new URLSearchParams(await c.req.text()).get('role') ?? '';
    if (!isRole(role)) return usersPage(c, db, `Role "${role.slice(0, 40)}" is not one of: ${ROLES.join(', ')}.`, 400);
    return accountChange(c, db, () => setRole(db, c.req.param('username'), role, actorOf(c)));
  });
  app.post('/admin/users/:username/:change{disable|enable}', admin, (c) =>
    accountChange(c, db, () => setDisabled(db, c.req.param('username'), c.req.param('change') === 'disable', actorOf(c))),
  );
}

async function usersPage(c: C, db: Db, message?: string, status: 200 | 400 = 200) {
  const lang = c.get('lang');
  const rows = await listUsers(db);
  const body = html`<h1>${L(lang, S.users)}</h1>
${adminNav(c, 'users')}
${message ? html`<p class="notice error" role="alert">${message}</p>` : ''}
<p class="small muted">${L(lang, S.usersHint)}</p>
<div class="table-scroll"><table class="users-table"><thead><tr><th scope="col">${L(lang, S.username)}</th><th scope="col">${L(lang, S.displayName)}</th><th scope="col">${L(lang, S.role)}</th><th scope="col">${L(lang, S.state)}</th><th scope="col">${L(lang, S.lastSignin)}</th><th scope="col"></th></tr></thead>
<tbody>${rows.map((u) => userRow(c, u))}</tbody></table></div>
<h2>${L(lang, S.addUser)}</h2>
<form method="post" action="/admin/users" class="signin-form">
  ${csrfInput(c)}
  <div class="form-row"><label for="nu-username">${L(lang, S.username)}</label><input id="nu-username" name="username" maxlength="100" required></div>
  <div class="form-row"><label for="nu-name">${L(lang, S.displayName)}</label><input id="nu-name" name="displayName" maxlength="200"></div>
  <div class="form-row"><label for="nu-role">${L(lang, S.role)}</label><select id="nu-role" name="role">${ROLES.map((r) => html`<option value="${r}"${r === 'contributor' ? html` selected` : ''}>${r}</option>`)}</select></div>
  <div class="form-row"><label for="nu-password">${L(lang, S.password)}</label><input id="nu-password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" required></div>
  <p><button type="submit">${L(lang, S.add)}</button></p>
</form>`;
  return c.html(renderPage(c, { title: L(lang, S.users), body, status, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.users)]] }), status);
}

function userRow(c: C, u: UserRow) {
  const lang = c.get('lang');
  const state = u.disabledAt ? S.disabledState : u.lockedUntil && u.lockedUntil > new Date() ? S.lockedState : S.activeState;
  const path = `/admin/users/${encodeURIComponent(u.username)}`;
  return html`<tr><td>${u.username}</td><td>${u.displayName}</td><td>
<form method="post" action="${path}/role" class="inline-form">${csrfInput(c)}<label class="visually-hidden" for="role-${u.id}">${L(lang, S.role)}</label><select id="role-${u.id}" name="role">${ROLES.map(
    (r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${r}</option>`,
  )}</select> <button type="submit" class="secondary">${L(lang, S.changeRole)}</button></form></td>
<td>${L(lang, state)}</td><td>${u.lastSigninAt ? u.lastSigninAt.toISOString().slice(0, 16).replace('T', ' ') : ''}</td>
<td><form method="post" action="${path}/${u.disabledAt ? 'enable' : 'disable'}" class="inline-form">${csrfInput(c)}<button type="submit" class="secondary">${L(lang, u.disabledAt ? S.enable : S.disable)}</button></form></td></tr>`;
}

function actorOf(c: C) {
  const u = currentUser(c)!;
  return { id: u.id, name: u.username };
}

/** Run an account change; a refused change shows the accounts page with the reason. */
async function accountChange(c: C, db: Db, fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UserError) return usersPage(c, db, e.message, 400);
    throw e;
  }
  return c.redirect('/admin/users', 303);
}

// ---------------------------------------------------------------- audit log

async function auditPage(c: C, db: Db) {
  const lang = c.get('lang');
  const per = 200;
  const beforeRaw = Number(c.req.query('before') ?? NaN);
  const before = Number.isSafeInteger(beforeRaw) && beforeRaw > 0 ? beforeRaw : undefined;
  const targetType = c.req.query('type')?.slice(0, 40) || undefined;
  const targetId = c.req.query('id')?.slice(0, 200) || undefined;
  const rows = await listAudit(db, { targetType, targetId, before, limit: per, order: 'desc' });
  const last = rows[rows.length - 1];
  const body = html`<h1>${L(lang, S.audit)}</h1>
${adminNav(c, 'audit')}
<p class="small muted">${L(lang, S.export)}</p>
${
  rows.length
    ? html`<div class="table-scroll"><table class="audit-table"><thead><tr><th scope="col">#</th><th scope="col">${L(lang, S.at)}</th><th scope="col">${L(lang, S.who)}</th><th scope="col">${L(lang, S.what)}</th><th scope="col">${L(lang, S.target)}</th><th scope="col">${L(lang, S.change)}</th></tr></thead>
<tbody>${rows.map((r) => auditRow(r))}</tbody></table></div>
${rows.length === per && last ? html`<nav class="pager"><a href="${url('/admin/audit', { type: targetType, id: targetId, before: last.id })}">${L(lang, S.older)} →</a></nav>` : ''}`
    : html`<p class="muted">${L(lang, S.noAudit)}</p>`
}`;
  return c.html(renderPage(c, { title: L(lang, S.audit), body, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.audit)]] }));
}

function auditRow(r: AuditEntry) {
  const show = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  const change = r.before !== null || r.after !== null ? `${show(r.before)} → ${show(r.after)}` : '';
  return html`<tr><td class="num">${r.id}</td><td>${r.at.toISOString().slice(0, 19).replace('T', ' ')}</td><td>${r.actor}</td><td><code>${r.action}</code></td><td><a href="${url('/admin/audit', { type: r.targetType, id: r.targetId })}">${r.targetType} ${r.targetId}</a></td><td class="message">${change}${r.detail ? ` (${r.detail})` : ''}</td></tr>`;
}

function adminNav(c: Context<AppEnv>, current: 'feedback' | 'audit' | 'users') {
  const lang = c.get('lang');
  const link = (key: 'feedback' | 'audit' | 'users', href: string) =>
    current === key ? html`<strong aria-current="page">${L(lang, S[key])}</strong>` : html`<a href="${href}">${L(lang, S[key])}</a>`;
  return html`<nav class="admin-nav sans" aria-label="${L(lang, S.admin)}">${link('feedback', '/admin/feedback')} · ${link('audit', '/admin/audit')} · ${link('users', '/admin/users')}
<form method="post" action="/signout" class="inline-form">${csrfInput(c)}<button type="submit" class="secondary">${L(lang, S.logout)}</button></form></nav>`;
}

// /admin/jobs: the job queue for admins — recent jobs with their state, attempts and progress, one
// job's details, and cancel / retry. The queries are in src/jobs; nothing here touches SQL.
import type { Context, Hono } from 'hono';
import { csrfInput, requireRole } from '../../auth/index.ts';
import { cancelJob, getJob, JOB_STATES, listJobs, retryJob, aliveWorkers, type JobRow, type JobState } from '../../jobs/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L, url } from '../html.ts';
import { renderPage } from '../layout.ts';

const S = {
  admin: { en: 'Administration', zh: '管理' },
  jobs: { en: 'Jobs', zh: '任务' },
  none: { en: 'No jobs yet.', zh: '尚无任务。' },
  job: { en: 'Job', zh: '任务' },
  kind: { en: 'Kind', zh: '类型' },
  state: { en: 'State', zh: '状态' },
  attempts: { en: 'Attempts', zh: '尝试次数' },
  progress: { en: 'Progress', zh: '进度' },
  created: { en: 'Created (UTC)', zh: '创建时间（UTC）' },
  worker: { en: 'Worker', zh: '执行进程' },
  cancel: { en: 'Cancel', zh: '取消' },
  retry: { en: 'Retry', zh: '重试' },
  all: { en: 'All', zh: '全部' },
  workers: { en: 'Workers alive', zh: '在线执行进程' },
  params: { en: 'Parameters', zh: '参数' },
  result: { en: 'Result', zh: '结果' },
  error: { en: 'Error', zh: '错误' },
  notFound: { en: 'No such job.', zh: '没有这个任务。' },
} as const;

function progressCell(j: JobRow) {
  const p = j.progress ?? {};
  if (!p.total) return html`<span class="small">${p.message ?? ''}</span>`;
  const done = Math.min(p.done ?? 0, p.total);
  return html`<progress max="${p.total}" value="${done}">${done}/${p.total}</progress> <span class="small">${done}/${p.total}${p.message ? ` · ${p.message}` : ''}</span>`;
}

function actions(c: Context<AppEnv>, j: JobRow) {
  const lang = c.get('lang');
  const form = (what: 'cancel' | 'retry') =>
    html`<form method="post" action="/admin/jobs/${encodeURIComponent(j.id)}/${what}" class="inline-form">${csrfInput(c)}<button type="submit" class="secondary">${L(lang, S[what])}</button></form>`;
  if (j.state === 'queued' || j.state === 'running' || j.state === 'retry') return form('cancel');
  if (j.state === 'failed' || j.state === 'dead' || j.state === 'cancelled') return form('retry');
  return '';
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  const admin = requireRole('admin');
  const db = ctx.store.db;
  app.get('/admin/jobs', admin, async (c) => {
    const lang = c.get('lang');
    const stateQ = c.req.query('state');
    const state = (JOB_STATES as readonly string[]).includes(stateQ ?? '') ? (stateQ as JobState) : undefined;
    const rows = await listJobs(db, { state, limit: 100 });
    const workers = db.kind === 'postgres' ? (await aliveWorkers(ctx.store)).length : undefined;
    const filter = html`<nav class="sans small">${[undefined, ...JOB_STATES].map((s, i) =>
      html`${i ? ' · ' : ''}${s === state ? html`<strong>${s ?? L(lang, S.all)}</strong>` : html`<a href="${url('/admin/jobs', { state: s })}">${s ?? L(lang, S.all)}</a>`}`,
    )}</nav>`;
    const body = html`<h1>${L(lang, S.jobs)}</h1>
${workers !== undefined ? html`<p class="small">${L(lang, S.workers)}: ${workers}</p>` : ''}
${filter}
${
  rows.length
    ? html`<div class="table-scroll"><table class="jobs-table"><thead><tr><th scope="col">${L(lang, S.job)}</th><th scope="col">${L(lang, S.kind)}</th><th scope="col">${L(lang, S.state)}</th><th scope="col">${L(lang, S.attempts)}</th><th scope="col">${L(lang, S.progress)}</th><th scope="col">${L(lang, S.created)}</th><th scope="col">${L(lang, S.worker)}</th><th></th></tr></thead>
<tbody>${rows.map(
        (j) => html`<tr data-job="${j.id}" data-state="${j.state}"><td><a href="/admin/jobs/${encodeURIComponent(j.id)}">${j.id}</a></td><td>${j.kind}</td><td>${j.state}</td><td>${j.attempts}/${j.max_attempts}</td><td>${progressCell(j)}</td><td>${new Date(j.created_at).toISOString().slice(0, 19).replace('T', ' ')}</td><td class="small">${j.worker ?? ''}</td><td>${actions(c, j)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">${L(lang, S.none)}</p>`
}`;
    c.header('Cache-Control', 'no-store');
    return c.html(renderPage(c, { title: L(lang, S.jobs), body, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.jobs)]] }));
  });

  app.get('/admin/jobs/:id', admin, async (c) => {
    const lang = c.get('lang');
    const j = await getJob(db, c.req.param('id'));
    if (!j) return c.html(renderPage(c, { title: L(lang, S.jobs), body: html`<p>${L(lang, S.notFound)}</p>` }), 404);
    const params = JSON.stringify(j.params, (k, v) => (k === 'base64' ? `(${String(v).length} base64 characters)` : v), 2);
    const body = html`<h1>${L(lang, S.job)} ${j.id}</h1>
<p>${j.kind} · <strong>${j.state}</strong> · ${L(lang, S.attempts)} ${j.attempts}/${j.max_attempts} ${actions(c, j)}</p>
<p>${progressCell(j)}</p>
${j.error ? html`<h2>${L(lang, S.error)}</h2><pre>${j.error}</pre>` : ''}
<h2>${L(lang, S.params)}</h2><pre>${params}</pre>
${j.result !== null && j.result !== undefined ? html`<h2>${L(lang, S.result)}</h2><pre>${JSON.stringify(j.result, null, 2)}</pre>` : ''}`;
    c.header('Cache-Control', 'no-store');
    return c.html(renderPage(c, { title: `${L(lang, S.job)} ${j.id}`, body, crumbs: [[L(lang, S.admin), '/admin'], [L(lang, S.jobs), '/admin/jobs'], [j.id]] }));
  });

  app.post('/admin/jobs/:id/:action{cancel|retry}', admin, async (c) => {
    const id = c.req.param('id');
    const action = c.req.param('action');
    try {
      // A retried queue job goes back to the queue; an in-process one (PGlite) is not run by the web server.
      if (action === 'cancel') await cancelJob(ctx.store, id, { databaseUrl: ctx.config.databaseUrl });
      else if (db.kind === 'postgres') await retryJob(ctx.store, id, { databaseUrl: ctx.config.databaseUrl });
      else return c.text('On the embedded database, retry jobs from the command line: govnav jobs retry ' + id, 409);
    } catch (e) {
      return c.text((e as Error).message, 409);
    }
    return c.redirect(`/admin/jobs/${encodeURIComponent(id)}`, 303);
  });
}

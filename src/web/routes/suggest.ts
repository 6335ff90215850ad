// Contesting a label from a statement page: GET /suggest/<id>?taxonomy=… shows the form,
// POST /m/<id>/suggest records the proposal (into the review queue, source marked: a reader's, or
// attributed to the signed-in contributor). Open to anonymous readers on purpose, with the CSRF
// token, a per-client rate limit, a honeypot and a link-count check as on the feedback form.
// GET /m/<id>/history lists the statement's audit records (decisions, proposals, double coding).
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { csrfInput, currentUser, publicWrite } from '../../auth/index.ts';
import { ReviewError } from '../../review/errors.ts';
import { createProposal, statementForSuggest } from '../../review/proposals.ts';
import { listAudit } from '../../store/audit.ts';
import { ID_PATTERN } from '../../store/ids.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L } from '../html.ts';
import { renderPage } from '../layout.ts';
import { clientKey, RateLimiter } from '../rate-limit.ts';
import { historyTable, HS } from '../components/review-history.ts';
import { SG, suggestForm } from '../components/suggest.ts';
import { remoteAddress } from './feedback.ts';

const TOO_MANY = { en: 'Too many suggestions in a short time. Please try again in {s} seconds.', zh: '短时间内提交的建议过多。请在 {s} 秒后重试。' };
const LINKS = { en: 'A reason may contain at most two links.', zh: '理由中最多可包含两个链接。' };

export interface SuggestOptions {
  burst?: number;
  perMinute?: number;
}

function showForm(c: Context<AppEnv>, id: string, taxonomy: string | undefined, values: { code?: string; reason?: string; error?: string }, status = 200) {
  const ctx = c.get('ctx');
  const lang = c.get('lang');
  return statementForSuggest(ctx.store.db, id).then((st) => {
    if (!st) return c.notFound();
    const taxonomies = ctx.store.taxonomies.forKind(st.kind as never);
    const tax = taxonomies.find((x) => x.id === taxonomy) ?? taxonomies[0];
    if (!tax) return c.notFound();
    c.header('Cache-Control', 'private, no-store');
    const user = currentUser(c);
    const body = suggestForm(
      { statementId: id, statementTitle: st.title, tax, taxonomies, current: st.current.get(tax.id), csrf: csrfInput(c), username: user?.username, ...values },
      lang,
    );
    return c.html(renderPage(c, { title: L(lang, SG.title), body, status, crumbs: [['govnav', '/'], [id, `/m/${id}`], [L(lang, SG.title)]] }), status as 200);
  });
}

export function register(app: Hono<AppEnv>, ctx: AppContext, opts: SuggestOptions = {}): void {
  const limiter = new RateLimiter(opts.burst ?? 5, opts.perMinute ?? 5);
  const salt = randomBytes(16).toString('hex');

  app.get('/suggest/:id', (c) => {
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id) || id.startsWith('D')) return c.notFound();
    return showForm(c, id, c.req.query('taxonomy'), {});
  });

  app.post('/m/:id/suggest', publicWrite('readers contest labels without an account; rate-limited'), async (c) => {
    const lang = c.get('lang');
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id) || id.startsWith('D')) return c.notFound();
    c.header('Cache-Control', 'no-store');
    const key = clientKey(remoteAddress(c), salt);
    if (!limiter.take(key)) {
      const wait = Math.max(1, limiter.retryAfter(key));
      c.header('Retry-After', String(wait));
      return c.text(L(lang, TOO_MANY).replace('{s}', String(wait)), 429);
    }
    const f = new URLSearchParams(await c.req.text());
    const taxonomy = f.get('taxonomy') ?? '';
    const values = { code: f.get('code') ?? '', reason: f.get('reason') ?? '' };
    if ((f.get('website') ?? '') !== '') return c.redirect(`/m/${id}?suggested=1`, 303); // honeypot: store nothing
    if ((values.reason.match(/https?:\/\//gi) ?? []).length > 2) return showForm(c, id, taxonomy, { ...values, error: L(lang, LINKS) }, 400);
    const user = currentUser(c);
    try {
      await createProposal(ctx.store.db, ctx.store.taxonomies, {
        statementId: id,
        taxonomy,
        code: values.code,
        reason: values.reason,
        account: user ? { id: user.id, username: user.username, role: user.role } : null,
        clientHash: key,
      });
    } catch (e) {
      if (e instanceof ReviewError) return showForm(c, id, taxonomy, { ...values, error: e.message }, 400);
      throw e;
    }
    return c.redirect(`/suggest/${id}/thanks`, 303);
  });

  app.get('/suggest/:id/thanks', (c) => {
    const lang = c.get('lang');
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id)) return c.notFound();
    c.header('Cache-Control', 'no-store');
    return c.html(
      renderPage(c, {
        title: L(lang, SG.title),
        body: html`<h1>${L(lang, SG.title)}</h1><p class="notice ok" role="status">${L(lang, SG.thanks)}</p><p><a href="/m/${id}">${id}</a></p>`,
      }),
    );
  });

  app.get('/m/:id/history', async (c) => {
    const lang = c.get('lang');
    const id = c.req.param('id');
    if (!ID_PATTERN.test(id) || id.startsWith('D')) return c.notFound();
    const st = await statementForSuggest(ctx.store.db, id);
    if (!st) return c.notFound();
    const entries = await listAudit(ctx.store.db, { targetType: 'statement', targetId: id, limit: 500, order: 'desc' });
    return c.html(
      renderPage(c, {
        title: `${L(lang, HS.title)} · ${id}`,
        body: html`<h1>${L(lang, HS.title)}: <a href="/m/${id}">${id}</a></h1><p class="lede">${st.title}</p>${historyTable(entries, lang)}`,
        crumbs: [['govnav', '/'], [id, `/m/${id}`], [L(lang, HS.title)]],
      }),
    );
  });
}

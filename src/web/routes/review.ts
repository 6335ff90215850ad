// Review in the browser (issue #13). Anonymous readers are sent to sign in; contributors see their
// own suggestions; reviewers decide (accept / correct / reject / skip, keyboard-driven through
// static/review.js, every form working without it), code double-coding samples blind, adjudicate
// disagreements and review extraction; admins assign samples. Agreement (/review/agreement) and
// the learning curve (/review/learning) are read-only. Every write checks the role on the server
// (requireRole), carries its CSRF token (checked by the auth middleware) and is audited in the
// transaction of the change (src/review/*). No SQL here: the queries live in src/review.
import type { Context, Hono } from 'hono';
import { csrfInput, currentUser, requireRole, roleSatisfies } from '../../auth/index.ts';
import { reviewContext } from '../../review/context.ts';
import { decideAs, correctAs } from '../../review/audited.ts';
import { adjudicate, adjudicationQueue, assignSample, codeAssignment, myAssignments } from '../../review/coding.ts';
import { ReviewError } from '../../review/errors.ts';
import { blocksToReview, reviewBlock } from '../../review/extraction.ts';
import { countQueue, documentQueueLabelIds, pageQueue, queueFilterChoices, type PageQueueFilter } from '../../review/page-queue.ts';
import { decideProposal, listProposals } from '../../review/proposals.ts';
import { flushViews } from '../../review/views.ts';
import { listUsers } from '../../store/users.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L, type Html } from '../html.ts';
import { account, backTo, formOf, refused, reviewPage } from '../components/review-page.ts';
import { adjudicationItem, assignForm, codingItem, CS, extractionRow } from '../components/review-coding.ts';
import { codeLists, filterForm, nextPageLink, proposalForms, queueItem, RS } from '../components/review.ts';
import { chip } from '../components/labels.ts';
import { registerReviewReports } from '../components/review-reports.ts';
import { logError } from '../../util/errors.ts';

function parseFilter(q: (k: string) => string | undefined, c: AppContext): PageQueueFilter {
  const f: PageQueueFilter = {};
  const tax = q('taxonomy');
  if (tax && c.store.taxonomies.has(tax)) f.taxonomy = tax;
  const ds = q('dataset');
  if (ds && /^[\w.-]{1,100}$/.test(ds)) f.dataset = ds;
  const doc = q('document');
  if (doc && /^D\d{4,}$/.test(doc)) f.document = doc;
  const src = q('source');
  if (src && ['embedded', 'llm', 'imported'].includes(src)) f.source = src;
  const mc = Number(q('max_confidence'));
  if (q('max_confidence') && Number.isFinite(mc) && mc >= 0 && mc <= 1) f.maxConfidence = mc;
  if (q('disagreement') === '1') f.disagreement = true;
  const off = Number(q('offset'));
  if (Number.isInteger(off) && off > 0 && off < 100_000) f.offset = off;
  return f;
}

async function queueBody(c: Context<AppEnv>, ctx: AppContext, f: PageQueueFilter): Promise<Html> {
  const lang = c.get('lang');
  const db = ctx.store.db;
  const reg = ctx.store.taxonomies;
  await flushViews(db).catch((e) => logError('saving statement view counts before the queue', e));
  const [{ rows, more }, count, choices] = await Promise.all([pageQueue(db, { ...f, limit: 20 }), countQueue(db, f), queueFilterChoices(db)]);
  const cx = await reviewContext(db, rows.map((r) => r.statementId));
  const back = new URL(c.req.url).pathname + new URL(c.req.url).search;
  const o = { csrf: csrfInput(c), back, canDecide: true };
  const taxes = [...new Set(rows.map((r) => r.taxonomy))].filter((t) => reg.has(t)).map((t) => reg.get(t));
  const total = `${fmtNumber(count.n, lang)}${count.capped ? '+' : ''}`;
  const bulk = f.document && rows.length ? bulkForm(c, f, total) : html``;
  return html`<p class="small sans muted">${L(lang, RS.keys)}</p>
${filterForm(f, reg, choices.datasets, lang)}
<p class="sans" role="status">${L(lang, RS.total).replace('{n}', total)}</p>
${bulk}
${codeLists(taxes)}
<div class="review-list">${rows.length ? rows.map((r, i) => queueItem(reg, r, cx, lang, o, rows[i + 1]?.labelId)) : html`<p class="muted">${L(lang, RS.empty)}</p>`}</div>
${more ? nextPageLink(f, (f.offset ?? 0) + rows.length, lang) : ''}`;
}

function bulkForm(c: Context<AppEnv>, f: PageQueueFilter, total: string): Html {
  const lang = c.get('lang');
  const back = new URL(c.req.url).pathname + new URL(c.req.url).search;
  const hidden = html`${csrfInput(c)}<input type="hidden" name="document" value="${f.document}"><input type="hidden" name="taxonomy" value="${f.taxonomy ?? ''}"><input type="hidden" name="back" value="${back}">`;
  return html`<div class="review-bulk sans"><form method="post" action="/review/bulk" class="inline">${hidden}<input type="hidden" name="action" value="accept"><button type="submit">${L(
    lang,
    RS.bulk,
  ).replace('{n}', total)}</button></form>
  <form method="post" action="/review/bulk" class="inline">${hidden}<input type="hidden" name="action" value="reject"><button type="submit" class="secondary">${L(lang, RS.bulkReject)}</button></form></div>`;
}

async function ownProposals(c: Context<AppEnv>, ctx: AppContext): Promise<Html> {
  const lang = c.get('lang');
  const user = currentUser(c)!;
  const mine = await listProposals(ctx.store.db, { userId: user.id, limit: 200 });
  return html`<p class="notice">${L(lang, RS.readOnly)}</p>${proposalTable(ctx, mine, lang, null)}`;
}

export function proposalTable(ctx: AppContext, rows: Awaited<ReturnType<typeof listProposals>>, lang: import('../../model/index.ts').Lang, forms: { csrf: Html; back: string } | null): Html {
  const reg = ctx.store.taxonomies;
  if (!rows.length) return html`<p class="muted">${L(lang, RS.empty)}</p>`;
  return html`<table class="proposals"><thead><tr><th>#</th><th>Statement</th><th>Taxonomy</th><th>Current</th><th>Proposed</th><th>Reason</th><th>From</th><th>Status</th></tr></thead><tbody>${rows.map((p) => {
    const t = reg.has(p.taxonomy) ? reg.get(p.taxonomy) : undefined;
    return html`<tr id="proposal-${p.id}" data-status="${p.status}"><td>${p.id}</td><td><a href="/m/${p.statementId}">${p.statementId}</a> <span class="small">${p.statementName}</span></td><td>${p.taxonomy}</td><td>${
      p.currentCode && t ? chip(t, p.currentCode, lang) : '—'
    }</td><td>${t ? chip(t, p.code, lang) : p.code}</td><td class="small">${p.reason}</td><td>${p.username ?? L(lang, RS.reader)} <span class="muted small">(${p.origin})</span></td><td>${p.status}${
      forms && p.status === 'open' ? proposalForms(p.id, lang, forms) : p.decidedBy ? html` <span class="small muted">${p.decidedBy}</span>` : ''
    }</td></tr>`;
  })}</tbody></table>`;
}

function registerQueue(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/review', requireRole('contributor'), async (c) => {
    const user = currentUser(c)!;
    const lang = c.get('lang');
    if (!roleSatisfies(user.role, ['reviewer'])) return reviewPage(c, 'queue', L(lang, RS.title), await ownProposals(c, ctx));
    const f = parseFilter((k) => c.req.query(k), ctx);
    return reviewPage(c, 'queue', L(lang, RS.title), await queueBody(c, ctx, f));
  });

  app.post('/review/label/:id/:action', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    const back = backTo(form.get('back'));
    const id = Number(c.req.param('id'));
    const action = c.req.param('action');
    const who = account(currentUser(c)!);
    try {
      if (action === 'accept' || action === 'reject') await decideAs(ctx.store.db, who, action, [id]);
      else if (action === 'correct') await correctAs(ctx.store.db, ctx.store.taxonomies, who, id, form.get('code') ?? '', form.get('reason') ?? undefined);
      else return c.notFound();
    } catch (e) {
      return refused(c, e, back);
    }
    return c.redirect(back, 303);
  });

  app.post('/review/bulk', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    const back = backTo(form.get('back'));
    const doc = form.get('document') ?? '';
    const action = form.get('action');
    if (!/^D\d{4,}$/.test(doc) || (action !== 'accept' && action !== 'reject')) return refused(c, new ReviewError('Give a document id and accept or reject.'), back);
    const ids = await documentQueueLabelIds(ctx.store.db, doc, form.get('taxonomy') || undefined);
    try {
      if (ids.length) await decideAs(ctx.store.db, account(currentUser(c)!), action, ids, { bulk: doc });
    } catch (e) {
      return refused(c, e, back);
    }
    return c.redirect(back, 303);
  });
}

function registerProposals(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/review/proposals', requireRole('contributor'), async (c) => {
    const lang = c.get('lang');
    const user = currentUser(c)!;
    const reviewer = roleSatisfies(user.role, ['reviewer']);
    const rows = reviewer ? await listProposals(ctx.store.db, { status: 'open', limit: 200 }) : await listProposals(ctx.store.db, { userId: user.id, limit: 200 });
    const forms = reviewer ? { csrf: csrfInput(c), back: '/review/proposals' } : null;
    return reviewPage(c, 'proposals', L(lang, RS.proposals), proposalTable(ctx, rows, lang, forms));
  });

  app.post('/review/proposals/:id/:action', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    const back = backTo(form.get('back'));
    const action = c.req.param('action');
    if (action !== 'accept' && action !== 'reject') return c.notFound();
    try {
      await decideProposal(ctx.store.db, ctx.store.taxonomies, Number(c.req.param('id')), action, account(currentUser(c)!));
    } catch (e) {
      return refused(c, e, back);
    }
    return c.redirect(back, 303);
  });
}

function registerCoding(app: Hono<AppEnv>, ctx: AppContext): void {
  const reg = ctx.store.taxonomies;
  app.get('/review/coding', requireRole('reviewer'), async (c) => {
    const lang = c.get('lang');
    const { items, remaining } = await myAssignments(ctx.store.db, currentUser(c)!.id);
    const cx = await reviewContext(ctx.store.db, items.map((i) => i.statementId));
    const csrf = csrfInput(c);
    const taxes = [...new Set(items.map((i) => i.taxonomy))].map((t) => reg.get(t));
    const body = html`<p>${L(lang, CS.codingIntro)}</p><p class="sans" role="status">${L(lang, CS.remaining).replace('{n}', fmtNumber(remaining, lang))}</p>${codeLists(taxes)}
<div class="review-list">${items.length ? items.map((a) => codingItem(reg, a, cx.blocks.get(a.statementId), lang, csrf)) : html`<p class="muted">${L(lang, CS.nothing)}</p>`}</div>`;
    return reviewPage(c, 'coding', L(lang, RS.coding), body);
  });

  app.post('/review/coding/:id', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    try {
      await codeAssignment(ctx.store.db, reg, Number(c.req.param('id')), account(currentUser(c)!), form.get('code') ?? '', form.get('reason') ?? undefined);
    } catch (e) {
      return refused(c, e, '/review/coding');
    }
    return c.redirect('/review/coding', 303);
  });

  app.get('/review/adjudication', requireRole('reviewer'), async (c) => {
    const lang = c.get('lang');
    const items = await adjudicationQueue(ctx.store.db, currentUser(c)!.id);
    const csrf = csrfInput(c);
    const taxes = [...new Set(items.map((i) => i.taxonomy))].map((t) => reg.get(t));
    const body = html`<p>${L(lang, CS.adjIntro)}</p>${codeLists(taxes)}<div class="review-list">${
      items.length ? items.map((a) => adjudicationItem(reg, a, lang, csrf)) : html`<p class="muted">${L(lang, CS.nothing)}</p>`
    }</div>`;
    return reviewPage(c, 'adjudication', L(lang, RS.adjudication), body);
  });

  app.post('/review/adjudication/:id', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    try {
      await adjudicate(ctx.store.db, reg, Number(c.req.param('id')), account(currentUser(c)!), form.get('code') ?? '', form.get('reason') ?? undefined);
    } catch (e) {
      return refused(c, e, '/review/adjudication');
    }
    return c.redirect('/review/adjudication', 303);
  });
}

function registerAdmin(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/review/assign', requireRole('admin'), async (c) => {
    const lang = c.get('lang');
    const people = (await listUsers(ctx.store.db)).filter((u) => !u.disabledAt && roleSatisfies(u.role, ['reviewer']));
    const done = c.req.query('assigned');
    const note = done ? html`<p class="notice ok" role="status">${L(lang, CS.assigned).replace('{n}', done.replace(/\D/g, ''))}</p>` : '';
    return reviewPage(c, 'assign', L(lang, RS.assign), html`${note}${assignForm(ctx.store.taxonomies, people, lang, csrfInput(c))}`);
  });

  app.post('/review/assign', requireRole('admin'), async (c) => {
    const form = await formOf(c);
    const since = Number(form.get('since_days'));
    try {
      const n = await assignSample(
        ctx.store.db,
        ctx.store.taxonomies,
        {
          taxonomy: form.get('taxonomy') ?? '',
          fraction: Number(form.get('percent')) / 100,
          coderA: Number(form.get('coder_a')),
          coderB: Number(form.get('coder_b')),
          sinceDays: form.get('since_days') && since > 0 ? Math.floor(since) : undefined,
        },
        account(currentUser(c)!),
      );
      return c.redirect(`/review/assign?assigned=${n}`, 303);
    } catch (e) {
      return refused(c, e, '/review/assign');
    }
  });

  app.get('/review/extraction', requireRole('reviewer'), async (c) => {
    const lang = c.get('lang');
    const doc = c.req.query('document');
    const blocks = await blocksToReview(ctx.store.db, { document: doc && /^D\d{4,}$/.test(doc) ? doc : undefined });
    const csrf = csrfInput(c);
    const body = html`<p>${L(lang, CS.extractionIntro)}</p><div class="review-list">${
      blocks.length ? blocks.map((b) => extractionRow(b, lang, csrf)) : html`<p class="muted">${L(lang, CS.nothing)}</p>`
    }</div>`;
    return reviewPage(c, 'extraction', L(lang, RS.extraction), body);
  });

  app.post('/review/extraction', requireRole('reviewer'), async (c) => {
    const form = await formOf(c);
    const merge = form.get('merge_with');
    try {
      await reviewBlock(ctx.store.db, account(currentUser(c)!), form.get('document') ?? '', form.get('anchor') ?? '', merge ? { mergeWith: merge } : { role: form.get('role') ?? '' });
    } catch (e) {
      return refused(c, e, '/review/extraction');
    }
    return c.redirect('/review/extraction', 303);
  });
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  registerQueue(app, ctx);
  registerProposals(app, ctx);
  registerCoding(app, ctx);
  registerAdmin(app, ctx);
  registerReviewReports(app, ctx);
}

// The shell and helpers shared by the review pages: tabs, the review script and stylesheet, no
// caching, where to return after a decision, and review errors as 400 pages.
import type { Context } from 'hono';
import { currentUser, roleSatisfies, type SessionUser } from '../../auth/index.ts';
import type { Account } from '../../review/audited.ts';
import { ReviewError } from '../../review/errors.ts';
import type { AppEnv } from '../context.ts';
import { html, L, type Html } from '../html.ts';
import { renderPage } from '../layout.ts';
import { assetUrl } from '../static.ts';
import { reviewTabs, RS, type ReviewTab } from './review.ts';

export const account = (u: SessionUser): Account => ({ id: u.id, username: u.username });

/** The review page shell: tabs, the review script and stylesheet, no caching. */
export function reviewPage(c: Context<AppEnv>, tab: ReviewTab, title: string, body: Html, status = 200) {
  const lang = c.get('lang');
  const user = currentUser(c)!;
  c.header('Cache-Control', 'private, no-store');
  const tabs = reviewTabs(tab, lang, { admin: user.role === 'admin', reviewer: roleSatisfies(user.role, ['reviewer']) });
  return c.html(
    renderPage(c, {
      title,
      status,
      body: html`<h1>${title}</h1>${tabs}${body}`,
      head: html`<link rel="stylesheet" href="${assetUrl('review.css')}"><script src="${assetUrl('review.js')}" defer></script>`,
      crumbs: [['govnav', '/'], [L(lang, RS.title), '/review'], [title]],
    }),
    status as 200,
  );
}

/** Where to go after a decision: a review page of this site, else the queue. */
export function backTo(raw: string | null | undefined): string {
  const s = (raw ?? '').trim();
  return /^\/review(\/[\w/-]*)?(\?[^\s\\]*)?$/.test(s) && !s.startsWith('//') ? s.slice(0, 500) : '/review';
}

export async function formOf(c: Context<AppEnv>): Promise<URLSearchParams> {
  return new URLSearchParams(await c.req.text());
}

/** A ReviewError as a 400 page naming what was wrong; anything else is rethrown. */
export function refused(c: Context<AppEnv>, e: unknown, back: string) {
  if (!(e instanceof ReviewError)) throw e;
  const lang = c.get('lang');
  c.header('Cache-Control', 'no-store');
  return c.html(
    renderPage(c, { title: L(lang, RS.title), status: 400, body: html`<h1>${L(lang, RS.title)}</h1><p class="notice error" role="alert">${e.message}</p><p><a href="${back}">←</a></p>` }),
    400,
  );
}


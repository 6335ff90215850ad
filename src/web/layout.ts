// The page shell: header with navigation, search and language switch; the data-status banner with
// the feedback link; breadcrumbs; main content; footer. Server-rendered, works without JavaScript.
import type { Context } from 'hono';
import type { Lang } from '../model/index.ts';
import { html, L, raw, type Html } from './html.ts';
import { t, UI } from './i18n.ts';
import type { AppEnv } from './context.ts';
import { assetUrl } from './static.ts';
import { csrfInput, currentUser } from '../auth/index.ts';
import { isCacheablePath } from './components/page-cache.ts';

export interface PageOptions {
  title: string;
  body: Html;
  /** Trail of [label, href]; the last is the current page (href may be omitted). */
  crumbs?: [string, string?][];
  description?: string;
  /** Extra <head> markup (trusted: our own). */
  head?: Html;
  /** HTTP status (default 200). */
  status?: number;
  /** Nav key of the current section, for aria-current. */
  section?: 'home' | 'search' | 'documents' | 'taxonomies' | 'risks' | 'topics' | 'api';
}

export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-Hans' : 'en';
}

/** The current URL with ?lang= set to `to` (other parameters kept). */
export function switchLangHref(c: Context<AppEnv>, to: Lang): string {
  const u = new URL(c.req.url);
  u.searchParams.set('lang', to);
  return u.pathname + u.search;
}

export function renderPage(c: Context<AppEnv>, p: PageOptions): Html {
  const lang = c.get('lang');
  const banner = c.get('ctx').config.banner;
  const path = new URL(c.req.url).pathname;
  const nav: [NonNullable<PageOptions['section']>, string, string][] = [
    ['home', '/', t(lang, 'home')],
    ['search', '/search', t(lang, 'search')],
    ['documents', '/d', t(lang, 'documents')],
    ['taxonomies', '/t', t(lang, 'taxonomies')],
    ['risks', '/risk', t(lang, 'risks')],
    ['topics', '/topics', t(lang, 'topics')],
    ['api', '/api', t(lang, 'api')],
  ];
  const crumbs = p.crumbs ?? [];
  return html`<!doctype html>
<html lang="${htmlLang(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · govnav</title>
${p.description ? html`<meta name="description" content="${p.description}">` : ''}
<link rel="stylesheet" href="${assetUrl('style.css')}">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="alternate" hreflang="en" href="${switchLangHref(c, 'en')}">
<link rel="alternate" hreflang="zh-Hans" href="${switchLangHref(c, 'zh')}">
${p.head ?? ''}
</head>
<body>
<a class="skip-link" href="#main">${t(lang, 'skip')}</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/" aria-label="govnav — ${t(lang, 'home')}"><span class="brand-mark" aria-hidden="true">◇</span> govnav</a>
    <nav aria-label="${lang === 'zh' ? '主导航' : 'Main'}">
      <ul class="nav">
        ${nav.map(
          ([key, href, label]) =>
            html`<li><a href="${href}"${p.section === key ? raw(' aria-current="page"') : ''}>${label}</a></li>`,
        )}
      </ul>
    </nav>
    <form class="header-search" role="search" action="/search" method="get">
      <label class="visually-hidden" for="hq">${t(lang, 'search')}</label>
      <input id="hq" name="q" type="search" placeholder="${t(lang, 'searchPlaceholder')}" value="${path === '/search' ? c.req.query('q') ?? '' : ''}">
      <button type="submit">${t(lang, 'search')}</button>
    </form>
    ${accountLink(c, lang, path)}
    <p class="lang-switch"><span class="visually-hidden">${t(lang, 'language')}: </span>${
      lang === 'zh'
        ? html`<a href="${switchLangHref(c, 'en')}" hreflang="en" lang="en">English</a> · <strong lang="zh-Hans" aria-current="true">中文</strong>`
        : html`<strong lang="en" aria-current="true">English</strong> · <a href="${switchLangHref(c, 'zh')}" hreflang="zh-Hans" lang="zh-Hans">中文</a>`
    }</p>
  </div>
</header>
<div class="status-banner" role="note">
  <div class="wrap"><p>${L(lang, banner)} <a href="/feedback?page=${encodeURIComponent(path + new URL(c.req.url).search)}">${t(lang, 'feedback')}</a></p></div>
</div>
<main id="main" class="wrap" tabindex="-1">
${
  crumbs.length
    ? html`<nav class="crumbs" aria-label="${lang === 'zh' ? '路径' : 'Breadcrumb'}"><ol>${crumbs.map(([label, href], i) =>
        i === crumbs.length - 1 || !href ? html`<li aria-current="page">${label}</li>` : html`<li><a href="${href}">${label}</a></li>`,
      )}</ol></nav>`
    : ''
}
${p.body}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>${L(lang, UI.footerData)} <a href="/about">${lang === 'zh' ? '关于与许可' : 'About and licences'}</a> · <a href="/api">${t(lang, 'api')}</a></p>
  </div>
</footer>
</body>
</html>`;
}

/**
 * The account corner of the header. Cacheable public pages are the same for everyone, so they only
 * link to the account page; other pages (admin, review, forms) show who is signed in and a
 * sign-out button, or a sign-in link back to this page.
 */
function accountLink(c: Context<AppEnv>, lang: Lang, path: string): Html {
  const zh = lang === 'zh';
  if (isCacheablePath(path)) return html`<p class="account-link"><a href="/account" rel="nofollow">${zh ? '账户' : 'Account'}</a></p>`;
  const user = currentUser(c);
  if (!user) {
    if (path === '/signin') return html``;
    const u = new URL(c.req.url);
    return html`<p class="account-link"><a href="/signin?next=${encodeURIComponent(u.pathname + u.search)}" rel="nofollow">${zh ? '登录' : 'Sign in'}</a></p>`;
  }
  return html`<form class="account-link inline-form" method="post" action="/signout"><span class="account-name" title="${user.role}">${user.displayName}</span> ${csrfInput(c)}<button type="submit" class="link-button">${zh ? '退出登录' : 'Sign out'}</button></form>`;
}

/** A small "explained in place" label: the term with its description as a tooltip and for screen readers. */
export function explained(label: string, description: string | undefined): Html {
  if (!description) return html`${label}`;
  return html`<abbr class="explained" title="${description}">${label}</abbr>`;
}

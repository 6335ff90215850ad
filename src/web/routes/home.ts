// Home: what the corpus holds at a glance, and where to start. With an empty database it says
// how to load data.
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L } from '../html.ts';
import { t, UI } from '../i18n.ts';
import { renderPage } from '../layout.ts';

const S = {
  empty: { en: 'The database is empty', zh: '数据库为空' },
  emptyText: {
    en: 'Load the public datasets (each is downloaded from its publisher and imported with its licence and attribution), or a file you have:',
    zh: '加载公开数据集（每个数据集都从其发布方下载，并连同许可与署名一并导入），或导入您已有的文件：',
  },
  docs: { en: 'documents', zh: '份文件' },
  mitigations: { en: 'mitigations', zh: '条缓解措施' },
  risks: { en: 'risks', zh: '条风险' },
  principles: { en: 'principles', zh: '条原则' },
  labels: { en: 'labels', zh: '个标签' },
  browse: { en: 'Browse', zh: '浏览' },
} as const;

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/', async (c) => {
    const lang = c.get('lang');
    const db = ctx.store.db;
    const [counts] = await db.query<{ docs: number; mitigation: number; risk: number; principle: number; labels: number }>(
      `SELECT (SELECT count(*)::int FROM documents WHERE retired_at IS NULL) AS docs,
              (SELECT count(*)::int FROM statements WHERE kind = 'mitigation' AND retired_at IS NULL) AS mitigation,
              (SELECT count(*)::int FROM statements WHERE kind = 'risk' AND retired_at IS NULL) AS risk,
              (SELECT count(*)::int FROM statements WHERE kind = 'principle' AND retired_at IS NULL) AS principle,
              (SELECT count(*)::int FROM classifications WHERE is_current) AS labels`,
    );
    const k = counts!;
    const body = html`<h1>govnav</h1>
<p class="lede">${L(lang, UI.tagline)}</p>
${
  k.docs === 0
    ? html`<section class="empty-state"><h2>${L(lang, S.empty)}</h2><p>${L(lang, S.emptyText)}</p>
<pre><code>npx govnav datasets list
npx govnav datasets fetch mit-airi-risk-db
npx govnav import path/to/file.xlsx</code></pre></section>`
    : html`<div class="stat-row">
  <div class="stat"><b>${fmtNumber(k.docs, lang)}</b><span>${L(lang, S.docs)}</span></div>
  <div class="stat"><b>${fmtNumber(k.mitigation, lang)}</b><span>${L(lang, S.mitigations)}</span></div>
  <div class="stat"><b>${fmtNumber(k.risk, lang)}</b><span>${L(lang, S.risks)}</span></div>
  <div class="stat"><b>${fmtNumber(k.principle, lang)}</b><span>${L(lang, S.principles)}</span></div>
  <div class="stat"><b>${fmtNumber(k.labels, lang)}</b><span>${L(lang, S.labels)}</span></div>
</div>`
}
<h2>${L(lang, S.browse)}</h2>
<ul class="sans"><li><a href="/search">${t(lang, 'search')}</a></li><li><a href="/t">${t(lang, 'taxonomies')}</a></li><li><a href="/risk">${t(lang, 'risks')}</a></li><li><a href="/topics">${t(lang, 'topics')}</a></li></ul>`;
    return c.html(renderPage(c, { title: L(lang, UI.tagline), section: 'home', body }));
  });
}

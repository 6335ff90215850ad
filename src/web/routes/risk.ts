// Risk domains: /risk (the 7 domains and their subdomains with counts and a chart) and
// /risk/<domain-or-subdomain-code> (its description, the risks coded to it and the mitigations
// whose primary risk domain it is). Lists come from the shared query model, so "see all" links
// open the same sets on the search page.
import type { Context, Hono } from 'hono';
import { publicBaseUrl } from '../../cite/public-url.ts';
import { readRolledCountsByKind } from '../../store/read/taxonomy.ts';
import { riskPageJson } from '../../api/twins.ts';
import { jsonTwin, sendTwin, twinLink, twinNotFound } from '../twin.ts';
import { emptyQuery, searchStatements, type StatementQuery } from '../../search/query.ts';
import type { Taxonomy } from '../../taxonomy/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { barChart } from '../charts.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { chip } from '../components/labels.ts';
import { hitList } from '../components/results.ts';
import { currentLabelsOn } from '../components/statements.ts';

const TAX = 'risk-domain';

const S = {
  intro: {
    en: 'The domain taxonomy of AI risks: 7 domains and 24 subdomains. Risks from the source documents are coded to them, and each mitigation is labelled with the primary risk domain it addresses.',
    zh: 'AI 风险领域分类：7 个领域、24 个子领域。来源文件中的风险按其编码，每项缓解措施也标注其主要针对的风险领域。',
  },
  risks: { en: 'Risks', zh: '风险' },
  mitigations: { en: 'Mitigations', zh: '缓解措施' },
  risksCoded: { en: 'Risks coded to this domain', zh: '归入此领域的风险' },
  mitigationsFor: { en: 'Mitigations whose primary risk domain this is', zh: '以此为主要风险领域的缓解措施' },
  none: { en: 'None yet.', zh: '暂无。' },
  seeAll: { en: 'See all {n} in search', zh: '在搜索中查看全部 {n} 条' },
  subdomains: { en: 'Subdomains', zh: '子领域' },
  domain: { en: 'Domain', zh: '领域' },
  chartRisks: { en: 'Risks per domain (sub-domains included)', zh: '各领域的风险数（含子领域）' },
  chartMitigations: { en: 'Mitigations per primary risk domain', zh: '各主要风险领域的缓解措施数' },
  outside: { en: 'Coded outside the domains', zh: '领域之外的编码' },
  countsNote: {
    en: 'Counts are statements whose current label is the code or one of its sub-codes.',
    zh: '数量为当前标签属于该代码或其下级代码的条目数。',
  },
} as const;

const PER = 25;

type C = Context<AppEnv>;

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/risk', (c) => riskListPage(c, ctx));
  app.get('/risk/:code', (c) => riskPage(c, ctx));
}

async function riskListPage(c: C, ctx: AppContext) {
  const lang = c.get('lang');
  const reg = ctx.store.taxonomies;
  if (!reg.has(TAX)) return c.notFound();
  const tax = reg.get(TAX);
  const counts = await rolledCounts(ctx, tax);
  const domains = tax.roots.map((r) => tax.node(r)).filter((n) => !n.special);
  const special = tax.roots.map((r) => tax.node(r)).filter((n) => n.special);
  const cell = (code: string, kind: 'risk' | 'mitigation') => {
    const n = counts[kind].get(code) ?? 0;
    return n ? html`<a href="${url('/search', { kind, [TAX]: code })}">${fmtNumber(n, lang)}</a>` : html`<span class="muted">0</span>`;
  };
  const body = html`<h1>${t(lang, 'risks')}</h1>
<p class="lede">${L(lang, S.intro)}</p>
<div class="grid grid-2-even">
${barChart({
  id: 'risk-chart',
  lang,
  caption: L(lang, S.chartRisks),
  labelWidth: 250,
  bars: domains.map((d) => ({ label: `${d.code} ${L(lang, d.name)}`, value: counts.risk.get(d.code) ?? 0, href: `/risk/${d.code}`, title: L(lang, d.description) })),
})}
${barChart({
  id: 'mitigation-chart',
  lang,
  caption: L(lang, S.chartMitigations),
  labelWidth: 250,
  bars: domains.map((d) => ({ label: `${d.code} ${L(lang, d.name)}`, value: counts.mitigation.get(d.code) ?? 0, href: `/risk/${d.code}`, title: L(lang, d.description) })),
})}
</div>
<div class="table-scroll"><table class="risk-table">
<caption>${L(lang, S.countsNote)}</caption>
<thead><tr><th scope="col">${L(lang, S.domain)}</th><th scope="col" class="num">${L(lang, S.risks)}</th><th scope="col" class="num">${L(lang, S.mitigations)}</th></tr></thead>
<tbody>${domains.map(
    (d) => html`<tr class="domain-row"><th scope="row"><a href="/risk/${d.code}"><span class="code">${d.code}</span> ${L(lang, d.name)}</a>${
      d.description ? html`<div class="small muted">${L(lang, d.description)}</div>` : ''
    }</th><td class="num">${cell(d.code, 'risk')}</td><td class="num">${cell(d.code, 'mitigation')}</td></tr>
${d.children
  .map((ch) => tax.node(ch))
  .filter((n) => !n.special || (counts.risk.get(n.code) ?? 0) + (counts.mitigation.get(n.code) ?? 0) > 0)
  .map(
  (n) => html`<tr class="sub-row"><td><a href="/risk/${n.code}" title="${L(lang, n.description)}"><span class="code">${n.code}</span> ${L(lang, n.name)}</a></td><td class="num">${cell(n.code, 'risk')}</td><td class="num">${cell(n.code, 'mitigation')}</td></tr>`,
  )}`,
  )}
${special
  .filter((n) => (counts.risk.get(n.code) ?? 0) + (counts.mitigation.get(n.code) ?? 0) > 0)
  .map(
  (n) => html`<tr class="domain-row"><th scope="row"><a href="/risk/${n.code}"><span class="code">${n.code}</span> ${L(lang, n.name)}</a> <span class="small muted">(${L(lang, S.outside)})</span></th><td class="num">${cell(n.code, 'risk')}</td><td class="num">${cell(n.code, 'mitigation')}</td></tr>`,
  )}
</tbody></table></div>`;
  return c.html(renderPage(c, { title: t(lang, 'risks'), section: 'risks', body, crumbs: [[t(lang, 'home'), '/'], [t(lang, 'risks')]] }));
  }

async function riskPage(c: Context<AppEnv, '/risk/:code'>, ctx: AppContext) {
  const lang = c.get('lang');
  const reg = ctx.store.taxonomies;
  if (!reg.has(TAX)) return c.notFound();
  const tax = reg.get(TAX);
  const twin = jsonTwin(c, c.req.param('code'));
  const code = twin.id;
  if (!tax.has(code)) return twin.json ? twinNotFound(c, `No risk domain "${code}".`) : c.notFound();
  const node = tax.node(code);
  const parent = node.parent ? tax.node(node.parent) : undefined;
  const db = ctx.store.db;
  const q = (kind: 'risk' | 'mitigation'): StatementQuery => ({ ...emptyQuery(), kinds: [kind], labels: { [TAX]: [code] } });
  const [risks, mitigations, counts] = await Promise.all([
    searchStatements(db, reg, q('risk'), { limit: PER }),
    searchStatements(db, reg, q('mitigation'), { limit: PER }),
    rolledCounts(ctx, tax),
  ]);
  if (twin.json) return sendTwin(c, riskPageJson({ tax, code, counts, risks: risks.items, mitigations: mitigations.items }, publicBaseUrl(ctx.config)));
  const ids = [...risks.items, ...mitigations.items].map((h) => h.id);
  const labels = await currentLabelsOn(db, ids, ['mitigation-v2', 'mitigation-v1', TAX]);
  const list = (res: typeof risks, kind: 'risk' | 'mitigation', heading: string, hid: string): Html => html`<section aria-labelledby="${hid}">
<h2 id="${hid}">${heading} <span class="muted small">(${fmtNumber(res.total, lang)})</span></h2>
${
  res.items.length
  ? html`${hitList(res.items, labels, reg, lang)}
${res.total > res.items.length ? html`<p class="sans"><a href="${url('/search', { kind, [TAX]: code })}">${L(lang, S.seeAll).replace('{n}', fmtNumber(res.total, lang))} →</a></p>` : ''}`
  : html`<p class="muted">${L(lang, S.none)}</p>`
}
</section>`;
  const title = `${code} ${L(lang, node.name)}`;
  const body = html`<p class="kicker sans small"><a href="/risk">${t(lang, 'risks')}</a></p>
<h1><span class="code">${code}</span> ${L(lang, node.name)}</h1>
${node.description ? html`<p class="lede">${L(lang, node.description)}</p>` : ''}
${parent ? html`<p class="also-in sans small">${t(lang, 'alsoIn')} <a class="label" href="/risk/${parent.code}"><span class="code">${parent.code}</span> ${L(lang, parent.name)}</a></p>` : ''}
<div class="stat-row">
  <div class="stat"><b>${fmtNumber(counts.risk.get(code) ?? 0, lang)}</b><span>${L(lang, S.risks)}</span></div>
  <div class="stat"><b>${fmtNumber(counts.mitigation.get(code) ?? 0, lang)}</b><span>${L(lang, S.mitigations)}</span></div>
</div>
${
  node.children.length
  ? html`<h2>${L(lang, S.subdomains)}</h2><ul class="tree">${node.children.map((ch) => {
      const n = tax.node(ch);
      return html`<li><a href="/risk/${ch}"><span class="code">${ch}</span> ${L(lang, n.name)}</a> <span class="count">${fmtNumber(counts.risk.get(ch) ?? 0, lang)} ${L(lang, S.risks).toLowerCase()} · ${fmtNumber(counts.mitigation.get(ch) ?? 0, lang)} ${L(lang, S.mitigations).toLowerCase()}</span>${
        n.description ? html`<div class="small muted">${L(lang, n.description)}</div>` : ''
      }</li>`;
    })}</ul>`
  : ''
}
<p class="small sans">${chip(tax, code, lang)} · <a href="/t/${TAX}/${encodeURIComponent(code)}">${L(lang, tax.data.name)}</a></p>
<div class="grid grid-2-even">
${list(risks, 'risk', L(lang, S.risksCoded), 'risks-h')}
${list(mitigations, 'mitigation', L(lang, S.mitigationsFor), 'mitigations-h')}
</div>`;
  return c.html(
    renderPage(c, {
      title,
      section: 'risks',
      body,
      description: L(lang, node.description),
      head: twinLink(`/risk/${encodeURIComponent(code)}.json`),
      crumbs: [
        [t(lang, 'home'), '/'],
        [t(lang, 'risks'), '/risk'],
        ...node.path.map((p): [string, string] => [`${p} ${L(lang, tax.node(p).name)}`, `/risk/${p}`]),
        [title],
      ],
    }),
  );
  }


/** kind → code → statements whose current risk-domain label is the code or a sub-code (src/store/read/taxonomy.ts). */
function rolledCounts(ctx: AppContext, tax: Taxonomy): Promise<Record<'risk' | 'mitigation', Map<string, number>>> {
  return readRolledCountsByKind(ctx.store.db, tax);
}

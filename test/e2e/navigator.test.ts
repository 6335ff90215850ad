// End-to-end: Debian's Chromium (driven by playwright-core; browsers are never downloaded) against
// `startServer` on 127.0.0.1, on a database loaded with the real public datasets through the
// importers, plus the small test corpus (labels from every source, a hostile statement).
// Skipped with a message when GOVNAV_SKIP_BROWSER_TESTS=1, or when /usr/bin/chromium is missing
// outside CI. Screenshots of the main pages go to test-artifacts/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Store } from '../../src/store/index.ts';
import { startServer, type RunningServer } from '../../src/web/server.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { buildFixture, testConfig, XSS, type Fixture } from '../web/fixture.ts';
import { loadRealDatasets, REAL_DATASETS, type RealLoad } from './real-data.ts';
import { browserSkipReason, launchChromium } from '../helpers/browser.ts';

const SECRET = 'e2e-admin-secret-0123456789';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');


const SKIP = browserSkipReason([REAL_DATASETS[0]!]);

let store: Store;
let server: RunningServer;
let browser: Browser;
let fx: Fixture;
let real: RealLoad;

before(async () => {
  if (SKIP) return;
  store = await openTestStore();
  real = await loadRealDatasets(store);
  fx = await buildFixture(store);
  server = await startServer(store, testConfig({ adminSecret: SECRET, baseUrl: undefined }), { port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

async function newPage(width = 1280): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.on('dialog', (d) => {
    throw new Error(`a dialog fired: ${d.message()}`);
  });
  return page;
}

const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

test(`[${ENGINE}] the real datasets are loaded`, { skip: SKIP }, async () => {
  assert.ok(real.loaded.includes(REAL_DATASETS[0]!), `the MIT risk database must load: ${JSON.stringify(real.skipped)}`);
  const [{ n }] = (await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM statements WHERE kind = 'risk'`)) as [{ n: number }];
  assert.ok(n > 1000, `expected the real risk database, found ${n} risks`);
});

test(`[${ENGINE}] home page at a glance`, { skip: SKIP }, async () => {
  const page = await newPage();
  await page.goto(server.url + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.locator('#c-domain svg').isVisible());
  assert.ok(await page.locator('.status-banner a[href^="/feedback?page="]').isVisible());
  await shot(page, 'home');
  await page.context().close();
});

test(`[${ENGINE}] a real statement page shows each element`, { skip: SKIP }, async () => {
  // A real mitigation with a human-coded category, from a document with several statements.
  const [st] = await store.db.query<{ id: string; text: string; name: string; document_id: string; title: string; licence: string; n: number }>(
    `SELECT s.id, s.text, s.name, s.document_id, d.title, d.licence,
       (SELECT count(*)::int FROM statements x WHERE x.document_id = s.document_id AND x.retired_at IS NULL) AS n
     FROM statements s JOIN documents d ON d.id = s.document_id
     JOIN classifications c ON c.statement_id = s.id AND c.is_current AND c.taxonomy IN ('mitigation-v2', 'mitigation-v1')
     WHERE s.kind = 'mitigation' AND d.dataset <> 'test-mitigations' AND s.text <> ''
     ORDER BY (SELECT count(*) FROM statements x WHERE x.document_id = s.document_id) DESC, s.id LIMIT 1`,
  );
  assert.ok(st, 'a labelled real mitigation exists');
  const page = await newPage();
  await page.goto(`${server.url}/m/${st!.id}`);
  await shot(page, 'statement');
  // banner with the feedback link
  assert.match(norm(await page.locator('.status-banner').textContent()), /research tool/);
  assert.equal(await page.locator('.status-banner a').getAttribute('href'), `/feedback?page=${encodeURIComponent('/m/' + st!.id)}`);
  // category, its description and its parent
  assert.ok(await page.locator('.category .label').first().isVisible());
  assert.ok(norm(await page.locator('.category-desc').textContent()).length > 10);
  assert.match(norm(await page.locator('.also-in').textContent()), /^Also in \d/);
  // verbatim excerpt
  assert.equal(norm(await page.locator('blockquote.excerpt').textContent()), norm(st!.text));
  // the document's statements, in source order, each with code and name, this one marked
  assert.equal(await page.locator('#siblings-h ~ ul.stmt-tree li').count(), Math.min(st!.n, 300));
  assert.equal(await page.locator('#siblings-h ~ ul.stmt-tree li.is-current').count(), 1);
  // document block with licence and attribution
  assert.equal(norm(await page.locator('.doc-block .doc-title').textContent()), norm(st!.title));
  assert.match(norm(await page.locator('.doc-block .licence').textContent()), new RegExp(st!.licence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // lifecycle, actor, AI RMF function, primary risk domain: a label or an explicit "not yet labelled"
  for (const tax of ['lifecycle', 'actor', 'nist-ai-rmf', 'risk-domain']) {
    const block = page.locator(`.label-block[data-taxonomy="${tax}"]`);
    assert.equal(await block.count(), 1, `${tax} block`);
    assert.match(norm(await block.textContent()), /not yet labelled|\S+/);
  }
  assert.match(norm(await page.locator('.label-block[data-taxonomy="risk-domain"] h3').textContent()), /Primary risk domain/);
  // provenance of the category label, the cite box with an absolute stable URL and BibTeX
  assert.match(norm(await page.locator('#reason-h ~ p .prov').first().textContent()), /Human coders of the source dataset|Imported/);
  assert.equal(await page.locator('#cite-url').inputValue(), `${server.url}/m/${st!.id}`);
  // the optional script runs under the strict CSP and adds copy buttons to the cite box
  assert.equal(await page.locator('.cite .copy-button').count(), 3);
  await page.locator('.cite summary').click();
  assert.match(norm(await page.locator('pre.bibtex').textContent()), new RegExp(`@misc\\{govnav-${st!.id},`));
  await page.context().close();
});

test(`[${ENGINE}] the label-rich test statement shows every kind of provenance`, { skip: SKIP }, async () => {
  const page = await newPage();
  await page.goto(`${server.url}/m/${fx.ids.get('a')}`);
  const cls = norm(await page.locator('#class-h').locator('..').textContent());
  assert.match(cls, /Language model test-model-1, prompt lifecycle@3/);
  assert.match(cls, /Embedded classifier govnav-embedded, model version 2026\.11/);
  assert.match(cls, /AI RMF function not yet labelled/);
  await page.locator('.category details.other-labels summary').click();
  assert.ok(await page.locator('.category details.other-labels li').first().isVisible());
  assert.match(norm(await page.locator('.location').textContent()), /Mitigations › Assessment.*4–5/);
  await page.context().close();
});

test(`[${ENGINE}] search with two facets chosen in the page: counts match the database`, { skip: SKIP }, async () => {
  const page = await newPage();
  await page.goto(`${server.url}/search`);
  await page.fill('#sq', 'privacy');
  await page.locator('#sq').press('Enter');
  await page.waitForURL(/q=privacy/);
  // first facet: kind = risk
  await page.locator('section.facet[aria-labelledby="f-kind"] a.facet-value', { hasText: 'Risks' }).click();
  await page.waitForURL(/kind=risk/);
  // second facet: risk domain 2 (Privacy & Security)
  const facet = page.locator('details.facet-tax').filter({ has: page.locator('#f-risk-domain') });
  const link = facet.locator('a.facet-value', { hasText: /^☐2 Privacy/ }).first();
  const facetCount = Number((await link.locator('.n').textContent())!.replace(/[^\d]/g, ''));
  await link.click();
  await page.waitForURL(/risk-domain=2/);
  const shown = Number(/([\d,]+) statements? match/.exec(norm(await page.locator('.result-count').textContent()))![1]!.replace(/,/g, ''));
  const [{ n }] = (await store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND s.kind = 'risk'
       AND s.search_vector @@ plainto_tsquery('simple', 'privaci')
       AND EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current AND c.taxonomy = 'risk-domain'
                   AND (c.code = '2' OR c.code LIKE '2.%'))`,
  )) as [{ n: number }];
  assert.ok(n > 0, 'the query matches something');
  assert.equal(shown, n);
  assert.equal(facetCount, n, 'the facet announced the count its link gives');
  // the URL is the query, and each result shows its document
  assert.match(page.url(), /q=privacy/);
  assert.equal(await page.locator('ol.results > li').count(), Math.min(n, 25));
  assert.ok(await page.locator('ol.results > li .stmt-meta a[href^="/d/D"]').first().isVisible());
  assert.match((await page.locator('.export-links a').first().getAttribute('href'))!, /^\/export\.csv\?q=privacy&kind=risk&risk-domain=2$/);
  await shot(page, 'search');
  await page.context().close();
});

test(`[${ENGINE}] switching to Chinese changes the interface and is remembered`, { skip: SKIP }, async () => {
  const page = await newPage();
  await page.goto(`${server.url}/d/${fx.doc1}`);
  await shot(page, 'document');
  await page.locator('.lang-switch a[hreflang="zh-Hans"]').click();
  await page.waitForURL(/lang=zh/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.match(norm(await page.locator('nav.crumbs').textContent()), /首页/);
  // the document keeps its own language attribute
  assert.equal(await page.locator('h1').getAttribute('lang'), 'en');
  await page.goto(`${server.url}/risk`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.match(norm(await page.locator('h1').textContent()), /风险领域/);
  await page.goto(`${server.url}/risk?lang=en`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await shot(page, 'risk');
  await page.goto(`${server.url}/t/risk-domain/6`);
  await shot(page, 'taxonomy');
  await page.context().close();
});

test(`[${ENGINE}] feedback submitted from a page appears in the admin list`, { skip: SKIP }, async () => {
  const page = await newPage();
  const target = `/m/${fx.ids.get('b')}`;
  await page.goto(server.url + target);
  await page.locator('.status-banner a').click();
  await page.waitForURL(/\/feedback\?page=/);
  await page.selectOption('#fb-kind', 'error');
  const message = `E2E check ${Date.now()}: the label of this statement looks wrong.`;
  await page.fill('#fb-message', message);
  await page.locator('form.feedback-form button[type="submit"]').click();
  await page.waitForURL(/\/feedback\/thanks/);
  assert.ok(await page.locator('.notice.ok').isVisible());
  // the admin list needs an admin account; with none yet, the secret creates the first one
  await page.goto(server.url + '/admin');
  await page.waitForURL(/\/admin\/setup/);
  await page.fill('#secret', 'wrong');
  await page.fill('#su-username', 'e2e-admin');
  await page.fill('#su-password', 'an e2e admin password');
  await page.locator('main form button[type="submit"]').click();
  assert.ok(await page.locator('.notice.error').isVisible());
  await page.fill('#secret', SECRET);
  await page.fill('#su-password', 'an e2e admin password');
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(/\/admin\/feedback/);
  const row = page.locator('table.feedback-table tr', { hasText: message });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator(`a[href="${target}"]`).count(), 1);
  await page.context().close();
});

test(`[${ENGINE}] a statement whose text contains <script> renders inert and visible`, { skip: SKIP }, async () => {
  const page = await newPage();
  let dialogs = 0;
  page.removeAllListeners('dialog');
  page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await page.goto(`${server.url}/m/${fx.ids.get('x')}`);
  await page.waitForLoadState('load');
  assert.equal(dialogs, 0);
  assert.ok(norm(await page.locator('h1').textContent()).includes(XSS));
  assert.ok(norm(await page.locator('blockquote.excerpt').textContent()).includes(XSS));
  assert.equal(await page.locator('main script').count(), 0);
  assert.equal(await page.locator('main img').count(), 0);
  await page.context().close();
});

test(`[${ENGINE}] a topic page renders in English and in Chinese, with counts from the database`, { skip: SKIP }, async () => {
  // Imports link statements to topics; the security topic has real statements from several documents.
  const [{ n, docs }] = (await store.db.query<{ n: number; docs: number }>(
    `SELECT count(DISTINCT st.statement_id)::int AS n, count(DISTINCT s.document_id)::int AS docs
     FROM statement_topics st JOIN statements s ON s.id = st.statement_id JOIN documents d ON d.id = s.document_id
     WHERE st.topic_id = 'security' AND s.retired_at IS NULL AND d.retired_at IS NULL
       AND s.same_as IS NULL`, // a text repeated within its work counts once (src/store/works.ts)
  )) as [{ n: number; docs: number }];
  assert.ok(n > 0 && docs > 1, `expected linked security statements from several documents, found ${n} in ${docs}`);
  const page = await newPage();
  await page.goto(`${server.url}/topics/security?lang=en`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(norm(await page.textContent('h1')), /^Security/);
  const stats = await page.$$eval('.stat b', (els) => els.map((e) => (e.textContent ?? '').replace(/[^\d]/g, '')));
  assert.equal(Number(stats[0]), n, 'the statement count on the page equals the database');
  assert.equal(Number(stats[1]), docs, 'the document count on the page equals the database');
  const firstDoc = page.locator('section.topic-doc').first();
  assert.match((await firstDoc.locator('h2 a').getAttribute('href')) ?? '', /^\/d\/D\d{4,}$/);
  assert.ok((await firstDoc.locator('a[href^="/m/"]').count()) > 0, 'statements link to their pages');
  assert.ok((await page.locator('section.topic-doc mark').count()) > 0, 'matched terms are highlighted');
  await shot(page, 'topic');
  // The same page in Chinese: interface language, topic name and attribution in Chinese.
  await page.goto(`${server.url}/topics/security?lang=zh`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.match(norm(await page.textContent('h1')), /^安全防护/);
  const zhStats = await page.$$eval('.stat b', (els) => els.map((e) => (e.textContent ?? '').replace(/[^\d]/g, '')));
  assert.equal(Number(zhStats[0]), n);
  assert.match(norm(await page.textContent('nav[aria-label]')), /首页/);
  await shot(page, 'topic-zh');
  await page.context().close();
});

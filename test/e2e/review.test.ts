// End-to-end review in Debian's Chromium (playwright-core, never a downloaded browser) against
// startServer on 127.0.0.1 over the review test corpus: sign in; a reviewer accepts and corrects
// with the keyboard; a contributor cannot accept (403, nothing changes); a form without its CSRF
// token is refused; two reviewers code the same items blind and the agreement page shows their κ;
// a label contested from a statement page appears in the queue and, once accepted, is the current
// label with its history. Skipped with a message when GOVNAV_SKIP_BROWSER_TESTS=1 or when
// /usr/bin/chromium is missing outside CI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Store } from '../../src/store/index.ts';
import { createUser } from '../../src/store/users.ts';
import { startServer, type RunningServer } from '../../src/web/server.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { testConfig } from '../web/fixture.ts';
import { fillReviewStore, snapshot, type Fixture } from '../review/fixture.ts';
import { browserSkipReason, launchChromium } from '../helpers/browser.ts';

const PW = 'a long enough password 1';

const SKIP = browserSkipReason();

let store: Store;
let server: RunningServer;
let browser: Browser;
let fx: Fixture;
const userIds: Record<string, number> = {};

before(async () => {
  if (SKIP) return;
  store = await openTestStore();
  fx = await fillReviewStore(store);
  for (const [name, role] of [['rita', 'reviewer'], ['rob', 'reviewer'], ['carl', 'contributor'], ['ada', 'admin']] as const)
    userIds[name] = (await createUser(store.db, { username: name, password: PW, role })).id;
  server = await startServer(store, testConfig({ baseUrl: undefined }), { port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

async function session(name?: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await ctx.newPage();
  if (name) {
    await page.goto(`${server.url}/signin?next=/review`);
    await page.fill('#si-username', name);
    await page.fill('#si-password', PW);
    await Promise.all([page.waitForURL(/\/review/), page.click('.signin-form button[type=submit]')]);
  }
  return { ctx, page };
}

const current = async (statementId: string, taxonomy: string) =>
  (await store.db.query<{ code: string; source: string; review_status: string }>(
    'SELECT code, source, review_status FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
  ))[0];

test(`[${ENGINE}] sign in, then accept and correct with the keyboard`, { skip: SKIP }, async () => {
  const anon = await session();
  await anon.page.goto(`${server.url}/review`);
  assert.match(anon.page.url(), /\/signin\?next=%2Freview/);
  await anon.ctx.close();

  const { ctx, page } = await session('rita');
  await page.goto(`${server.url}/review?taxonomy=risk-domain`);
  const first = fx.label('m4', 'risk-domain', 'embedded');
  assert.equal(await page.getAttribute('.review-item.is-active', 'data-label'), String(first));
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/review\?taxonomy=risk-domain/), page.keyboard.press('a')]);
  await page.waitForSelector(`.review-item[data-label="${fx.label('m3', 'risk-domain', 'embedded')}"].is-active`);
  assert.equal((await current(fx.ids.m4!, 'risk-domain'))?.review_status, 'accepted');

  // m3 is now first: c focuses the type-ahead; the Chinese name of 3.2 is enough.
  await page.keyboard.press('c');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'code');
  const zh = store.taxonomies.get('risk-domain').name('3.2', 'zh');
  await page.keyboard.type(zh);
  await Promise.all([page.waitForURL(/\/review/), page.keyboard.press('Enter')]);
  await page.waitForSelector('.review-item.is-active');
  assert.deepEqual(await current(fx.ids.m3!, 'risk-domain'), { code: '3.2', source: 'human', review_status: 'corrected' });

  // j moves to the next item, s skips it; nothing is decided.
  const before = await snapshot(store);
  const at = await page.getAttribute('.review-item.is-active', 'data-label');
  await page.keyboard.press('j');
  assert.notEqual(await page.getAttribute('.review-item.is-active', 'data-label'), at);
  await page.keyboard.press('s');
  assert.equal(await page.locator('.review-item.is-skipped').count(), 1);
  assert.equal(await snapshot(store), before);
  await ctx.close();
});

test(`[${ENGINE}] a contributor cannot accept (403, nothing changes); a form without its CSRF token is refused`, { skip: SKIP }, async () => {
  const before = await snapshot(store);
  const carl = await session('carl');
  assert.equal(await carl.page.locator('form[action*="/accept"]').count(), 0);
  const token = await carl.page.getAttribute('input[name=_csrf]', 'value').catch(() => null);
  const csrf = token ?? (await (await carl.ctx.request.get(`${server.url}/signin`)).text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  const res = await carl.ctx.request.post(`${server.url}/review/label/${fx.label('r2', 'risk-domain', 'embedded')}/accept`, {
    form: { _csrf: csrf, back: '/review' },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 403);
  await carl.ctx.close();

  const rita = await session('rita');
  await rita.page.goto(`${server.url}/review?taxonomy=risk-domain`);
  await rita.page.evaluate(() => document.querySelectorAll('.review-item.is-active form[data-key=a] input[name=_csrf]').forEach((e) => e.remove()));
  const [resp] = await Promise.all([rita.page.waitForResponse((r) => r.request().method() === 'POST'), rita.page.keyboard.press('a')]);
  assert.equal(resp.status(), 403);
  assert.equal(await snapshot(store), before);
  await rita.ctx.close();
});

test(`[${ENGINE}] two reviewers code the same items blind; the agreement page shows their κ`, { skip: SKIP }, async () => {
  const ada = await session('ada');
  await ada.page.goto(`${server.url}/review/assign`);
  await ada.page.selectOption('#as-tax', 'lifecycle');
  await ada.page.fill('#as-share', '100');
  await ada.page.selectOption('#as-a', String(userIds.rita));
  await ada.page.selectOption('#as-b', String(userIds.rob));
  await Promise.all([ada.page.waitForURL(/assigned=/), ada.page.click('form[action="/review/assign"] button[type=submit]')]);
  const n = Number(new URL(ada.page.url()).searchParams.get('assigned'));
  assert.ok(n >= 3, `assigned ${n}`);
  await ada.ctx.close();

  const plan: Record<string, string[]> = { rita: ['plan-design', 'deploy', 'deploy', 'verify-validate'], rob: ['plan-design', 'deploy', 'plan-design', 'verify-validate'] };
  for (const name of ['rita', 'rob']) {
    const { ctx, page } = await session(name);
    await page.goto(`${server.url}/review/coding`);
    for (let i = 0; i < n; i++) {
      assert.equal(await page.locator('.confidence').count(), 0, 'blind: no machine confidence');
      await page.keyboard.press('c');
      await page.keyboard.type(plan[name]![i % 4]!);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    }
    assert.match((await page.textContent('main')) ?? '', /0 items left/);
    await ctx.close();
  }
  const { ctx, page } = await session('rita');
  await page.goto(`${server.url}/review/agreement`);
  const kappa = await page.textContent('tr[data-pair="rita|rob"] .kappa');
  assert.match(kappa ?? '', /^-?[01]\.\d\d$/);
  assert.ok(await page.locator('figure.chart svg rect').count() > 0, 'the confusion matrix is drawn');
  await ctx.close();
});

test(`[${ENGINE}] a label contested from a statement page is in the queue and, accepted, is current with its history`, { skip: SKIP }, async () => {
  const id = fx.ids.r1!;
  const reader = await session();
  await reader.page.goto(`${server.url}/m/${id}`);
  await Promise.all([reader.page.waitForURL(/\/suggest\//), reader.page.click(`.label-block[data-taxonomy="risk-domain"] .suggest-link a, .category[data-taxonomy="risk-domain"] .suggest-link a`)]);
  await reader.page.check('input[name=code][value="2.2"]');
  await reader.page.fill('#sg-reason', 'Attackers exploit the system itself.');
  await Promise.all([reader.page.waitForURL(/thanks/), reader.page.click('.suggest-form button[type=submit]')]);
  await reader.ctx.close();

  const { ctx, page } = await session('rita');
  await page.goto(`${server.url}/review?disagreement=1`);
  const item = page.locator(`.review-item[data-label="${fx.label('r1', 'risk-domain', 'llm')}"]`);
  assert.match((await item.textContent()) ?? '', /Attackers exploit the system itself\./);
  await Promise.all([page.waitForURL(/\/review/), item.locator('form[action*="/review/proposals/"][action$="/accept"] button').click()]);
  assert.deepEqual(await current(id, 'risk-domain'), { code: '2.2', source: 'human', review_status: 'corrected' });
  // The statement page follows once the server notices the new data version (it polls every 2 s).
  let text = '';
  for (let i = 0; i < 20 && !/\b2\.2\b/.test(text); i++) {
    await page.goto(`${server.url}/m/${id}`);
    text = (await page.textContent('.label-block[data-taxonomy="risk-domain"], .category[data-taxonomy="risk-domain"]')) ?? '';
    if (!/2\.2/.test(text)) await page.waitForTimeout(500);
  }
  assert.match(text, /2\.2/);
  await page.click('.history-link a');
  const hist = (await page.textContent('table.history')) ?? '';
  assert.match(hist, /suggested a label/);
  assert.match(hist, /accepted a suggestion/);
  await ctx.close();
});

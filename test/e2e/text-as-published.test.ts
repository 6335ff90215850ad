// End-to-end (Chromium via playwright-core, /usr/bin/chromium; skipped like navigator.test.ts):
// statement text reads as published (issue 16). Pages of FINOS statements (Markdown) and MITRE
// ATLAS statements (Markdown links), the document pages listing them, a search and a topic page,
// and a Chinese principle page show no raw Markdown ("**", "](", "## "), and fonts put a Latin
// face first for English text (so a curly apostrophe is never full-width) and a CJK face in the
// stack of Chinese text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { linkPending } from '../../src/topics/link.ts';
import { startServer, type RunningServer } from '../../src/web/server.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { testConfig } from '../web/fixture.ts';
import { loadRealDatasets } from './real-data.ts';
import { browserSkipReason, launchChromium } from '../helpers/browser.ts';

const DATA = ['data/finos-aigf/finos_aigf_risks_mitigations.json', 'data/mitre-atlas/ATLAS.yaml'];
const ZH = fileURLToPath(new URL('../topics/fixtures/principles_zh.yaml', import.meta.url));

const SKIP = browserSkipReason(DATA);

let store: Store;
let server: RunningServer;
let browser: Browser;
let englishId = '';

before(async () => {
  if (SKIP) return;
  store = await openTestStore();
  const load = await loadRealDatasets(store, DATA);
  assert.deepEqual(load.skipped, []);
  await importPrinciplesYaml(store, ZH);
  const d = await upsertDocument(store.db, {
    sourceKey: 'apostrophe',
    title: 'An organisation’s principles',
    language: 'en',
    docType: 'principles',
    provenance: { dataset: 't', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' },
  });
  await upsertStatements(store.db, d.id, [
    { sourceKey: 'a', kind: 'principle', ord: 0, name: 'Stewardship', text: 'The organization’s stewardship of personal data is the developer’s duty.' },
  ]);
  englishId = (await store.db.query<{ id: string }>(`SELECT id FROM statements WHERE document_id = $1`, [d.id]))[0]!.id;
  await linkPending(store.db);
  server = await startServer(store, testConfig({ baseUrl: undefined }), { port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

async function open(path: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  const res = await page.goto(`${server.url}${path}`);
  assert.equal(res?.status(), 200, path);
  return page;
}

const idOf = async (sql: string, params: unknown[] = []) => (await store.db.query<{ id: string }>(sql, params))[0]!.id;

/** The page's rendered text has no raw Markdown markup. */
async function noMarkup(page: Page, what: string) {
  const text = await page.evaluate(() => document.body.innerText);
  for (const m of ['**', '](', '## ']) assert.ok(!text.includes(m), `${what}: "${m}" in the rendered text: …${text.slice(Math.max(0, text.indexOf(m) - 80), text.indexOf(m) + 80)}…`);
}

test(`[${ENGINE}] FINOS and ATLAS statements, their documents, search and topics show no raw Markdown`, { skip: SKIP }, async () => {
  const finos = await idOf(`SELECT s.id FROM statements s WHERE s.source_key = 'ri-1' AND s.meta->>'finosId' = 'ri-1'`);
  const finosDoc = await idOf(`SELECT document_id AS id FROM statements WHERE id = $1`, [finos]);
  // An ATLAS technique whose description links to another technique.
  const atlas = await idOf(`SELECT id FROM statements WHERE meta ? 'atlasId' AND text LIKE '%](/techniques/%' ORDER BY ord LIMIT 1`);
  const atlasDoc = await idOf(`SELECT document_id AS id FROM statements WHERE id = $1`, [atlas]);

  const fp = await open(`/m/${finos}`);
  await noMarkup(fp, 'FINOS statement');
  assert.ok((await fp.locator('blockquote.excerpt strong').count()) > 0, 'bold text is rendered as bold');
  assert.ok((await fp.locator('blockquote.excerpt li').count()) > 0, 'lists are rendered as lists');

  const ap = await open(`/m/${atlas}`);
  await noMarkup(ap, 'ATLAS statement');
  const hrefs = await ap.locator('blockquote.excerpt a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 0 && hrefs.every((h) => /^https:\/\/atlas\.mitre\.org\/techniques\/AML\.T\d{4}/.test(h ?? '')), JSON.stringify(hrefs));

  for (const path of [`/d/${finosDoc}`, `/d/${atlasDoc}`, '/search?q=trust+boundary', '/search?q=proxy+model', '/topics/security', '/topics/privacy'])
    await noMarkup(await open(path), path);
});

test(`[${ENGINE}] English text starts its font stack with a Latin face; Chinese text has a CJK face`, { skip: SKIP }, async () => {
  const en = await open(`/m/${englishId}`);
  const enFont = await en.locator('blockquote.excerpt').evaluate((el) => getComputedStyle(el).fontFamily);
  const first = enFont.split(',')[0]!.trim().replace(/["']/g, '');
  assert.ok(!/CJK|Han|Song|Hei|Ming|PingFang|YaHei|SimSun|Kai/i.test(first), `first face of English text: ${enFont}`);
  assert.ok(!/CJK|Songti|PingFang|YaHei|SimSun|Source Han/i.test(enFont), `no CJK face for English text: ${enFont}`);
  assert.ok((await en.locator('blockquote.excerpt').innerText()).includes('organization’s'));

  const zhStatement = await idOf(`SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.language LIKE 'zh%' ORDER BY s.ord LIMIT 1`);
  for (const path of [`/m/${zhStatement}`, `/m/${zhStatement}?lang=zh`]) {
    const zh = await open(path);
    const el = zh.locator('blockquote.excerpt');
    assert.match((await el.getAttribute('lang')) ?? '', /^zh/);
    const zhFont = await el.evaluate((e) => getComputedStyle(e).fontFamily);
    assert.match(zhFont, /Noto Serif CJK SC|Source Han Serif SC|Songti SC|SimSun/, `CJK face for Chinese text: ${zhFont}`);
    assert.ok(!/CJK|Song|PingFang|YaHei|SimSun|Source Han/i.test(zhFont.split(',')[0]!), `Latin face first even in Chinese text: ${zhFont}`);
  }
  // The page chrome of the English page never gets CJK faces.
  const bodyFont = await en.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.ok(!/CJK|Songti|PingFang|YaHei|SimSun/i.test(bodyFont), bodyFont);
});

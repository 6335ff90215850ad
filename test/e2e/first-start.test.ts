// End-to-end, as a newcomer: `govnav serve` on an empty data directory (what `npm start` does) loads
// the bundled snapshot, and Debian's Chromium (playwright-core, never downloaded) shows the real
// datasets with their attribution on the home page, and no invented document anywhere on it.
// Skipped with a message when GOVNAV_SKIP_BROWSER_TESTS=1, or when /usr/bin/chromium is missing
// outside CI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { cliEnv, MANIFEST, serve, type Served } from '../snapshot/_serve.ts';
import { browserSkipReason, launchChromium } from '../helpers/browser.ts';


const SKIP = browserSkipReason();

let served: Served;
let browser: Browser;
let dataDir: string;

before(async () => {
  if (SKIP) return;
  dataDir = mkdtempSync(join(tmpdir(), 'govnav-e2e-first-'));
  served = await serve([], cliEnv(dataDir, { GOVNAV_SNAPSHOT: '' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await served?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('first start in a browser: the home page shows the real datasets with attribution and no invented document', { skip: SKIP }, async () => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { datasets: { id: string; attribution: string }[] };
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
  const res = await page.goto(`${served.url}/`);
  assert.equal(res?.status(), 200);
  const items = page.locator('li[data-dataset]');
  assert.deepEqual((await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-dataset')))).sort(), manifest.datasets.map((d) => d.id).sort());
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const body = norm(await page.locator('body').innerText());
  for (const d of manifest.datasets) {
    const item = norm(await page.locator(`li[data-dataset="${d.id}"]`).innerText());
    assert.ok(item.includes(norm(d.attribution)), `dataset ${d.id} shows its attribution: ${item}`);
    assert.ok(await page.locator(`li[data-dataset="${d.id}"]`).isVisible());
  }
  assert.doesNotMatch(body, /fictional|Northbridge|Sample data/i);
  // The documents page, too, lists no invented document.
  await page.goto(`${served.url}/d`);
  assert.doesNotMatch(norm(await page.locator('body').innerText()), /fictional|Northbridge/i);
});

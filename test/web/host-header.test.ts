// A forged Host header must not reach canonical links, cite boxes or API URLs: they come from
// configuration. Before the fix, one request for http://evil.example/m/<id> put evil.example into the
// cached page that everyone else was then served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from './fixture.ts';
import { publicBaseUrl } from '../../src/cite/public-url.ts';

type T = Awaited<ReturnType<typeof openTestApp>>;
let t: T;
before(async () => {
  t = await openTestApp({ baseUrl: undefined, host: '127.0.0.1', port: 8787 });
});
after(async () => {
  await t?.close();
});

const evil = (path: string) => t.app.request(`http://evil.example${path}`, { headers: { host: 'evil.example' } });

test(`[${ENGINE}] without a configured base URL, a forged Host never reaches links, citations or the page cache`, async () => {
  const st = t.fx.ids.get('a')!;
  for (const path of [`/m/${st}`, `/d/${t.fx.doc1}`, `/m/${st}.json`, `/d/${t.fx.doc1}.json`, `/api/v1/statements/${st}`, `/cite/${st}.bib`, '/api']) {
    const forged = await (await evil(path)).text();
    assert.ok(!forged.includes('evil.example'), `${path} answered with the forged host in it`);
  }
  // The next, honest visitor gets the cached page: still no trace of the forged host.
  const honest = await t.app.request(`http://127.0.0.1:8787/m/${st}`, { headers: { host: '127.0.0.1:8787' } });
  assert.equal(honest.headers.get('x-cache'), 'hit');
  const body = await honest.text();
  assert.ok(!body.includes('evil.example'));
  assert.ok(body.includes(`<link rel="canonical" href="http://127.0.0.1:8787/m/${st}">`));
});

test('the public base URL comes from configuration only', () => {
  assert.equal(publicBaseUrl({ baseUrl: 'https://govnav.example.org/', host: '0.0.0.0', port: 80 }), 'https://govnav.example.org');
  assert.equal(publicBaseUrl({ host: '0.0.0.0', port: 9000 }), 'http://127.0.0.1:9000');
  assert.equal(publicBaseUrl({ host: '::1', port: 9000 }), 'http://[::1]:9000');
});

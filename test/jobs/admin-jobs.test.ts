// /admin/jobs: admins see jobs with their progress and can cancel; others cannot.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/web/app.ts';
import { submitJob, getJob } from '../../src/jobs/index.ts';
import { insertJob, writeProgress, startAttempt } from '../../src/jobs/store.ts';
import { openTestStore } from '../helpers/store.ts';
import { browser, createUser } from '../helpers/auth.ts';
import { testConfig } from '../web/fixture.ts';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
});

test('admin jobs page: lists jobs with progress; cancel works for admins only', async () => {
  const store = await openTestStore();
  closers.push(() => store.close());
  const app = await createApp({ store, config: testConfig(), dataVersion: () => '0' });
  const done = await submitJob(store, 'topics-link', {}, { inline: true });
  assert.equal(done.state, 'completed', done.error ?? '');
  const running = await insertJob(store.db, { kind: 'classify', params: { provider: 'embedded', selection: {} }, engine: 'queue', maxAttempts: 4 });
  await startAttempt(store.db, running.id, 'otherhost:1:ab');
  await writeProgress(store.db, running.id, { done: 7, total: 20, message: '7 labelled' });

  const anon = await app.request('/admin/jobs');
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get('location') ?? '', /^\/signin/);

  await createUser(store.db, { username: 'reader', password: 'a long password 1', role: 'contributor' });
  const rb = await browser(app).signIn('reader', 'a long password 1');
  assert.equal((await rb.request('/admin/jobs')).status, 403);
  assert.equal((await rb.post(`/admin/jobs/${running.id}/cancel`)).status, 403);
  assert.equal((await getJob(store.db, running.id))!.state, 'running');

  await createUser(store.db, { username: 'boss', password: 'a long password 2', role: 'admin' });
  const b = await browser(app).signIn('boss', 'a long password 2');
  const page = await b.request('/admin/jobs');
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.ok(text.includes(done.id) && text.includes(running.id));
  assert.match(text, new RegExp(`data-job="${running.id}" data-state="running"`));
  assert.match(text, /<progress max="20" value="7">/);
  const res = await b.post(`/admin/jobs/${running.id}/cancel`);
  assert.equal(res.status, 303);
  assert.equal((await getJob(store.db, running.id))!.state, 'cancelled');
  const detail = await (await b.request(`/admin/jobs/${running.id}`)).text();
  assert.match(detail, /cancelled/);
});

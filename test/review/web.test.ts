// The review pages over HTTP (app.request), on PGlite or PostgreSQL: sign-in required, role checks
// on every decision (a contributor's accept is refused with 403 and changes nothing), CSRF, the
// queue's order and context, accept / correct / bulk with audit records, contesting a label from a
// statement page (proposal → queue → accepted → current label with its history), blind double
// coding with the agreement page, and adjudication.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { browser, createUser, type TestBrowser } from '../helpers/auth.ts';
import { loadConfig } from '../../src/config.ts';
import { listAudit } from '../../src/store/audit.ts';
import type { Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';
import type { AppContext, AppEnv } from '../../src/web/context.ts';
import { fillReviewStore, snapshot, type Fixture } from './fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

let store: Store;
let app: Hono<AppEnv>;
let fx: Fixture;
let version = 1;
const PW = 'a long enough password 1';
const ids: Record<string, number> = {};

before(async () => {
  store = await openTestStore();
  fx = await fillReviewStore(store);
  for (const [name, role] of [['rita', 'reviewer'], ['rob', 'reviewer'], ['carl', 'contributor'], ['ada', 'admin']] as const)
    ids[name] = (await createUser(store.db, { username: name, password: PW, role })).id;
  const config = { ...loadConfig({ ...process.env, GOVNAV_CONFIG: '' }, process.cwd()), baseUrl: 'http://localhost' };
  const ctx: AppContext = { store, config, dataVersion: () => String(version) };
  app = await createApp(ctx);
});
after(async () => {
  await store?.close();
});

const as = async (name: string): Promise<TestBrowser> => browser(app).signIn(name, PW);
const current = async (statementId: string, taxonomy: string) =>
  (parseRows(z.object({ code: z.string(), source: z.string(), review_status: z.string() }), await store.db.query(
    'SELECT code, source, review_status FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
  ), 'test rows'))[0];

test(`[${ENGINE}] anonymous readers are sent to sign in; a contributor sees no decision forms`, async () => {
  const res = await app.request('/review');
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location') ?? '', /^\/signin\?next=%2Freview/);
  const carl = await as('carl');
  const page = await (await carl.request('/review')).text();
  assert.match(page, /needs the reviewer role/);
  assert.doesNotMatch(page, /\/review\/label\/\d+\/accept/);
});

test(`[${ENGINE}] the queue: lowest confidence first, with context, candidates and the other labels`, async () => {
  const rita = await as('rita');
  const res = await rita.request('/review?taxonomy=risk-domain');
  assert.equal(res.status, 200);
  const page = await res.text();
  const order = [...page.matchAll(/data-label="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(order.slice(0, 2), [fx.label('m4', 'risk-domain', 'embedded'), fx.label('m3', 'risk-domain', 'embedded')]);
  assert.ok(!order.includes(fx.label('m1', 'risk-domain', 'embedded')), 'a statement with a current human label is not in the queue');
  assert.ok(!order.includes(fx.label('m6', 'risk-domain', 'embedded')), 'retired statements are not in the queue');
  assert.match(page, /<datalist id="codes-risk-domain">/);
  assert.match(page, /src="\/static\/review\.js\?v=/);
  // m2: the llm label is current; the embedded label (2.1) is another label on the statement.
  const m2 = page.slice(page.indexOf(`id="item-${fx.label('m2', 'risk-domain', 'llm')}"`));
  assert.match(m2.slice(0, 6000), /the sources disagree/);
});

test(`[${ENGINE}] a contributor cannot accept (403, nothing changes); a form without its CSRF token is refused`, async () => {
  const before = await snapshot(store);
  const carl = await as('carl');
  const id = fx.label('r2', 'risk-domain', 'embedded');
  const res = await carl.post(`/review/label/${id}/accept`, { back: '/review' });
  assert.equal(res.status, 403);
  const rita = await as('rita');
  const noToken = await rita.post(`/review/label/${id}/accept`, { back: '/review' }, { token: false });
  assert.equal(noToken.status, 403);
  const anon = await browser(app).post(`/review/label/${id}/accept`, { back: '/review' });
  assert.equal(anon.status, 401);
  assert.equal(await snapshot(store), before);
});

test(`[${ENGINE}] a reviewer accepts and corrects; each decision is audited against the statement`, async () => {
  const rita = await as('rita');
  const acc = fx.label('r2', 'risk-domain', 'embedded');
  const res = await rita.post(`/review/label/${acc}/accept`, { back: '/review?taxonomy=risk-domain' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/review?taxonomy=risk-domain');
  assert.deepEqual(await current(fx.ids.r2!, 'risk-domain'), { code: '1.2', source: 'embedded', review_status: 'accepted' });
  const cor = fx.label('m3', 'risk-domain', 'embedded');
  const res2 = await rita.post(`/review/label/${cor}/correct`, { code: '3.2 — whatever the box showed', reason: 'about disinformation', back: '/review' });
  assert.equal(res2.status, 303);
  assert.deepEqual(await current(fx.ids.m3!, 'risk-domain'), { code: '3.2', source: 'human', review_status: 'corrected' });
  const audit = await listAudit(store.db, { targetType: 'statement', targetId: fx.ids.m3! });
  assert.equal(audit.at(-1)?.action, 'review.correct');
  assert.equal(audit.at(-1)?.actor, 'rita');
  const bad = await rita.post(`/review/label/${fx.label('m4', 'risk-domain', 'embedded')}/correct`, { code: 'no such code', back: '/review' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /is not a code of taxonomy/);
});

test(`[${ENGINE}] a contested label: suggested from the statement page, in the queue, accepted, with its history`, async () => {
  const page = await (await app.request(`/m/${fx.ids.r1}`)).text();
  assert.match(page, new RegExp(`href="/suggest/${fx.ids.r1}\\?taxonomy=risk-domain"`));
  assert.match(page, new RegExp(`href="/m/${fx.ids.r1}/history"`));
  const reader = browser(app);
  const form = await (await reader.request(`/suggest/${fx.ids.r1}?taxonomy=risk-domain`)).text();
  assert.match(form, new RegExp(`action="/m/${fx.ids.r1}/suggest"`));
  assert.match(form, /name="_csrf"/);
  const noToken = await reader.post(`/m/${fx.ids.r1}/suggest`, { taxonomy: 'risk-domain', code: '2.2', reason: 'It is about security.' }, { token: false });
  assert.equal(noToken.status, 403);
  const sent = await reader.post(`/m/${fx.ids.r1}/suggest`, { taxonomy: 'risk-domain', code: '2.2', reason: 'It is an attack on a system.' });
  assert.equal(sent.status, 303);
  const rita = await as('rita');
  const queue = await (await rita.request('/review?disagreement=1')).text();
  const llm = fx.label('r1', 'risk-domain', 'llm');
  assert.match(queue, new RegExp(`data-label="${llm}"`));
  assert.match(queue, /It is an attack on a system\./);
  const [prop] = parseRows(z.object({ id: z.coerce.number(), origin: z.string() }), await store.db.query('SELECT id, origin FROM review_proposals WHERE statement_id = $1', [fx.ids.r1]), 'test rows');
  assert.equal(prop!.origin, 'reader');
  const acc = await rita.post(`/review/proposals/${prop!.id}/accept`, { back: '/review' });
  assert.equal(acc.status, 303);
  assert.deepEqual(await current(fx.ids.r1!, 'risk-domain'), { code: '2.2', source: 'human', review_status: 'corrected' });
  version++;
  const hist = await (await app.request(`/m/${fx.ids.r1}/history`)).text();
  assert.match(hist, /suggested a label/);
  assert.match(hist, /accepted a suggestion/);
  assert.match(hist, /rita/);
});

test(`[${ENGINE}] a contributor's suggestion is attributed to them and listed as theirs`, async () => {
  const carl = await as('carl');
  const sent = await carl.post(`/m/${fx.ids.m2}/suggest`, { taxonomy: 'lifecycle', code: 'deploy', reason: 'This happens after release.' });
  assert.equal(sent.status, 303);
  const [p] = parseRows(z.object({ origin: z.string(), username: z.string() }), await store.db.query(
    `SELECT origin, username FROM review_proposals WHERE statement_id = $1 AND taxonomy = 'lifecycle'`,
    [fx.ids.m2],
  ), 'test rows');
  assert.deepEqual({ ...p }, { origin: 'contributor', username: 'carl' });
  const mine = await (await carl.request('/review/proposals')).text();
  assert.match(mine, /This happens after release\./);
  assert.doesNotMatch(mine, /\/review\/proposals\/\d+\/accept/);
});

test(`[${ENGINE}] double coding: blind codes, agreement with κ, disagreement adjudicated into the gold`, async () => {
  const ada = await as('ada');
  const res = await ada.post('/review/assign', { taxonomy: 'lifecycle', percent: '100', coder_a: String(ids.rita), coder_b: String(ids.rob) });
  assert.equal(res.status, 303);
  const assigned = parseRows(z.object({ id: z.coerce.number(), statement_id: z.string() }), await store.db.query('SELECT id, statement_id FROM review_assignments ORDER BY id'), 'test rows');
  assert.ok(assigned.length >= 3);
  const rita = await as('rita');
  const rob = await as('rob');
  const blind = await (await rob.request('/review/coding')).text();
  assert.doesNotMatch(blind, /class="confidence"/);
  const codes = ['plan-design', 'deploy', 'operate-monitor', 'verify-validate', 'plan-design', 'deploy'];
  for (const [i, a] of assigned.entries()) {
    assert.equal((await rita.post(`/review/coding/${a.id}`, { code: codes[i % codes.length]! })).status, 303);
    const robCode = i === 0 ? 'deploy' : codes[i % codes.length]!;
    assert.equal((await rob.post(`/review/coding/${a.id}`, { code: robCode })).status, 303);
  }
  const states = parseRows(z.object({ status: z.string() }), await store.db.query('SELECT status FROM review_assignments ORDER BY id'), 'test rows');
  assert.equal(states[0]!.status, 'disputed');
  assert.ok(states.slice(1).every((s) => s.status === 'agreed'));
  const agreement = await (await rita.request('/review/agreement')).text();
  assert.match(agreement, /data-pair="rita\|rob"/);
  assert.match(agreement, /<td class="num kappa">0\.\d\d<\/td>/);
  // A coder cannot adjudicate; a third reviewer can, and the gold becomes current.
  assert.equal((await rita.post(`/review/adjudication/${assigned[0]!.id}`, { code: 'deploy' })).status, 400);
  assert.equal((await ada.post(`/review/adjudication/${assigned[0]!.id}`, { code: 'plan-design' })).status, 303);
  assert.deepEqual(await current(assigned[0]!.statement_id, 'lifecycle'), { code: 'plan-design', source: 'human', review_status: 'adjudicated' });
});

test(`[${ENGINE}] per-document bulk review accepts every unreviewed label of the document`, async () => {
  const rita = await as('rita');
  const [doc] = parseRows(z.object({ document_id: z.string() }), await store.db.query('SELECT document_id FROM statements WHERE id = $1', [fx.ids.m2]), 'test rows');
  const page = await (await rita.request(`/review?document=${doc!.document_id}`)).text();
  assert.match(page, /action="\/review\/bulk"/);
  const res = await rita.post('/review/bulk', { document: doc!.document_id, taxonomy: '', action: 'accept', back: '/review' });
  assert.equal(res.status, 303);
  const left = await store.db.query(
    `SELECT 1 FROM classifications c JOIN statements s ON s.id = c.statement_id
     WHERE s.document_id = $1 AND c.is_current AND NOT c.human AND c.review_status = 'unreviewed'`,
    [doc!.document_id],
  );
  assert.equal(left.length, 0);
});

test(`[${ENGINE}] the report pages need the reviewer role; the learning page reads the reviewed labels`, async () => {
  const carl = await as('carl');
  assert.equal((await carl.request('/review/learning')).status, 403);
  assert.equal((await carl.request('/review/agreement')).status, 403);
  const rita = await as('rita');
  const res = await rita.request('/review/learning?taxonomy=risk-domain');
  assert.equal(res.status, 200);
  const page = await res.text();
  // The fixture holds a handful of reviewed labels: too few for a curve, and the page says so.
  assert.match(page, /Too few reviewed labels/);
  assert.equal((await rita.request('/review/extraction')).status, 200);
  const ada = await as('ada');
  assert.equal((await rita.request('/review/assign')).status, 403);
  assert.equal((await ada.request('/review/assign')).status, 200);
});

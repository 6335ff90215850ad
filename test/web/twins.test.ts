// Every page type has a JSON twin (/…/<id>.json, or the page URL with Accept: application/json),
// linked from the page with rel="alternate", built from the same read model: the facts the HTML page
// shows (id, title, labels, counts, listed statements) equal the twin's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from './fixture.ts';
import { validate } from '../api/jsonschema.ts';

type T = Awaited<ReturnType<typeof openTestApp>>;
let t: T;
before(async () => {
  t = await openTestApp();
  // one topic linked to one statement, as the topic linker would write it
  const db = t.store.db;
  const id = t.fx.ids.get('a')!;
  await db.query(`INSERT INTO topics (id, ord, name_en, name_zh, description_en, lexicon_version) VALUES ('assurance-test', 1, 'Assurance', '保障', 'Testing and audits.', 't1')`);
  const [s] = await db.query<{ document_id: string; kind: string; ord: number }>('SELECT document_id, kind, ord FROM statements WHERE id = $1', [id]);
  await db.query(
    `INSERT INTO statement_topics (statement_id, topic_id, score, matched_terms, lexicon_version, document_id, kind, ord)
     VALUES ($1, 'assurance-test', 2.5, $2::jsonb, 't1', $3, $4, $5)`,
    [id, JSON.stringify([{ id: 'risk-assessment', term: 'risk assessment', label: { en: 'risk assessment' }, count: 1 }]), s!.document_id, s!.kind, s!.ord],
  );
  t.bump();
});
after(async () => {
  await t?.close();
});

const id = (k: string) => t.fx.ids.get(k)!;

/** The HTML page, its twin by suffix and its twin by Accept header (which must be equal). */
async function pageAndTwin(path: string, twinPath: string): Promise<{ html: string; json: Record<string, any> }> {
  const page = await t.app.request(path);
  assert.equal(page.status, 200, path);
  const html = await page.text();
  assert.ok(html.includes(`<link rel="alternate" type="application/json" href="${twinPath}">`), `${path} links its twin ${twinPath}`);
  const bySuffix = await t.app.request(twinPath);
  assert.equal(bySuffix.status, 200, twinPath);
  assert.match(bySuffix.headers.get('content-type') ?? '', /application\/json/);
  const json = (await bySuffix.json()) as Record<string, any>;
  const byAccept = await t.app.request(path, { headers: { accept: 'application/json' } });
  assert.match(byAccept.headers.get('content-type') ?? '', /application\/json/, `${path} with Accept: application/json`);
  assert.deepEqual(await byAccept.json(), json, `${path}: the Accept twin equals the .json twin`);
  // the HTML page is still HTML afterwards (the page cache does not mix the two)
  const again = await t.app.request(path);
  assert.match(again.headers.get('content-type') ?? '', /text\/html/);
  return { html, json };
}

const text = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim();
const h1 = (html: string) => text(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)![1]!);
const linkedStatements = (html: string) => [...new Set([...html.matchAll(/href="\/m\/([MRP]\d{6,})"/g)].map((m) => m[1]!))];

test(`[${ENGINE}] statement page and /m/<id>.json show the same statement, labels, children and topics`, async () => {
  const { html, json } = await pageAndTwin(`/m/${id('a')}`, `/m/${id('a')}.json`);
  assert.equal(json.id, id('a'));
  assert.ok(html.includes(`<span class="code">${json.id}</span>`));
  assert.equal(h1(html), json.name);
  // every current label of the twin is shown on the page as a link to its taxonomy node
  const current = Object.entries(json.labels as Record<string, { code: string }>);
  assert.ok(current.length >= 3);
  for (const [tax, l] of current) assert.ok(html.includes(`href="/t/${tax}/${encodeURIComponent(l.code)}"`), `label ${tax} ${l.code} on the page`);
  // children: the same statements, in the same order
  const childSection = /id="children-h"[\s\S]*?<\/section>/.exec(html)![0];
  assert.deepEqual(linkedStatements(childSection), json.children.map((c: { id: string }) => c.id));
  assert.equal(json.children.length, 2);
  // topics: the same ones
  const topicSection = /id="topics-h"[\s\S]*?<\/section>/.exec(html)![0];
  assert.deepEqual([...topicSection.matchAll(/href="\/topics\/([a-z0-9-]+)"/g)].map((m) => m[1]), json.topics.map((x: { id: string }) => x.id));
  // and the twin is exactly the API's record
  const api = (await (await t.app.request(`/api/v1/statements/${id('a')}`)).json()) as Record<string, unknown>;
  assert.deepEqual(api, json);
  // the canonical link and the twin's stable URL agree
  assert.ok(html.includes(`<link rel="canonical" href="${json.url}">`));
});

test(`[${ENGINE}] document page and /d/<id>.json show the same document, statements and counts`, async () => {
  const { html, json } = await pageAndTwin(`/d/${t.fx.doc1}`, `/d/${t.fx.doc1}.json`);
  assert.equal(json.id, t.fx.doc1);
  assert.equal(h1(html), json.title);
  const tree = /id="tree-h"[\s\S]*?<\/section>/.exec(html)![0];
  assert.ok(tree.includes(`(${json.statementTotal})`), 'the statement count in the heading');
  assert.deepEqual(linkedStatements(tree).sort(), json.statements.map((s: { id: string }) => s.id).sort());
  assert.equal(json.statements.length, 6);
  // the labels listed with each statement of the tree are the twin's
  const a = json.statements.find((s: { id: string }) => s.id === id('a'));
  assert.equal(a.labels['mitigation-v2'], '2.2.1');
  assert.ok(tree.includes('href="/t/mitigation-v2/2.2.1"'));
  // label counts: the chart's table rows add up to the twin's counts per taxonomy (rolled to top level)
  const v2 = json.labelCounts.filter((c: { taxonomy: string }) => c.taxonomy === 'mitigation-v2').reduce((n: number, c: { count: number }) => n + c.count, 0);
  const chart = /id="chart-mitigation-v2"[\s\S]*?<\/figure>/.exec(html)![0];
  const sum = [...chart.matchAll(/<td class="num">(\d+)<\/td>/g)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(sum, v2);
  const api = (await (await t.app.request(`/api/v1/documents/${t.fx.doc1}`)).json()) as Record<string, unknown>;
  for (const k of ['id', 'title', 'statementIds', 'attribution', 'citation', 'statementCount']) assert.deepEqual(json[k], api[k], k);
});

test(`[${ENGINE}] taxonomy node page and /t/<taxonomy>/<code>.json show the same code, name and counts`, async () => {
  const { html, json } = await pageAndTwin('/t/mitigation-v2/2.2.1', '/t/mitigation-v2/2.2.1.json');
  assert.equal(json.code, '2.2.1');
  assert.equal(json.taxonomy, 'mitigation-v2');
  assert.equal(h1(html), `2.2.1 ${json.name.en}`);
  assert.equal(json.count, 1);
  assert.ok(html.includes(`${json.count} labelled with this exact code`), 'the direct count on the page');
  const api = (await (await t.app.request('/api/v1/taxonomies/mitigation-v2/2.2.1')).json()) as Record<string, unknown>;
  assert.deepEqual(api, json);
});

test(`[${ENGINE}] risk page and /risk/<code>.json show the same domain, counts and statements`, async () => {
  const { html, json } = await pageAndTwin('/risk/2', '/risk/2.json');
  assert.equal(json.code, '2');
  assert.equal(h1(html), `2 ${json.name.en}`);
  const stats = [...(/class="stat-row"[\s\S]*?<\/div>\s*<\/div>/.exec(html)![0]).matchAll(/<b>(\d+)<\/b>/g)].map((m) => Number(m[1]));
  assert.deepEqual(stats, [json.riskCount, json.mitigationCount]);
  assert.equal(json.riskCount, 1);
  const risks = /id="risks-h"[\s\S]*?<\/section>/.exec(html)![0];
  assert.deepEqual(linkedStatements(risks), json.risks.map((r: { id: string }) => r.id));
  assert.deepEqual(json.risks.map((r: { id: string }) => r.id), [id('r')]);
});

test(`[${ENGINE}] topic page and /topics/<id>.json show the same topic, counts and statements`, async () => {
  const { html, json } = await pageAndTwin('/topics/assurance-test', '/topics/assurance-test.json');
  assert.equal(json.id, 'assurance-test');
  assert.ok(h1(html).startsWith(json.name.en));
  const stats = [...(/class="stat-row"[\s\S]*?<\/div>\s*<\/div>/.exec(html)![0]).matchAll(/<b>(\d+)<\/b>/g)].map((m) => Number(m[1]));
  assert.deepEqual(stats, [json.totalStatements, json.totalDocuments]);
  assert.equal(json.totalStatements, 1);
  const listed = json.documents.flatMap((d: { statements: { id: string }[] }) => d.statements.map((s) => s.id));
  assert.deepEqual(listed, [id('a')]);
  for (const s of listed) assert.ok(html.includes(`/m/${s}`));
});

test(`[${ENGINE}] twins of unknown records are JSON 404s`, async () => {
  for (const path of ['/m/M999999.json', '/d/D9999.json', '/t/mitigation-v2/9.9.9.json', '/risk/99.json', '/topics/no-such-topic.json']) {
    const res = await t.app.request(path);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, path);
  }
});

test(`[${ENGINE}] the OpenAPI document describes every twin, and each twin's answer fits its schema`, async () => {
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, any> };
  const examples: Record<string, string> = {
    '/m/{id}.json': `/m/${id('a')}.json`,
    '/d/{id}.json': `/d/${t.fx.doc1}.json`,
    '/t/{taxonomy}/{code}.json': '/t/mitigation-v2/2.2.1.json',
    '/risk/{code}.json': '/risk/2.json',
    '/topics/{id}.json': '/topics/assurance-test.json',
  };
  for (const [path, example] of Object.entries(examples)) {
    const op = doc.paths[path]?.get;
    assert.ok(op, `${path} is in the OpenAPI document`);
    const schema = op.responses['200'].content['application/json'].schema;
    const json = await (await t.app.request(example)).json();
    assert.deepEqual(validate(json, schema, doc as unknown as Record<string, unknown>), [], example);
  }
});

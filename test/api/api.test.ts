import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Hono } from 'hono';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/web/app.ts';
import type { AppEnv } from '../../src/web/context.ts';
import { apiRoutes } from '../../src/api/routes.ts';
import { hasTopicTables } from '../../src/api/routes.ts';
import { PAGE_TWINS } from '../../src/api/openapi.ts';
import { Params, parseQuery, whereClause } from '../../src/search/query.ts';
import type { Store } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { buildSynthetic, type SyntheticCorpus } from './synthetic.ts';
import { allRefs, resolveRef, validate } from './jsonschema.ts';

let store: Store;
let corpus: SyntheticCorpus;
let app: Hono<AppEnv>;
let version = 'v1';
let topics = false;

before(async () => {
  store = await openTestStore();
  corpus = await buildSynthetic(store, { statements: 320, documents: 8 });
  topics = await hasTopicTables(store.db);
  if (topics) {
    // Link the synthetic statements to the built-in topics through the topics module.
    const { linkPending } = await import('../../src/topics/index.ts');
    await linkPending(store.db);
  }
  const config = { ...loadConfig({ ...process.env, GOVNAV_CONFIG: '' }), baseUrl: 'http://govnav.test' };
  app = await createApp({ store, config, dataVersion: () => version });
});
after(() => store?.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await app.request(`http://govnav.test${path}`, { headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { res, status: res.status, text, json: json as Record<string, unknown> };
}

/** Ids the database selects for a query string, through the query model's own SQL. */
async function sqlIds(qs: string): Promise<string[]> {
  const { query, errors } = parseQuery(new URLSearchParams(qs), store.taxonomies);
  assert.deepEqual(errors, []);
  const p = new Params();
  const rows = await store.db.query<{ id: string }>(
    `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${whereClause(store.taxonomies, query, p)} ORDER BY s.id`,
    p.values,
  );
  return rows.map((r) => r.id);
}

/** Walk an API list to the end; returns every item id and the number of pages. */
async function walk(path: string): Promise<{ ids: string[]; pages: number; total: number }> {
  const ids: string[] = [];
  let next: string | null = null;
  let pages = 0;
  let total = -1;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(next ? `${path}${sep}cursor=${encodeURIComponent(next)}` : path);
    assert.equal(r.status, 200, r.text);
    const body = r.json as { total: number; items: { id: string | number }[]; next: string | null };
    if (total < 0) total = body.total;
    else assert.equal(body.total, total, 'total is the same on every page');
    ids.push(...body.items.map((i) => String(i.id)));
    next = body.next;
    pages++;
    assert.ok(pages < 1000);
  } while (next);
  return { ids, pages, total };
}

const sorted = (a: string[]) => [...a].sort();

test(`[${ENGINE}] the OpenAPI document is OpenAPI 3.1, complete, and every $ref resolves`, async () => {
  const r = await get('/api/openapi.json');
  assert.equal(r.status, 200);
  const doc = r.json as { openapi: string; info: { title: string; version: string }; paths: Record<string, { get: Record<string, unknown> }>; components: { schemas: Record<string, unknown> } };
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.ok(doc.info.title && doc.info.version);
  const routes = apiRoutes(store.taxonomies, { topics });
  // The API routes, plus the JSON twins of pages (tested in test/web/twins.test.ts).
  assert.deepEqual(Object.keys(doc.paths).filter((p) => p.startsWith('/api/')).sort(), routes.map((x) => x.path).sort());
  for (const tw of PAGE_TWINS) assert.ok(doc.paths[tw.path], `twin ${tw.path} described`);
  if (topics) assert.ok(doc.paths['/api/v1/topics/{id}']);
  const opIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    const op = item.get as { operationId: string; parameters: { name: string; in: string; required?: boolean; schema?: unknown }[]; responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }> };
    assert.ok(op.operationId && !opIds.has(op.operationId), `${path}: unique operationId`);
    opIds.add(op.operationId);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(sorted(pathParams), sorted(templated as string[]), `${path}: path parameters match the template`);
    for (const p of op.parameters) {
      assert.ok(['query', 'path'].includes(p.in), `${path} ${p.name}: in`);
      assert.ok(p.schema && typeof p.schema === 'object', `${path} ${p.name}: schema`);
      if (p.in === 'path') assert.equal(p.required, true);
    }
    assert.ok(op.responses['200']?.content?.['application/json']?.schema, `${path}: 200 schema`);
    assert.ok(op.responses['400']?.content?.['application/json']?.schema, `${path}: 400 schema`);
    for (const [code, resp] of Object.entries(op.responses)) {
      assert.ok(resp.description, `${path} ${code}: description`);
      for (const media of Object.values(resp.content ?? {})) assert.ok(media.schema, `${path} ${code}: schema`);
    }
  }
  const refs = allRefs(doc);
  assert.ok(refs.length > 20);
  for (const ref of refs) assert.ok(resolveRef(doc as unknown as Record<string, unknown>, ref), `unresolved ${ref}`);
});

test(`[${ENGINE}] every documented route answers its example as documented (status, schema, ETag, 304)`, async () => {
  const doc = (await get('/api/openapi.json')).json as { paths: Record<string, { get: { 'x-example-request': string; responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }> } }> };
  const routes = new Map(apiRoutes(store.taxonomies, { topics }).map((x) => [x.path, x]));
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue; // page twins: test/web/twins.test.ts
    const example = item.get['x-example-request'];
    const r = await get(example);
    assert.equal(r.status, 200, `${example}: ${r.text.slice(0, 300)}`);
    assert.match(r.res.headers.get('content-type') ?? '', /application\/json/);
    // The document's JSON schema (strict: no undocumented properties) …
    const schema = item.get.responses['200']!.content!['application/json'].schema;
    assert.deepEqual(validate(r.json, schema, doc as unknown as Record<string, unknown>), [], example);
    // … and the zod schema it was generated from.
    const parsed = routes.get(path)!.response.safeParse(r.json);
    assert.ok(parsed.success, `${example}: ${parsed.success ? '' : parsed.error.message}`);
    const etag = r.res.headers.get('etag');
    assert.ok(etag, `${example}: ETag`);
    assert.match(r.res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const again = await get(example, { 'If-None-Match': etag! });
    assert.equal(again.status, 304, example);
    assert.equal(again.text, '');
    // Documented errors have the documented shape.
    const errors = item.get.responses;
    const bad = await get(`${example}${example.includes('?') ? '&' : '?'}no_such_parameter=1`);
    assert.equal(bad.status, 400, example);
    assert.deepEqual(validate(bad.json, errors['400']!.content!['application/json'].schema, doc as unknown as Record<string, unknown>), []);
    if (errors['404']) {
      const missing = await get(path.replace(/\{(\w+)\}/g, 'no-such-thing'));
      assert.equal(missing.status, 404, path);
      assert.deepEqual(validate(missing.json, errors['404'].content!['application/json'].schema, doc as unknown as Record<string, unknown>), []);
    }
  }
});

test(`[${ENGINE}] detail routes carry citations, provenance and attribution`, async () => {
  const id = corpus.statementIds.find((x) => x.startsWith('M'))!;
  const st = (await get(`/api/v1/statements/${id}`)).json as {
    citation: { url: string; bibtex: string; csl: { URL: string } };
    classifications: { isCurrent: boolean; taxonomy: string; code: string; source: string }[];
    labels: Record<string, { code: string; source: string }>;
    url: string;
    cite: { bibtex: string; csl: string };
  };
  assert.equal(st.url, `http://govnav.test/m/${id}`);
  assert.equal(st.citation.url, st.url);
  assert.match(st.citation.bibtex, new RegExp(`^@misc\\{govnav-${id},`));
  assert.equal(st.citation.csl.URL, st.url);
  // Every item links to citation files that the site serves.
  const bib = await get(new URL(st.cite.bibtex).pathname);
  assert.equal(bib.status, 200);
  assert.match(bib.text, new RegExp(`^@misc\\{govnav-${id},`));
  const csl = await get(new URL(st.cite.csl).pathname);
  assert.equal(csl.status, 200);
  assert.equal((csl.json as unknown as { id: string }[])[0]!.id, `govnav-${id}`);
  for (const [tax, label] of Object.entries(st.labels)) {
    const cur = st.classifications.filter((c) => c.isCurrent && c.taxonomy === tax);
    assert.equal(cur.length, 1);
    assert.equal(cur[0]!.code, label.code);
  }
  const doc = (await get(`/api/v1/documents/${corpus.documentIds[1]}`)).json as { statementIds: string[]; attribution: { dataset: string; attribution: string }; citation: { bibtex: string } };
  assert.equal(doc.statementIds.length, 40);
  assert.equal(doc.attribution.dataset, 'synth-b');
  assert.match(doc.attribution.attribution, /Synthetic B/);
  assert.match(doc.citation.bibtex, /^@/);
  if (topics) {
    const list = (await get('/api/v1/topics')).json as { items: { id: string; statementCount: number }[] };
    const rows = await store.db.query<{ topic_id: string; n: number }>('SELECT topic_id, count(*)::int AS n FROM statement_topics GROUP BY topic_id');
    const want = new Map(rows.map((r) => [r.topic_id, r.n]));
    assert.ok(list.items.length > 0);
    for (const t of list.items) assert.equal(t.statementCount, want.get(t.id) ?? 0, t.id);
  }
  const missing = await get('/api/v1/statements/M999999');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error, 'not_found');
  assert.equal((await get('/api/v1/no-such-route')).status, 404);
});

test(`[${ENGINE}] cursors walk every list exactly once`, async () => {
  const all = await walk('/api/v1/statements?limit=37');
  assert.equal(all.total, 320);
  assert.equal(all.ids.length, 320);
  assert.equal(new Set(all.ids).size, 320);
  assert.equal(all.pages, Math.ceil(320 / 37));
  assert.deepEqual(sorted(all.ids), sorted(corpus.statementIds));

  const filtered = await walk('/api/v1/statements?kind=mitigation&risk-domain=2&limit=5');
  assert.deepEqual(filtered.ids, await sqlIds('kind=mitigation&risk-domain=2'));
  assert.equal(filtered.total, filtered.ids.length);

  // /search pages in relevance order through offset cursors: the same set, once each.
  const search = await walk('/api/v1/search?q=audit&limit=9&facets=kind');
  assert.equal(new Set(search.ids).size, search.ids.length);
  assert.deepEqual(sorted(search.ids), await sqlIds('q=audit'));
  assert.ok(search.ids.length > 9);

  const docs = await walk('/api/v1/documents?limit=3');
  assert.deepEqual(docs.ids, corpus.documentIds);
  const [{ n }] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM classifications');
  const labels = await walk('/api/v1/classifications?limit=100');
  assert.equal(labels.ids.length, n);
  assert.equal(new Set(labels.ids).size, n);
});

test(`[${ENGINE}] bad parameters give 400 with a JSON error naming the parameter`, async () => {
  const other = (await get('/api/v1/statements?kind=risk&limit=2')).json.next as string;
  const cases: [string, string][] = [
    ['/api/v1/statements?limit=0', 'limit'],
    ['/api/v1/statements?limit=501', 'limit'],
    ['/api/v1/statements?limit=ten', 'limit'],
    ['/api/v1/statements?kind=law', 'kind'],
    ['/api/v1/statements?risk-domain=99.9', 'risk-domain'],
    ['/api/v1/statements?colour=red', 'colour'],
    ['/api/v1/statements?cursor=%%%', 'cursor'],
    [`/api/v1/statements?kind=mitigation&cursor=${other}`, 'cursor'],
    ['/api/v1/search?facets=kind,shoe-size', 'facets'],
    ['/api/v1/search?year=19', 'year'],
    ['/api/v1/documents?year=soon', 'year'],
    ['/api/v1/documents?kind=risk', 'kind'],
    ['/api/v1/classifications?taxonomy=nope', 'taxonomy'],
    ['/api/v1/classifications?source=oracle', 'source'],
    ['/api/v1/classifications?statement=123', 'statement'],
    ['/api/v1/taxonomies?x=1', 'x'],
    ['/export.csv?kind=law', 'kind'],
  ];
  for (const [url, field] of cases) {
    const r = await get(url);
    assert.equal(r.status, 400, url);
    assert.equal(r.json.error, 'bad_parameter', url);
    assert.equal(r.json.field, field, url);
    assert.ok(String(r.json.message).includes(field), url);
  }
});

test(`[${ENGINE}] ETags follow the data version and the URL; 304 only while both match`, async () => {
  const a = await get('/api/v1/statements?limit=3');
  const etag = a.res.headers.get('etag')!;
  assert.equal((await get('/api/v1/statements?limit=3', { 'If-None-Match': etag })).status, 304);
  assert.equal((await get('/api/v1/statements?limit=4', { 'If-None-Match': etag })).status, 200);
  version = 'v2';
  const b = await get('/api/v1/statements?limit=3', { 'If-None-Match': etag });
  assert.equal(b.status, 200);
  assert.notEqual(b.res.headers.get('etag'), etag);
  version = 'v1';
});

test(`[${ENGINE}] the same filter gives the same ids on the search page, in the API and in the CSV export`, async () => {
  for (const qs of ['risk-domain=2&kind=mitigation', 'q=audit&dataset=synth-a', 'lifecycle=deploy&lifecycle=operate-monitor&year_from=2021', '']) {
    // The page: walk its pages and read the result links.
    const pageIds: string[] = [];
    for (let page = 1; page < 50; page++) {
      const r = await get(`/search?${qs}${qs ? '&' : ''}page=${page}`);
      assert.equal(r.status, 200);
      const list = /<ol class="stmt-list results"[^>]*>([\s\S]*?)<\/ol>/.exec(r.text)?.[1] ?? '';
      const ids = [...list.matchAll(/<a class="stmt-name" href="\/m\/([A-Z]\d+)"/g)].map((m) => m[1]!);
      pageIds.push(...ids);
      if (ids.length < 25) break;
    }
    const api = await walk(`/api/v1/statements?${qs}${qs ? '&' : ''}limit=50`);
    const csv = await get(`/export.csv?${qs}`);
    assert.equal(csv.status, 200);
    assert.match(csv.res.headers.get('content-disposition') ?? '', /attachment; filename="govnav-statements.*\.csv"/);
    assert.match(csv.res.headers.get('link') ?? '', /\/about>; rel="license"/);
    const rows = parseCsv(csv.text, { columns: true }) as { id: string; attribution: string }[];
    const want = await sqlIds(qs);
    assert.ok(want.length > 0, qs);
    assert.deepEqual(sorted(pageIds), want, `page: ${qs}`);
    assert.deepEqual(sorted(api.ids), want, `api: ${qs}`);
    assert.deepEqual(sorted(rows.map((x) => x.id)), want, `csv: ${qs}`);
    assert.ok(rows.every((x) => x.attribution.length > 0));
  }
});

test(`[${ENGINE}] the reference page lists every route with examples, in English and Chinese`, async () => {
  const en = await get('/api?lang=en');
  assert.equal(en.status, 200);
  for (const r of apiRoutes(store.taxonomies, { topics })) {
    assert.ok(en.text.includes(`GET ${r.path}`), r.path);
    assert.ok(en.text.includes(r.summary.zh), `${r.path}: Chinese heading`);
  }
  assert.match(en.text, /<html lang="en">/);
  assert.match(en.text, /curl -s 'http:\/\/govnav\.test\/api\/v1\/statements\?kind=mitigation&amp;risk-domain=2/);
  assert.match(en.text, /&quot;total&quot;: \d+/);
  const zh = await get('/api?lang=zh');
  assert.match(zh.text, /<html lang="zh-Hans">/);
  assert.ok(zh.text.includes('符合查询条件的条目'));
});

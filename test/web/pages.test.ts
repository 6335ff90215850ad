import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp, XSS } from './fixture.ts';

type T = Awaited<ReturnType<typeof openTestApp>>;
let t: T;
before(async () => {
  t = await openTestApp();
});
after(async () => {
  await t?.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers });
  return { res, body: await res.text() };
};
const id = (k: string) => t.fx.ids.get(k)!;
/** The text between two markers (for checking order and sections). */
const section = (body: string, startMarker: string, endMarker: string) => {
  const a = body.indexOf(startMarker);
  assert.ok(a >= 0, `marker ${startMarker} missing`);
  const b = body.indexOf(endMarker, a + startMarker.length);
  return body.slice(a, b < 0 ? undefined : b);
};

test(`[${ENGINE}] statement page shows every element: banner, category, excerpt, reasoning, lists, document, labels, provenance, location, citation`, async () => {
  const { res, body } = await get(`/m/${id('a')}`);
  assert.equal(res.status, 200);
  // data-status banner (configured text) and the feedback link for this page
  assert.match(body, /class="status-banner"/);
  assert.ok(body.includes(t.ctx.config.banner.en.replace(/'/g, '&#39;')));
  assert.ok(body.includes(`href="/feedback?page=%2Fm%2F${id('a')}"`));
  // the category (mitigation-v2, the current human label), its description, "Also in" its parent
  const cat = section(body, 'class="category"', '</div>');
  assert.match(cat, /2\.2\.1<\/span> Risk Assessment/);
  assert.match(cat, /class="category-desc">[^<]+/);
  assert.match(cat, /Also in <a class="label" href="\/t\/mitigation-v2\/2\.2"/);
  // the other, non-current label on that taxonomy is listed in a <details>
  assert.match(cat, /<details class="other-labels">[\s\S]*2\.2\.2<\/span> Testing &amp; Evaluation[\s\S]*mitigation-v2@4/);
  // the verbatim excerpt with its language
  // (rendered from its markup: plain text becomes a paragraph)
  assert.match(body, /<blockquote class="excerpt" lang="en"[^>]*><p>Comprehensive risk assessments before deployment, including dangerous capability evaluations\.<\/p><\/blockquote>/);
  // reasoning section with provenance of the category label (human coders of the source, value as published)
  const reasoning = section(body, 'id="reason-h"', '</section>');
  assert.match(reasoning, /Human coders of the source dataset/);
  assert.match(reasoning, /as published: “2\.2\.1 Risk Assessment”/);
  // heading path and locator
  assert.match(body, /<dt>Section<\/dt><dd lang="en">Mitigations › Assessment<\/dd>/);
  assert.match(body, /<dt>Page<\/dt><dd>4–5<\/dd>/);
  // its own children first, then the document's statements in source order, with code and name
  const children = section(body, 'id="children-h"', '</section>');
  assert.ok(children.indexOf('Third party model audits') < children.indexOf('Vetted researcher access'));
  assert.match(children, /2\.2\.3<\/span> Auditing &amp; Compliance/);
  const siblings = section(body, 'id="siblings-h"', '</section>');
  const order = ['Pre-deployment risk assessments', 'Third party model audits', 'Vetted researcher access', 'Data curation', 'Jailbreak attacks'].map((n) =>
    siblings.indexOf(n),
  );
  assert.ok(order.every((x) => x >= 0));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.match(siblings, /<strong class="stmt-name" aria-current="page"/);
  // the document block: title, authors, year, abstract, link, licence and attribution
  const doc = section(body, 'class="doc-block"', '</section>');
  assert.match(doc, /Effective Mitigations for Systemic Risks/);
  assert.match(doc, /Uuk, Risto; Brouwer, Annemieke \(2024\)/);
  assert.match(doc, /We surveyed experts/);
  assert.match(doc, /href="https:\/\/example\.org\/paper"/);
  assert.match(doc, /CC-BY-4\.0/);
  assert.match(doc, /Test mitigations dataset by the govnav tests/);
  // lifecycle, actor and AI RMF function each with a description; primary risk domain
  const cls = section(body, 'id="class-h"', '</aside>');
  assert.match(cls, /data-taxonomy="lifecycle"[\s\S]*Verify and Validate<\/a>[\s\S]*class="small label-desc">[^<]+/);
  assert.match(cls, /data-taxonomy="actor"[\s\S]*Developer<\/a>/);
  assert.match(cls, /data-taxonomy="nist-ai-rmf"[\s\S]*?not yet labelled/);
  assert.match(cls, /Primary risk domain[\s\S]*7\.2<\/span> AI possessing dangerous capabilities/);
  // provenance: LLM with model and prompt version and confidence; embedded classifier with model version
  assert.match(cls, /Language model<\/span> <code>test-model-1<\/code>, prompt <code>lifecycle@3<\/code><\/abbr> · confidence 0\.91 · <span class="review-unreviewed">not reviewed/);
  assert.match(cls, /Embedded classifier<\/span> <code>govnav-embedded<\/code>, model version <code>2026\.11<\/code>/);
  assert.match(cls, /Assessments happen before release, during verification\./);
  // cite box: stable URL on the configured base URL, BibTeX, CSL-JSON link
  assert.match(body, new RegExp(`id="cite-url" type="text" readonly value="https://govnav\\.example\\.org/m/${id('a')}"`));
  assert.match(body, new RegExp(`@misc\\{govnav-${id('a')},`));
  assert.ok(body.includes(`href="/cite/${id('a')}.json"`));
});

test(`[${ENGINE}] a mitigation with only a version-1 label shows that label; Chinese text carries its own lang`, async () => {
  const { body } = await get(`/m/${id('c')}`);
  assert.match(section(body, 'class="category"', '</div>'), /data-taxonomy="mitigation-v1"|Mitigation category \(v1\)/);
  assert.match(body, /<h1 id="st-title" lang="zh">加强国际合作<\/h1>/);
  assert.match(body, /<blockquote class="excerpt" lang="zh"/);
  assert.match(body, /<html lang="en">/);
});

test(`[${ENGINE}] document text with markup renders escaped, and unsafe links are dropped`, async () => {
  const { body } = await get(`/m/${id('x')}`);
  assert.ok(!body.includes(XSS), 'raw <script> must not appear');
  assert.ok(!body.includes('<img src=x'), 'raw <img> must not appear');
  assert.ok(body.includes('Hostile &lt;script&gt;alert(1)&lt;/script&gt; name'));
  assert.ok(body.includes('&lt;img src=x onerror=alert(3)&gt;'));
  assert.ok(body.includes('Filter the &lt;script&gt;alert(1)&lt;/script&gt; output.'));
  const doc = await get(`/d/${t.fx.doc2}`);
  assert.ok(!/href="javascript:/i.test(doc.body));
  const search = await get(`/search?q=hostile`);
  assert.ok(!search.body.includes(XSS));
  assert.ok(search.body.includes('&lt;script&gt;'));
});

test(`[${ENGINE}] unknown ids are 404; citation files are served`, async () => {
  assert.equal((await get('/m/M999999')).res.status, 404);
  assert.equal((await get('/m/not-an-id')).res.status, 404);
  assert.equal((await get('/d/D9999')).res.status, 404);
  const bib = await get(`/cite/${id('a')}.bib`);
  assert.equal(bib.res.status, 200);
  assert.match(bib.res.headers.get('content-type')!, /bibtex/);
  assert.match(bib.body, /booktitle = \{\{Effective Mitigations for Systemic Risks\}\}/);
  const csl = await get(`/cite/${t.fx.doc1}.json`);
  const items = JSON.parse(csl.body);
  assert.equal(items[0].title, 'Effective Mitigations for Systemic Risks');
  assert.equal(items[0].DOI, '10.1234/abcd.5678');
});

test(`[${ENGINE}] document page: metadata, statements as a tree with labels, counts per taxonomy, cite box`, async () => {
  const { res, body } = await get(`/d/${t.fx.doc1}`);
  assert.equal(res.status, 200);
  assert.match(body, /<h1 lang="en">Effective Mitigations for Systemic Risks<\/h1>/);
  // children nested inside their parent's list item
  const parentLi = section(body, `<li id="s-${id('a')}"`, `<li id="s-${id('b')}"`);
  assert.ok(parentLi.includes(`<li id="s-${id('a1')}"`) && parentLi.includes(`<li id="s-${id('a2')}"`));
  // a chart per taxonomy with the table behind it; mitigation-v2 rolls sub-codes into the top level
  const chart = section(body, 'id="chart-mitigation-v2"', '</figure>');
  assert.match(chart, /<td><a href="\/search\?doc=D\d+&amp;mitigation-v2=2">2 Organisation<\/a><\/td><td class="num">3<\/td>/);
  assert.match(chart, /1 AI System<\/a><\/td><td class="num">2<\/td>/);
  assert.match(body, /id="cite-h"/);
  assert.match(body, /CC-BY-4\.0/);
  const index = await get('/d?sort=year');
  assert.equal(index.res.status, 200);
  assert.ok(index.body.includes(`href="/d/${t.fx.doc1}"`) && index.body.includes(`href="/d/${t.fx.doc2}"`));
  assert.match(index.body, /aria-sort="descending"/);
});

test(`[${ENGINE}] risk pages list the risks coded to a domain and the mitigations whose primary domain it is`, async () => {
  const list = await get('/risk');
  assert.equal(list.res.status, 200);
  assert.match(list.body, /id="risk-chart"/);
  const d2 = await get('/risk/2');
  assert.ok(section(d2.body, 'id="risks-h"', '</section>').includes('Jailbreak attacks'));
  const d7 = await get('/risk/7');
  assert.ok(section(d7.body, 'id="mitigations-h"', '</section>').includes('Pre-deployment risk assessments'));
  assert.ok(!section(d7.body, 'id="risks-h"', '</section>').includes('Jailbreak attacks'));
  const sub = await get('/risk/6.5');
  assert.match(sub.body, /Also in <a class="label" href="\/risk\/6"/);
  assert.equal((await get('/risk/99')).res.status, 404);
});

test(`[${ENGINE}] search with text and two facets: the count equals a direct SQL count, facets count matching statements`, async () => {
  const { body } = await get('/search?q=assessments&kind=mitigation&mitigation-v2=2');
  const m = /<p class="result-count sans" role="status"><strong>(\d+) statements? match/.exec(body);
  assert.ok(m, 'result count shown');
  const [{ n }] = (await t.store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM statements s
     WHERE s.kind = 'mitigation' AND s.retired_at IS NULL
       AND s.search_vector @@ plainto_tsquery('simple', 'assess')
       AND EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current
                   AND c.taxonomy = 'mitigation-v2' AND (c.code = '2' OR c.code LIKE '2.%'))`,
  )) as [{ n: number }];
  assert.equal(Number(m[1]), n);
  assert.equal(n, 2);
  // every hit shows its document; facet counts are numbers of matching statements
  assert.equal((body.match(/<li>\s*<div class="stmt-head">/g) ?? []).length, n);
  assert.match(body, /doctype=paper" rel="nofollow"><span class="box" aria-hidden="true">☐<\/span><span class="v">Research paper<\/span><span class="n">2<\/span>/);
  // the kind facet leaves its own filter out: risks matching the other filters (none labelled 2.x) count 0
  assert.match(body, /<span class="v">Mitigations<\/span><span class="n">2<\/span>/);
  // shareable export links carry exactly the same query
  assert.ok(body.includes('href="/export.csv?q=assessments&amp;kind=mitigation&amp;mitigation-v2=2"'));
  // Chinese full text
  const zh = await get('/search?q=国际合作');
  assert.ok(zh.body.includes('加强国际合作'));
});

test(`[${ENGINE}] search paginates and reports bad parameters`, async () => {
  const all = await get('/search');
  assert.match(all.body, /8 statements match/);
  const bad = await get('/search?kind=poem&risk-domain=99');
  assert.match(bad.body, /Some parameters were ignored/);
  assert.match(bad.body, /<code>kind=poem<\/code>/);
});

test(`[${ENGINE}] taxonomy node pages list their statements with the shared filters`, async () => {
  const all = await get('/t/mitigation-v2/2');
  assert.match(all.body, /3 statements match/);
  const narrowed = await get('/t/mitigation-v2/2?q=audits');
  assert.match(narrowed.body, /1 statement matches/);
  assert.ok(narrowed.body.includes('href="/export.csv?q=audits&amp;mitigation-v2=2"'));
});

test(`[${ENGINE}] home shows the corpus at a glance; about lists every dataset's licence`, async () => {
  const home = await get('/');
  assert.match(home.body, /<b>2<\/b><span>documents<\/span>/);
  assert.match(home.body, /id="c-category"/);
  const about = await get('/about');
  assert.match(about.body, /test-mitigations/);
  assert.match(about.body, /Test mitigations dataset by the govnav tests, CC BY 4\.0/);
});

test(`[${ENGINE}] the language switch sets a cookie and the lang attribute; the cookie is remembered`, async () => {
  const zh = await get(`/m/${id('a')}?lang=zh`);
  assert.match(zh.res.headers.get('set-cookie') ?? '', /govnav_lang=zh/);
  assert.match(zh.body, /<html lang="zh-Hans">/);
  assert.match(zh.body, /引用本页/);
  assert.match(zh.body, /<h1 id="st-title" lang="en">/);
  const again = await get(`/d/${t.fx.doc1}`, { cookie: 'govnav_lang=zh' });
  assert.match(again.body, /<html lang="zh-Hans">/);
  assert.match(again.body, /全部条目/);
  const en = await get(`/d/${t.fx.doc1}?lang=en`, { cookie: 'govnav_lang=zh' });
  assert.match(en.body, /<html lang="en">/);
});

test(`[${ENGINE}] rendered pages are cached per language and data version, with ETag and 304`, async () => {
  const path = `/d/${t.fx.doc1}?sort=x`;
  const first = await get(path);
  assert.equal(first.res.headers.get('x-cache'), 'miss');
  const etag = first.res.headers.get('etag')!;
  assert.ok(etag);
  const second = await get(path);
  assert.equal(second.res.headers.get('x-cache'), 'hit');
  assert.equal(second.body, first.body);
  assert.match(second.res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const cond = await t.app.request(path, { headers: { 'if-none-match': etag } });
  assert.equal(cond.status, 304);
  assert.equal(await cond.text(), '');
  const zh = await get(path, { cookie: 'govnav_lang=zh' });
  assert.equal(zh.res.headers.get('x-cache'), 'miss');
  assert.notEqual(zh.res.headers.get('etag'), etag);
  t.bump();
  assert.equal((await get(path)).res.headers.get('x-cache'), 'miss');
  // forms and admin pages are never cached
  await get('/feedback?page=/');
  assert.equal((await get('/feedback?page=/')).res.headers.get('x-cache'), null);
});

test(`[${ENGINE}] with an empty database the home page says how to load data`, async () => {
  const { openTestStore } = await import('../helpers/store.ts');
  const { createApp } = await import('../../src/web/app.ts');
  const { testConfig } = await import('./fixture.ts');
  const store = await openTestStore();
  try {
    const app = await createApp({ store, config: testConfig(), dataVersion: () => '0' });
    const res = await app.request('/');
    const body = await res.text();
    assert.equal(res.status, 200);
    assert.match(body, /The database is empty/);
    assert.match(body, /govnav datasets fetch/);
    const search = await app.request('/search?q=anything');
    assert.match(await search.text(), /No statement matches/);
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] cached pages are sent gzip-compressed to clients that accept it`, async () => {
  const { gunzipSync } = await import('node:zlib');
  const path = `/m/${id('b')}`;
  const plain = await get(path);
  const res = await t.app.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(res.headers.get('x-cache'), 'hit');
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  assert.match(res.headers.get('vary') ?? '', /Accept-Encoding/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.ok(bytes.length < plain.body.length / 2);
  assert.equal(gunzipSync(bytes).toString('utf8'), plain.body);
  assert.notEqual(res.headers.get('etag'), plain.res.headers.get('etag'));
});

test(`[${ENGINE}] topic links show on the statement page and filter the search`, async () => {
  const db = t.store.db;
  await db.query(
    `INSERT INTO topics (id, ord, name_en, name_zh, description_en, lexicon_version) VALUES ('assurance-test', 1, 'Assurance', '保障', 'Testing and audits.', 't1')`,
  );
  const [s] = await db.query<{ document_id: string; kind: string; ord: number }>('SELECT document_id, kind, ord FROM statements WHERE id = $1', [id('a')]);
  await db.query(
    `INSERT INTO statement_topics (statement_id, topic_id, score, matched_terms, lexicon_version, document_id, kind, ord)
     VALUES ($1, 'assurance-test', 2.5, $2::jsonb, 't1', $3, $4, $5)`,
    [id('a'), JSON.stringify([{ term: 'risk assessment', count: 1 }]), s!.document_id, s!.kind, s!.ord],
  );
  t.bump();
  const page = await get(`/m/${id('a')}`);
  assert.match(section(page.body, 'id="topics-h"', '</section>'), /href="\/topics\/assurance-test"[^>]*>Assurance<\/a> <span class="small muted">matched: risk assessment/);
  const search = await get('/search?topic=assurance-test');
  assert.match(search.body, /1 statement matches/);
  assert.match(search.body, /<span class="muted">Topic:<\/span> Assurance ✕/);
  const zh = await get('/search?topic=assurance-test', { cookie: 'govnav_lang=zh' });
  assert.match(zh.body, /<span class="v">保障<\/span><span class="n">1<\/span>/);
});

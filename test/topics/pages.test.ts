import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { linkPending } from '../../src/topics/link.ts';
import { coverageMatrix } from '../../src/topics/matrix.ts';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp, XSS } from '../web/fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test(`[${ENGINE}] topic pages render in English and Chinese, escape document text and link documents and statements`, async () => {
  const t = await openTestApp();
  try {
    const { app, store } = t;
    await importPrinciplesYaml(store, fixture('principles_zh.yaml'));
    await importPrinciplesYaml(store, fixture('principles_zh_en.yaml'));
    // A hostile statement that is on a topic.
    const { upsertDocument, upsertStatements } = await import('../../src/store/index.ts');
    const d = await upsertDocument(store.db, {
      sourceKey: 'hostile',
      title: `Evil ${XSS} principles`,
      organisation: `Org <b>bold</b>`,
      date: '2025-02',
      year: 2025,
      docType: 'principles',
      provenance: { dataset: 't', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' },
    });
    await upsertStatements(store.db, d.id, [{ sourceKey: 'h', kind: 'principle', ord: 0, name: `Privacy ${XSS}`, text: `Protect personal data <img src=x onerror=alert(3)> now.` }]);
    await linkPending(store.db);
    const get = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
    };

    // Index.
    const idx = await get('/topics?lang=en');
    assert.equal(idx.status, 200);
    assert.ok(idx.body.includes('href="/topics/privacy?lang=en"'));
    assert.ok(idx.body.includes('Privacy and data protection'));
    const idxZh = await get('/topics?lang=zh');
    assert.ok(idxZh.body.includes('隐私与数据保护'));

    // Topic page in English.
    const en = await get('/topics/privacy?lang=en');
    assert.equal(en.status, 200);
    const zhDoc = (parseRows(z.object({ id: z.string() }), await store.db.query(`SELECT id FROM documents WHERE source_key = 'doc-govnav-test-principles-zh'`), 'test rows'))[0]!.id;
    const [zhStmt] = parseRows(z.object({ id: z.string() }), await store.db.query(`SELECT id FROM statements WHERE source_key = 'zh-2'`), 'test rows');
    assert.ok(en.body.includes(`href="/d/${zhDoc}"`), 'document link');
    assert.ok(en.body.includes(`href="/m/${zhStmt!.id}"`), 'statement link');
    assert.ok(en.body.includes(`published by govnav 测试组 in <a href="/d/${zhDoc}" lang="zh">govnav 测试用人工智能原则（中文）</a>, 2026-01-15`));
    assert.ok(en.body.includes('<mark>个人信息</mark>'), 'Chinese terms highlighted');
    assert.ok(en.body.includes('<mark>personal information</mark>'), 'English terms highlighted');
    // Hostile text is escaped everywhere, and the highlight still works around it.
    assert.ok(!en.body.includes('<script>alert(1)</script>'));
    assert.ok(!en.body.includes('<img src=x'));
    assert.ok(en.body.includes('&lt;img src=x onerror=alert(3)&gt;'));
    assert.ok(en.body.includes('<mark>Privacy</mark> &lt;script&gt;'));
    assert.ok(en.body.includes('published by Org &lt;b&gt;bold&lt;/b&gt; in'));

    // The same page in Chinese.
    const zh = await get('/topics/privacy?lang=zh');
    assert.equal(zh.status, 200);
    assert.ok(zh.body.includes('<html lang="zh-Hans">'));
    assert.ok(zh.body.includes('<h1>隐私与数据保护'));
    const zhLine = `由 govnav 测试组 在 <a href="/d/${zhDoc}" lang="zh">govnav 测试用人工智能原则（中文）</a> 发表, 2026-01-15`;
    assert.ok(zh.body.includes(zhLine), zh.body.split('\n').filter((l) => l.includes('attribution')).join('\n'));

    // Filters: kind and year narrow the list; a filter with no match says so.
    const filtered = await get('/topics/privacy?lang=en&year=2025');
    assert.ok(filtered.body.includes(`href="/d/${d.id}"`));
    assert.ok(!filtered.body.includes(`href="/d/${zhDoc}"`));
    const empty = await get('/topics/privacy?lang=en&kind=risk');
    assert.ok(empty.body.includes('No statement matches these filters.'));
    const oneDoc = await get(`/topics/privacy?lang=en&doc=${zhDoc}`);
    assert.ok(oneDoc.body.includes(`href="/d/${zhDoc}"`) && !oneDoc.body.includes(`href="/d/${d.id}"`));
    assert.equal((await get('/topics/no-such-topic')).status, 404);

    // Matrix: SVG with the table behind it; "no document covers every topic"; CSV equals the matrix.
    const mx = await get('/topics/matrix?lang=en');
    assert.equal(mx.status, 200);
    assert.ok(mx.body.includes('<svg role="img" aria-labelledby="matrix-cap"'));
    assert.ok(mx.body.includes('<table class="matrix-table">'));
    assert.ok(/No document covers all \d+ topics\./.test(mx.body));
    assert.ok(!mx.body.includes('<script>alert(1)</script>'));
    const csv = await get('/topics/matrix.csv');
    assert.ok(csv.type.startsWith('text/csv'));
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    const m = await coverageMatrix(store.db);
    assert.equal(rows.length, m.documents.length);
    for (const r of rows) for (const tp of m.topics) assert.equal(Number(r[tp.id]), m.documents.find((x) => x.id === r.document_id)!.cells[tp.id] ?? 0);
    const sorted = await get('/topics/matrix?sort=title&lang=zh');
    assert.ok(sorted.body.includes('没有任何文件涵盖全部'));

    // Compare: two documents side by side; a picker when fewer than two are given.
    const enDoc = (parseRows(z.object({ id: z.string() }), await store.db.query(`SELECT id FROM documents WHERE source_key = 'doc-govnav-test-principles-en'`), 'test rows'))[0]!.id;
    const cmp = await get(`/topics/compare?d=${zhDoc}&d=${enDoc}&lang=en`);
    assert.equal(cmp.status, 200);
    assert.ok(cmp.body.includes('<table class="compare-table">'));
    assert.ok(cmp.body.includes('Covered by all of them: Safety'));
    const picker = await get('/topics/compare?lang=en');
    assert.ok(picker.body.includes('<select id="cmp-d" name="d" multiple'));
    assert.equal((await get('/topics/compare?d=D9999&d=D9998')).status, 404);
  } finally {
    await t.close();
  }
});

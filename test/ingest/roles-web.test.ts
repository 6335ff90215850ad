// The document page of an ingested document shows its outline: role badges with the reason on
// hover, statements linked to their pages, context and apparatus muted, counts per role, a role
// filter (?role=), a search within the document (?q=) that finds context too, the reason of a
// selected block in place, Chinese strings, and escaped document text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { ingestOne } from '../../src/ingest/index.ts';
import { listDocumentBlocks } from '../../src/store/index.ts';
import { openTestApp } from '../web/fixture.ts';
import { tempDir } from './fixtures.ts';
import { GUIDE, MEASURES } from './roles-fixture.ts';

type T = Awaited<ReturnType<typeof openTestApp>>;
let t: T;
let docId: string;
const tmp = tempDir();
before(async () => {
  t = await openTestApp();
  const hostile = GUIDE.replace('Researchers first described', 'Researchers (where 5 < 6 & "x" > y) first described');
  const r = await ingestOne(t.store.db, tmp.file('guide.md', hostile), { organisation: 'Example CERT' });
  docId = r.documentId;
});
after(async () => {
  await t?.close();
  tmp.cleanup();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers });
  return { res, body: await res.text() };
};
const outlineOf = (body: string) => {
  const a = body.indexOf('<ol class="outline">');
  assert.ok(a >= 0, 'the page has an outline');
  return body.slice(a, body.indexOf('</ol>', a));
};
const items = (outline: string) => outline.split('<li ').slice(1);

test(`[${ENGINE}] the document page shows every block with its role badge, statements linked, non-statements muted`, async () => {
  const { res, body } = await get(`/d/${docId}`);
  assert.equal(res.status, 200);
  const o = outlineOf(body);
  const lis = items(o);
  assert.equal(lis.length, 12, 'every block is shown');
  const stmts = await t.store.db.query<{ id: string; text: string }>('SELECT id, text FROM statements WHERE document_id = $1 AND retired_at IS NULL', [docId]);
  for (const m of MEASURES) {
    const li = lis.find((x) => x.includes(m.replace(/'/g, '&#39;')));
    assert.ok(li, `block "${m.slice(0, 30)}" is shown`);
    assert.match(li, /class="role-badge role-mitigation"[^>]* title="Mitigation: [^"]+"/);
    const id = stmts.find((s) => s.text === m)!.id;
    assert.ok(li.includes(`href="/m/${id}"`), 'the statement is linked to its page');
    assert.ok(!li.includes('ob-muted'));
  }
  const ref = lis.find((x) => x.includes('Greshake'))!;
  assert.match(ref, /role-badge role-apparatus/);
  assert.match(ref, /class="ob ob-item ob-muted/);
  assert.ok(!ref.includes('href="/m/'), 'apparatus is not a statement');
  const bg = lis.find((x) => x.includes('first described'))!;
  assert.match(bg, /role-badge role-context/);
  // Document text is escaped.
  assert.ok(bg.includes('(where 5 &lt; 6 &amp; &quot;x&quot; &gt; y)'), bg);
  // Counts per role at the top, each a link to the filtered outline.
  const blocks = await listDocumentBlocks(t.store.db, docId);
  const n = (role: string) => blocks.filter((b) => b.role === role).length;
  assert.match(body, new RegExp(`<a href="/d/${docId}\\?role=mitigation#outline-h" class="role-link role-mitigation">${n('mitigation')} Mitigation</a>`));
  assert.match(body, new RegExp(`role=apparatus#outline-h" class="role-link role-apparatus">${n('apparatus')} Apparatus</a>`));
});

test(`[${ENGINE}] ?role= filters the outline; ?q= finds text in any block, context included; a bad role shows everything`, async () => {
  const mit = items(outlineOf((await get(`/d/${docId}?role=mitigation`)).body));
  assert.equal(mit.length, MEASURES.length);
  assert.ok(mit.every((li) => li.includes('role-badge role-mitigation')));
  const app = items(outlineOf((await get(`/d/${docId}?role=apparatus`)).body));
  assert.ok(app.length >= 3 && app.every((li) => li.includes('role-badge role-apparatus')));

  const found = await get(`/d/${docId}?q=${encodeURIComponent('UNTRUSTED')}`);
  const hits = items(outlineOf(found.body));
  assert.equal(hits.length, 2, 'a context paragraph and a measure mention "untrusted"');
  assert.ok(hits.some((li) => li.includes('role-context')) && hits.some((li) => li.includes('role-mitigation')));
  assert.match(found.body, /<mark>untrusted<\/mark>/);
  assert.match(found.body, /2 blocks match/);
  const both = items(outlineOf((await get(`/d/${docId}?q=untrusted&role=context`)).body));
  assert.equal(both.length, 1);
  assert.match((await get(`/d/${docId}?q=zzzzzz`)).body, /No block matches\./);
  assert.equal(items(outlineOf((await get(`/d/${docId}?role=bogus`)).body)).length, 12);
});

test(`[${ENGINE}] a selected block shows its reason in place; the page is in Chinese with ?lang=zh`, async () => {
  const blocks = await listDocumentBlocks(t.store.db, docId);
  const ref = blocks.find((b) => b.role === 'apparatus' && b.kind === 'item')!;
  const { body } = await get(`/d/${docId}?b=${ref.anchor}`);
  const li = items(outlineOf(body)).find((x) => x.includes('ob-selected'))!;
  assert.ok(li, 'the selected block is marked');
  assert.ok(li.includes(`id="b-${ref.ord}"`));
  assert.match(li, /class="ob-why small sans"><b>Why:<\/b> [^<]+ · Decided by the embedded classifier · confidence 0\.\d\d/);
  assert.ok(li.includes(ref.reason.replace(/'/g, '&#39;')));

  const zh = await get(`/d/${docId}?lang=zh&role=mitigation`);
  assert.match(zh.body, /文件结构/);
  assert.match(zh.body, /role-badge role-mitigation[^>]*>缓解措施<\/a>/);
  assert.match(zh.body, /在本文件中查找文字/);
});

test(`[${ENGINE}] documents without an outline (imported datasets) have no outline section`, async () => {
  const { res, body } = await get(`/d/${t.fx.doc1}`);
  assert.equal(res.status, 200);
  assert.ok(!body.includes('<ol class="outline">'));
  assert.ok(!body.includes('role-counts'));
});

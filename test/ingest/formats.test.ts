// PDF, HTML, DOCX and plain-text documents generated here with known structure, ingested end to end.
// The reader's structure (headings, items, nesting, pages, spans) is checked on the stored outline,
// where every block is kept; which blocks become statements is the role classifier's business
// (test/ingest/roles*.test.ts), so here only what must hold for any classifier is checked.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestOne, prepare } from '../../src/ingest/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { HTML_PAGE, makeDocx, makePdf, tempDir, type PdfSpec } from './fixtures.ts';
import { sharedStore, storedDocument } from './helpers.ts';
import { storedOutline, type OutlineRow } from './roles-fixture.ts';

/** Statements are made of outline blocks of a statement role; page furniture never is one. */
function statementsFromBlocks(statements: { id: string; text: string; kind: string }[], outline: OutlineRow[]): void {
  for (const s of statements) {
    const blocks = outline.filter((b) => b.statement_id === s.id);
    assert.ok(blocks.length >= 1, `statement ${s.id} has outline blocks`);
    assert.ok(blocks.every((b) => b.role === s.kind), `the blocks of ${s.id} have its kind as role`);
    assert.ok(blocks.some((b) => b.text.includes(s.text) || s.text.includes(b.text)), `the text of ${s.id} comes from its blocks`);
  }
}

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

const LONG =
  'This standard sets out how providers of general-purpose AI models keep records of the operation of their systems, ' +
  'so that incidents can be traced and investigated after the fact by auditors and by the competent authorities.';

const pdfSpec = (footerTime: string): PdfSpec => ({
  title: 'Logging Standard for AI Providers',
  footer: (n) => `Generated ${footerTime} · page ${n}`,
  elements: [
    { h: '1 Introduction', size: 18 },
    { p: LONG },
    { h: '2 Obligations', size: 18 },
    { h: '2.1 Logging', size: 14 },
    { p: 'Providers shall:' },
    { item: 'Keep logs of every training run, including the data sources used and the compute consumed.', marker: '1.' },
    { item: 'Retain the logs for at least ten years.', marker: '2.' },
    { item: 'Logs are stored in tamper-evident storage.', marker: '(a)', indent: 24 },
    { item: 'Access to the logs is itself logged.', marker: '(b)', indent: 24 },
    { item: 'Make the logs available to the authority on request.', marker: '3.' },
    { pageBreak: true },
    { h: '2.2 Reporting', size: 14 },
    { p: 'Serious incidents are reported to the authority within fifteen days of the provider becoming aware of them.' },
    { pageBreak: true },
    { h: '3 Review', size: 18 },
    { p: 'This standard is reviewed every two years.' },
  ],
});

test(`[${ENGINE}] PDF: headings by font size, numbered items with nesting, pages, spans, footers dropped, idempotent`, async () => {
  const { db } = await store.get();
  const file = tmp.file('logging.pdf', await makePdf(pdfSpec('2026-11-22 10:15')));
  const r = await ingestOne(db, file, { organisation: 'Standards Body', type: 'standard' });
  assert.equal(r.format, 'pdf');
  assert.equal(r.pages, 3);
  assert.equal(r.title, 'Logging Standard for AI Providers', 'title from the PDF metadata');
  const { statements: s } = await storedDocument(db, r.documentId);
  const outline = await storedOutline(db, r.documentId);
  assert.deepEqual(
    outline.filter((b) => b.kind !== 'heading').map((x) => [x.heading_path.join(' > '), x.page, x.marker, x.kind === 'item' ? x.level : null]),
    [
      ['1 Introduction', 1, null, null],
      ['2 Obligations > 2.1 Logging', 1, null, null],
      ['2 Obligations > 2.1 Logging', 1, '1.', 0],
      ['2 Obligations > 2.1 Logging', 1, '2.', 0],
      ['2 Obligations > 2.1 Logging', 1, '(a)', 1],
      ['2 Obligations > 2.1 Logging', 1, '(b)', 1],
      ['2 Obligations > 2.1 Logging', 1, '3.', 0],
      ['2 Obligations > 2.2 Reporting', 2, null, null],
      ['3 Review', 3, null, null],
    ],
  );
  // The wrapped paragraph is one block with its lines joined; items keep their text without markers.
  assert.equal(outline.find((b) => b.kind === 'paragraph')!.text, LONG);
  assert.ok(outline.some((b) => b.text === 'Retain the logs for at least ten years.'));
  assert.ok(outline.every((x) => !/Generated|page \d/.test(x.text)), 'the running footer is not in the outline');
  // The measures of the list are statements, with their list markers as references.
  const keep = s.find((x) => x.text.startsWith('Keep logs of every training run'));
  assert.equal(keep?.kind, 'mitigation');
  assert.equal(keep?.locator_ref, '1.');
  assert.equal(keep?.page, 1);
  assert.ok(!s.some((x) => x.text === LONG), 'the introduction is not a statement');
  statementsFromBlocks(s, outline);

  // The same document rendered again later (new timestamp in the footer) updates, not duplicates.
  const copy = tmp.file('logging-later.pdf', await makePdf(pdfSpec('2026-12-01 08:00')));
  const r2 = await ingestOne(db, copy, { organisation: 'Standards Body', type: 'standard' });
  assert.equal(r2.documentId, r.documentId);
  assert.deepEqual([r2.created, r2.updated, r2.retired, r2.unchanged], [0, 0, 0, s.length]);
});

test(`[${ENGINE}] PDF: a paragraph that runs over a page break keeps both pages`, async () => {
  const words = Array.from({ length: 40 }, (_, i) => `clause${i}`).join(' ');
  const filler = Array.from({ length: 26 }, (_, i) => ({ p: `Filler paragraph number ${i + 1} about governance.` }));
  const bytes = await makePdf({ elements: [{ h: 'Scope', size: 16 }, ...filler, { p: `The obligations in this part apply to ${words} and end here.` }] });
  const p = await prepare(tmp.file('break.pdf', bytes));
  const last = p.extracted.blocks[p.extracted.blocks.length - 1]!;
  assert.ok(last.text.startsWith('The obligations in this part apply to clause0'));
  assert.ok(last.text.endsWith('and end here.'));
  assert.equal(last.page, 1);
  assert.equal(last.pageEnd, 2);
  assert.equal(p.extracted.text.slice(last.start, last.end), last.text);
});

test(`[${ENGINE}] HTML: main content only, headings h1–h3, nested lists; script, nav, header, footer never become statements`, async () => {
  const { db } = await store.get();
  for (const [name, html] of [
    ['commitments.html', HTML_PAGE],
    // Without <main>, Readability picks the content.
    ['commitments-nomain.html', HTML_PAGE.replace(/<\/?main>/g, '').replace('These commitments', 'Our commitments')],
  ] as const) {
    const r = await ingestOne(db, tmp.file(name, html), { organisation: 'Example Lab', type: 'framework' });
    assert.equal(r.title, 'Frontier Safety Commitments', 'site name dropped from <title>');
    assert.equal(r.date, '2024-05-21', 'date from citation_publication_date');
    const { text, statements: s } = await storedDocument(db, r.documentId);
    for (const bad of ['SCRIPT TEXT', 'INLINE SCRIPT', 'STYLE TEXT', 'navigation link', 'HEADER BANNER', 'Footer text', 'sidebar', 'Share on social'])
      assert.ok(!text.includes(bad), `${name}: "${bad}" is not in the extracted text`);
    const outline = await storedOutline(db, r.documentId);
    assert.equal(outline.filter((b) => b.kind !== 'heading').length, 8);
    const byText = (start: string) => outline.find((x) => x.text.startsWith(start))!;
    const assess = byText('Assess the model against each capability threshold.');
    assert.equal(assess.text, 'Assess the model against each capability threshold.', 'nested list text is not part of the item');
    assert.deepEqual([assess.marker, assess.level], ['1.', 0]);
    assert.equal(byText('Thresholds cover').level, 1);
    assert.equal(byText('Results are reviewed').level, 1);
    assert.deepEqual([byText('Publish a summary').marker, byText('Publish a summary').level], ['2.', 0]);
    const paths = outline.map((x) => x.heading_path.slice(-2).join(' > '));
    assert.ok(paths.includes('Risk assessment > Thresholds'));
    assert.equal(byText('The lab reports serious incidents').heading_path.at(-1), 'Transparency');
    // The imperative measures are statements, numbered as in the list.
    const stmt = s.find((x) => x.text === 'Publish a summary of the assessment.');
    assert.equal(stmt?.kind, 'mitigation');
    assert.equal(stmt?.locator_ref, '2.');
    statementsFromBlocks(s, outline);
  }
});

test(`[${ENGINE}] DOCX: headings, numbered list with nested items, paragraphs`, async () => {
  const { db } = await store.get();
  const r = await ingestOne(db, tmp.file('policy.docx', await makeDocx()), { kind: 'mitigation' });
  assert.equal(r.format, 'docx');
  assert.equal(r.title, 'Model Release Policy');
  assert.equal(r.date, '2025-03-03', 'the date stated near the top wins over the file creation date');
  const { statements: s } = await storedDocument(db, r.documentId);
  const outline = await storedOutline(db, r.documentId);
  assert.deepEqual(
    outline.filter((b) => b.kind !== 'heading').map((x) => [x.heading_path.join(' > '), x.kind, x.kind === 'item' ? x.level : null]),
    [
      ['Model Release Policy', 'paragraph', null],
      ['Model Release Policy > Evaluations', 'paragraph', null],
      ['Model Release Policy > Evaluations', 'item', 0],
      ['Model Release Policy > Evaluations', 'item', 0],
      ['Model Release Policy > Evaluations', 'item', 1],
      ['Model Release Policy > Evaluations', 'item', 1],
      ['Model Release Policy > Monitoring', 'paragraph', null],
    ],
  );
  assert.ok(outline.some((b) => b.text === 'Commission an external red team for at least four weeks.'));
  assert.ok(!s.some((x) => x.text.startsWith('Adopted on 3 March')), 'the adoption line is not a statement');
  statementsFromBlocks(s, outline);
  const again = await ingestOne(db, tmp.file('policy-copy.docx', await makeDocx()), { kind: 'mitigation' });
  assert.equal(again.documentId, r.documentId);
  assert.equal(again.created, 0);
});

test(`[${ENGINE}] plain text: articles, numbered and lettered items, Chinese text detected as zh`, async () => {
  const { db } = await store.get();
  const en = [
    'REGULATION ON AI SYSTEMS',
    '',
    'Adopted 12 June 2024',
    '',
    'Chapter I General provisions',
    '',
    'Article 1',
    '',
    'This Regulation lays down rules for AI systems placed',
    'on the market in the Union.',
    '',
    'Article 2',
    '',
    'Providers shall:',
    '(a) assess risks before placing a system on the market;',
    '(b) keep documentation, including:',
    '(i) a description of the system;',
    '(ii) the results of testing;',
    '(c) report incidents.',
  ].join('\n');
  const r = await ingestOne(db, tmp.file('regulation.txt', en), { type: 'regulation' });
  assert.equal(r.date, '2024-06-12');
  assert.equal(r.language, 'en');
  const { statements: s } = await storedDocument(db, r.documentId);
  const outline = await storedOutline(db, r.documentId);
  assert.deepEqual(
    outline.filter((b) => b.kind !== 'heading').map((x) => [x.heading_path.join(' > '), x.marker, x.text]),
    [
      ['REGULATION ON AI SYSTEMS', null, 'Adopted 12 June 2024'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 1', null, 'This Regulation lays down rules for AI systems placed on the market in the Union.'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', null, 'Providers shall:'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', '(a)', 'assess risks before placing a system on the market;'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', '(b)', 'keep documentation, including:'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', '(i)', 'a description of the system;'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', '(ii)', 'the results of testing;'],
      ['REGULATION ON AI SYSTEMS > Chapter I General provisions > Article 2', '(c)', 'report incidents.'],
    ],
  );
  const items = outline.filter((b) => b.kind === 'item');
  assert.deepEqual(items.map((b) => b.level), [0, 0, 1, 1, 0], 'lettered items at depth 0, roman numerals under (b)');
  assert.ok(!s.some((x) => x.text === 'Adopted 12 June 2024'), 'the adoption date is not a statement');
  statementsFromBlocks(s, outline);

  const zh = ['生成式人工智能服务管理办法', '', '第一条 为了促进生成式人工智能健康发展和规范应用，制定本办法。', '', '第二条 提供者应当：', '（一）使用具有合法来源的数据和基础模型；', '（二）采取有效措施提高训练数据质量。'].join('\n');
  const z = await ingestOne(db, tmp.file('办法.txt', zh), { jurisdiction: 'CN' });
  assert.equal(z.language, 'zh');
  const { statements: zs } = await storedDocument(db, z.documentId);
  const zo = await storedOutline(db, z.documentId);
  assert.deepEqual(zo.filter((b) => b.kind === 'item').map((x) => x.marker), ['第一条', '第二条', '（一）', '（二）']);
  assert.ok(zo.filter((b) => b.kind !== 'heading').every((b) => b.heading_path[0] === '生成式人工智能服务管理办法'));
  // Statements taken from Article 2 are in Chinese, with their points as references.
  assert.ok(zs.length > 0 && zs.every((x) => x.language === 'zh'));
  for (const x of zs.filter((y) => y.meta.block === 'item' && y.text.endsWith('质量。'))) assert.equal(x.locator_ref, '（二）');
  statementsFromBlocks(zs, zo);
});

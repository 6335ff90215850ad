// PDF layout: contents pages, tables (wrapped cells, repeated headers, rows cut by a page break),
// two-column pages, page furniture and printed page numbers, ligatures. The PDFs are drawn here
// with pdf-lib, text placed at known positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPdf } from '../../src/ingest/readers/pdf.ts';
import { buildText } from '../../src/ingest/build.ts';
import { cellOffsets, type Block, type Extracted } from '../../src/ingest/types.ts';
import { requireShared } from '../helpers/shared.ts';

interface Txt {
  x: number;
  y: number;
  text: string;
  size?: number;
  bold?: boolean;
}

/** A PDF of A4 pages, each a list of text runs drawn where they say (Helvetica, 11 pt by default). */
async function drawPdf(pages: Txt[][]): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const runs of pages) {
    const page = doc.addPage([595, 842]);
    for (const r of runs) page.drawText(r.text, { x: r.x, y: r.y, size: r.size ?? 11, font: r.bold ? bold : font });
  }
  return doc.save();
}

/** Wrap words into lines no wider than `width` points at 11 pt Helvetica (roughly 5.5 pt a character). */
function wrap(text: string, width: number): string[] {
  const max = Math.floor(width / 5.6);
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && (cur + ' ' + w).length > max) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? cur + ' ' + w : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Lines of a paragraph from (x, y) down, 14 pt apart; returns the runs and the y after it. */
function para(text: string, x: number, y: number, width: number): { runs: Txt[]; y: number } {
  const runs = wrap(text, width).map((t, i) => ({ x, y: y - i * 14, text: t }));
  return { runs, y: y - runs.length * 14 };
}

const spansHold = (ex: Extracted) => ex.blocks.every((b) => ex.text.slice(b.start, b.end) === b.text);
const rows = (ex: Extracted) => ex.blocks.filter((b): b is Extract<Block, { kind: 'table-row' }> => b.kind === 'table-row');

const PROSE =
  'Providers keep an action plan for the risks of their models and review it every year with the board, so that every action has an owner and a date.';

test('PDF tables: wrapped cells stay in their row, a repeated header is not a row, a row cut by a page break is joined', async () => {
  const actions = [
    ['A1', 'Keep a register of every model released to customers, with its version, its training data sources and its intended uses.', 'Misuse; lack of accountability'],
    ['A2', 'Run adversarial testing before each major release and record the findings.', 'Security flaws'],
    ['A3', 'Give affected people a way to contest automated decisions made with the model and answer every request', 'Unfair outcomes; opacity'],
  ];
  const header = (y: number): Txt[] => [
    { x: 72, y, text: 'ID', bold: true },
    { x: 120, y, text: 'Action', bold: true },
    { x: 400, y, text: 'Risks', bold: true },
  ];
  const p1: Txt[] = [{ x: 72, y: 780, text: 'Action plan', size: 18, bold: true }];
  let y = 750;
  const intro = para(PROSE, 72, y, 450);
  p1.push(...intro.runs);
  y = intro.y - 16;
  p1.push(...header(y));
  y -= 22;
  for (const [id, action, risks] of actions) {
    const a = wrap(action!, 260);
    const r = wrap(risks!, 110);
    p1.push({ x: 72, y, text: id! });
    a.forEach((t, i) => p1.push({ x: 120, y: y - i * 14, text: t }));
    r.forEach((t, i) => p1.push({ x: 400, y: y - i * 14, text: t }));
    y -= Math.max(a.length, r.length) * 14 + 8;
  }
  // Page 2: the header again, the rest of A3 (no id), then A4, then prose again.
  const p2: Txt[] = [...header(780)];
  p2.push({ x: 120, y: 758, text: 'within thirty days.' });
  p2.push({ x: 72, y: 736, text: 'A4' });
  wrap('Publish a summary of the incidents reported in the year and what was changed because of them.', 260).forEach((t, i) =>
    p2.push({ x: 120, y: 736 - i * 14, text: t }),
  );
  p2.push({ x: 400, y: 736, text: 'Opacity' });
  p2.push(...para(PROSE, 72, 660, 450).runs);

  const ex = await readPdf(await drawPdf([p1, p2]), 'actions.pdf');
  assert.ok(spansHold(ex));
  const rs = rows(ex);
  assert.deepEqual(
    rs.map((r) => r.cells[0]),
    ['A1', 'A2', 'A3', 'A4'],
    'one row per action, the repeated header is not a row',
  );
  assert.deepEqual(rs[0]!.cells, ['A1', actions[0]![1], 'Misuse; lack of accountability']);
  assert.deepEqual(rs[1]!.cells, ['A2', actions[1]![1], 'Security flaws']);
  assert.equal(rs[2]!.cells[1], actions[2]![1] + ' within thirty days.', 'the row cut by the page break is joined');
  assert.equal(rs[2]!.page, 1);
  assert.equal(rs[2]!.pageEnd, 2);
  assert.equal(rs[3]!.page, 2);
  assert.equal(rs[3]!.pageEnd, undefined);
  for (const r of rs) {
    assert.deepEqual(r.header, ['ID', 'Action', 'Risks']);
    assert.equal(new Set(rs.map((x) => x.table)).size, 1, 'both pages hold one table');
    // Every cell has its exact span inside the block text.
    cellOffsets(r.cells).forEach(([s, e], k) => assert.equal(r.text.slice(s, e), r.cells[k]));
  }
  // The prose around the table stays prose; the heading is a heading; no cell became a heading.
  const paras = ex.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text);
  assert.deepEqual(paras, [PROSE, PROSE]);
  assert.deepEqual(
    ex.blocks.filter((b) => b.kind === 'heading').map((b) => b.text),
    ['Action plan'],
  );
});

test('PDF tables: single-column prose and a list with hanging numbers are not tables', async () => {
  const runs: Txt[] = [];
  let y = 780;
  for (let i = 0; i < 3; i++) {
    const p = para(`${PROSE} Paragraph ${i + 1} ends here.`, 72, y, 450);
    runs.push(...p.runs);
    y = p.y - 10;
  }
  for (let i = 1; i <= 3; i++) {
    const lines = wrap(`Step ${i} of the procedure is written out here at some length so that it wraps onto a second line of the page.`, 400);
    runs.push({ x: 72, y, text: `${i}.` });
    lines.forEach((t, k) => runs.push({ x: 100, y: y - k * 14, text: t }));
    y -= lines.length * 14 + 8;
  }
  const ex = await readPdf(await drawPdf([runs]), 'prose.pdf');
  assert.equal(rows(ex).length, 0);
  assert.deepEqual(
    ex.blocks.map((b) => b.kind),
    ['paragraph', 'paragraph', 'paragraph', 'item', 'item', 'item'],
  );
  assert.deepEqual(
    ex.blocks.filter((b) => b.kind === 'item').map((b) => (b as { marker?: string }).marker),
    ['1.', '2.', '3.'],
  );
});

test('PDF contents page: dot-leader lines are toc blocks, never headings; the real headings come later', async () => {
  const dots = (label: string, page: number) => `${label} ${'.'.repeat(Math.max(8, 70 - label.length))} ${page}`;
  const toc: Txt[] = [
    { x: 72, y: 780, text: 'Contents', size: 16, bold: true },
    { x: 72, y: 750, text: dots('1 Scope', 2), bold: true },
    { x: 72, y: 734, text: dots('2 Obligations', 3), bold: true },
    { x: 90, y: 718, text: dots('2.1 Logging', 3) },
    { x: 90, y: 702, text: dots('2.2 Reporting', 3) },
  ];
  const body = (h: string, size: number, text: string): Txt[] => [{ x: 72, y: 780, text: h, size, bold: true }, ...para(text, 72, 750, 450).runs];
  const p3: Txt[] = [
    ...body('2 Obligations', 18, 'Providers have the following obligations.'),
    { x: 72, y: 700, text: '2.1 Logging', size: 14, bold: true },
    ...para('Providers keep logs of every training run.', 72, 680, 450).runs,
  ];
  const ex = await readPdf(await drawPdf([toc, body('1 Scope', 18, 'This standard applies to providers.'), p3]), 'contents.pdf');
  assert.ok(spansHold(ex));
  const first = ex.blocks.filter((b) => b.page === 1);
  assert.equal(first.length, 5);
  assert.ok(first.every((b) => b.hint === 'toc' && b.kind === 'paragraph'), 'every contents line is a toc block');
  assert.deepEqual(
    first.map((b) => b.text),
    ['Contents', '1 Scope 2', '2 Obligations 3', '2.1 Logging 3', '2.2 Reporting 3'],
  );
  assert.deepEqual(
    ex.blocks.filter((b) => b.kind === 'heading').map((b) => [b.text, b.page]),
    [
      ['1 Scope', 2],
      ['2 Obligations', 3],
      ['2.1 Logging', 3],
    ],
  );
  assert.ok(!ex.blocks.some((b) => b.kind === 'item'));
});

test('PDF two columns: the left column is read top to bottom before the right; gutter line numbers are dropped', async () => {
  const left = [
    'Left one: the provider keeps a record of each model it places on the market and of the data used to train it.',
    'Left two: the record is kept for ten years after the model is withdrawn and is shown to the authority on request.',
    'Left three: the provider names a person responsible for the record and tells the authority who that person is.',
  ];
  const right = [
    'Right one: the deployer informs people that they are dealing with an automated system before any decision is made.',
    'Right two: the deployer gives every person concerned a way to ask for a human review of the decision made.',
    'Right three: the deployer keeps the requests for review and the answers given for five years after the decision.',
  ];
  const runs: Txt[] = [{ x: 72, y: 790, text: 'Obligations of providers and deployers', size: 16, bold: true }];
  const column = (texts: string[], x: number) => {
    let y = 750;
    for (const t of texts) {
      const p = para(t, x, y, 210);
      runs.push(...p.runs);
      y = p.y - 12;
    }
  };
  column(left, 60);
  column(right, 320);
  for (let n = 1; n <= 3; n++) runs.push({ x: 292, y: 750 - n * 28, text: String(n * 5), size: 8 });
  const ex = await readPdf(await drawPdf([runs]), 'columns.pdf');
  assert.ok(spansHold(ex));
  const paras = ex.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text);
  assert.deepEqual(paras, [...left, ...right]);
  assert.ok(ex.blocks.every((b) => !(/Left/.test(b.text) && /Right/.test(b.text))), 'no block mixes the columns');
  assert.ok(!/\b(?:5|10|15)\b/.test(ex.text), 'gutter line numbers dropped');
});

test('PDF parallel bilingual columns: the English column, then the French, each tagged with its language', async () => {
  const en = [
    'The organization is accountable for the personal information that is under its control and must designate an individual.',
    'The designation of an individual does not relieve the organization of the obligations that it has under this Act.',
    'An organization must implement and maintain a privacy management program for the information it holds.',
  ];
  const fr = [
    'Toute organisation est responsable des renseignements personnels qui relèvent d’elle et désigne un individu pour cela.',
    'La désignation d’un individu n’exempte pas l’organisation des obligations qui lui incombent sous le régime de la loi.',
    'Toute organisation met en œuvre et tient à jour un programme de gestion de la protection des renseignements.',
  ];
  const runs: Txt[] = [];
  const column = (texts: string[], x: number) => {
    let y = 760;
    for (const t of texts) {
      const p = para(t, x, y, 210);
      runs.push(...p.runs);
      y = p.y - 12;
    }
  };
  column(en, 60);
  column(fr, 320);
  const ex = await readPdf(await drawPdf([runs]), 'bilingual.pdf');
  assert.deepEqual(
    ex.blocks.map((b) => [b.lang, b.text]),
    [...en.map((t) => ['en', t]), ...fr.map((t) => ['fr', t])],
  );
});

test('PDF tables: a tight table without spacing between rows still has one row per id; its plain header is found', async () => {
  const runs: Txt[] = [
    { x: 72, y: 780, text: 'ID' },
    { x: 130, y: 780, text: 'Risk' },
    { x: 420, y: 780, text: 'Level' },
  ];
  let y = 760;
  const data = [
    ['R1', 'Model weights are stolen by an outside attacker through the supply chain of the provider.', 'High'],
    ['R2', 'Outputs reveal personal data that was in the training set.', 'Medium'],
    ['R3', 'Users rely on the answers without checking them, even where the stakes are high for other people.', 'Low'],
  ];
  for (const [id, text, level] of data) {
    const lines = wrap(text!, 250);
    runs.push({ x: 72, y, text: id! }, { x: 420, y, text: level! });
    lines.forEach((t, i) => runs.push({ x: 130, y: y - i * 14, text: t }));
    y -= lines.length * 14;
  }
  const ex = await readPdf(await drawPdf([runs]), 'tight.pdf');
  assert.deepEqual(
    rows(ex).map((r) => r.cells),
    data,
  );
  assert.ok(rows(ex).every((r) => r.header?.join('|') === 'ID|Risk|Level'), 'a plain header over id rows is the header');
});

test('PDF page furniture: "Page N" footers and "Continued on next page" dropped, printed page kept; captions hinted', async () => {
  const pages: Txt[][] = [];
  for (let p = 1; p <= 9; p++) {
    const words = ['scope', 'terms', 'roles', 'logging', 'testing', 'reporting', 'review', 'audit', 'records'];
    const runs: Txt[] = [...para(`Section ${p} covers ${words[p - 1]}${' and more'.repeat(p)}.`, 72, 700, 450).runs];
    if (p === 9) runs.push({ x: 72, y: 640, text: 'Figure 3: Review cycle of the plan' });
    if (p === 4) runs.push({ x: 400, y: 120, text: 'Continued on next page' });
    runs.push({ x: 280, y: 40, text: p <= 2 ? ['i', 'ii'][p - 1]! : `Page ${p - 2}`, size: 9 });
    pages.push(runs);
  }
  const ex = await readPdf(await drawPdf(pages), 'furniture.pdf');
  assert.ok(!/Page \d|Continued/.test(ex.text), ex.text);
  const last = ex.blocks.find((b) => b.page === 9 && b.text.startsWith('Section 9'))!;
  assert.equal(last.page, 9, 'page is the physical page');
  assert.equal(last.printedPage, '7', 'printed page as printed');
  assert.equal(ex.blocks.find((b) => b.page === 1)!.printedPage, 'i');
  const cap = ex.blocks.find((b) => b.text.startsWith('Figure 3'))!;
  assert.equal(cap.hint, 'caption');
  assert.equal(cap.kind, 'paragraph');
});

test('ligatures are written out in every reader\'s text, table cells included', async () => {
  const { text, blocks } = buildText([
    { kind: 'paragraph', text: 'The ﬁrst ﬂow is ﬁne; eﬀort and eﬃcient ﬂuﬀ.' },
    { kind: 'table-row', cells: ['A1', 'Deﬁne the ﬂow'], text: 'A1 | Deﬁne the ﬂow', table: 1 },
  ]);
  assert.equal(blocks[0]!.text, 'The first flow is fine; effort and efficient fluff.');
  assert.equal(text.slice(blocks[1]!.start, blocks[1]!.end), 'A1 | Define the flow');
  assert.deepEqual((blocks[1] as { cells: string[] }).cells, ['A1', 'Define the flow']);
  assert.ok(!/[\ufb00-\ufb06]/.test(text));
});

test('PDF private-use-area bullet glyphs (symbol fonts) become list markers; ligature glyphs come out as letters', async () => {
  // A Helvetica font whose encoding maps three codes to the glyphs uniF0B7 (a private-use bullet,
  // as Word's Symbol font gives), fi and fl.
  const { PDFDocument, PDFName, PDFHexString, beginText, endText, setFontAndSize, moveText, showText } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const encoding = doc.context.obj({
    Type: 'Encoding',
    BaseEncoding: 'WinAnsiEncoding',
    Differences: [150, PDFName.of('uniF0B7'), PDFName.of('fi'), PDFName.of('fl')],
  });
  const font = doc.context.register(doc.context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: 'Helvetica', Encoding: encoding }));
  page.node.setFontDictionary(PDFName.of('FX'), font);
  const codes: Record<string, number> = { '\uf0b7': 0x96, 'ﬁ': 0x97, 'ﬂ': 0x98 };
  const hex = (t: string) => PDFHexString.of([...t].map((c) => (codes[c] ?? c.charCodeAt(0)).toString(16).padStart(2, '0')).join(''));
  const line = (x: number, y: number, t: string) => page.pushOperators(beginText(), setFontAndSize('FX', 11), moveText(x, y), showText(hex(t)), endText());
  line(72, 700, 'The ﬁrst ﬂow of the plan is this.');
  line(72, 680, '\uf0b7');
  line(90, 680, 'Keep a register of models.');
  line(72, 664, '\uf0b7');
  line(90, 664, 'Test them before release.');
  const ex = await readPdf(await doc.save(), 'symbols.pdf');
  assert.deepEqual(
    ex.blocks.map((b) => [b.kind, (b as { marker?: string }).marker, b.text]),
    [
      ['paragraph', undefined, 'The first flow of the plan is this.'],
      ['item', '•', 'Keep a register of models.'],
      ['item', '•', 'Test them before release.'],
    ],
  );
  assert.ok(!/[\ue000-\uf8ff]/.test(ex.text));
});

test('real corpus: NIST AI RMF contents and GOVERN tables', async (t) => {
  const file = requireShared(t, 'corpus/nist-ai-100-1_ai-rmf-1.0_2023_en.pdf');
  if (!file) return;
  const { readFileSync } = await import('node:fs');
  const ex = await readPdf(new Uint8Array(readFileSync(file)), file);
  assert.ok(spansHold(ex));
  assert.ok(!ex.blocks.some((b) => b.kind === 'heading' && (/\.{4,}|…/.test(b.text) || b.hint === 'toc')), 'no heading from the contents');
  assert.ok(!ex.blocks.some((b) => b.page === 4 && b.kind === 'heading'), 'the contents page has no heading');
  assert.ok(ex.blocks.filter((b) => b.hint === 'toc').length >= 30);
  const rs = rows(ex);
  const g11 = rs.find((r) => r.cells.some((c) => /^GOVERN 1\.1:/.test(c)));
  assert.ok(g11, 'a table row holds GOVERN 1.1');
  assert.ok(g11!.cells.some((c) => /^GOVERN 1:/.test(c)), 'its category sits in the same row');
  assert.ok(rs.filter((r) => r.cells.some((c) => /^(GOVERN|MAP|MEASURE|MANAGE) \d+\.\d+:/.test(c))).length >= 60);
  assert.ok(!rs.some((r) => r.cells.join(' ') === 'Categories Subcategories'), 'the repeated header is not a row');
  assert.ok(!/Continued on next page/.test(ex.text));
  const p25 = ex.blocks.find((b) => b.page === 25);
  assert.equal(p25?.printedPage, '20', 'physical page 25 is printed "Page 20"');
});

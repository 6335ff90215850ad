// CSV formula injection (issue #15): a cell that starts with =, +, -, @, a tab or a carriage return
// is written with a leading single quote in every CSV govnav writes (statement exports, the topic
// coverage matrix, release tables); JSON keeps the raw text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { csvSafe, writeExport, type ExportMeta } from '../../src/export/writers.ts';
import type { Column, StatementRecord } from '../../src/export/rows.ts';
import { matrixCsv, type CoverageMatrix } from '../../src/topics/matrix.ts';
import { csvValue } from '../../src/release/dump.ts';

const HOSTILE = ['=HYPERLINK("http://evil.example","x")', '+1+cmd|/C calc!A0', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1'];

test('csvSafe quotes formula-like text and leaves the rest alone', () => {
  for (const h of HOSTILE) assert.equal(csvSafe(h), `'${h}`, JSON.stringify(h));
  for (const ok of ['Establish policies', '', 'a=b', ' =x', '中文 = 文字']) assert.equal(csvSafe(ok), ok);
  assert.equal(csvSafe(-3), -3, 'numbers are numbers');
  assert.equal(csvSafe(null), null);
});

function sink(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

const meta: ExportMeta = { generator: 'test', generatedAt: '2026-01-01T00:00:00Z', query: '', total: null, about: 'x', attribution: [] };
const columns: Column[] = [
  { key: 'id', get: (r) => r.id },
  { key: 'text', get: (r) => (r as unknown as { text: string }).text },
  { key: 'n', get: () => -1 },
];
async function* batches(): AsyncIterable<StatementRecord[]> {
  yield HOSTILE.map((text, i) => ({ id: `M${i}`, text }) as unknown as StatementRecord);
}

test('statement export: CSV cells neutralised, JSON raw', async () => {
  const csv = sink();
  await writeExport('csv', batches(), { columns, meta, out: csv.out });
  const rows = parse(csv.text(), { columns: true }) as { id: string; text: string; n: string }[];
  assert.deepEqual(
    rows.map((r) => r.text),
    HOSTILE.map((h) => `'${h}`),
  );
  assert.ok(rows.every((r) => r.n === '-1'), 'numeric cells are written as numbers');
  const json = sink();
  await writeExport('json', batches(), { columns, meta, out: json.out });
  const body = JSON.parse(json.text()) as { items: { text: string }[] };
  assert.deepEqual(
    body.items.map((i) => i.text),
    HOSTILE,
  );
});

test('topic coverage matrix CSV neutralises titles and organisations', () => {
  const m: CoverageMatrix = {
    topics: [{ id: 'privacy', name_en: 'Privacy', name_zh: '隐私' } as CoverageMatrix['topics'][number]],
    documents: [
      {
        id: 'D0001',
        work_id: 'W0001',
        sources: 1,
        title: '=HYPERLINK("http://evil.example","open")',
        organisation: '@evil',
        authors: null,
        date: null,
        year: 2024,
        doc_type: 'framework',
        jurisdiction: null,
        language: 'en',
        attribution: '',
        statements: 3,
        cells: { privacy: 2 },
        covered: 1,
        only: ['privacy'],
      },
    ],
    topicTotals: { privacy: { documents: 1, statements: 2 } },
    uncovered: { privacy: [] },
    fullCoverage: ['D0001'],
    sort: 'coverage',
  };
  const rows = parse(matrixCsv(m), { columns: true }) as Record<string, string>[];
  assert.equal(rows[0]!.title, `'=HYPERLINK("http://evil.example","open")`);
  assert.equal(rows[0]!.organisation, "'@evil");
  assert.equal(rows[0]!.privacy, '2');
});

test('release tables: formula-like text quoted in CSV', () => {
  assert.equal(csvValue('=1+1'), "'=1+1");
  assert.equal(csvValue(5), 5);
  assert.equal(csvValue({ a: 1 }), '{"a":1}');
});

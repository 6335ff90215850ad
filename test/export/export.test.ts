import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ExportAborted } from '../../src/export/writers.ts';
import { exportStatements, queryFromParams, QueryParamError, exportFilename, EXPORT_FORMATS, type ExportFormat } from '../../src/export/index.ts';
import { currentLabels, type Db, type Store } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { buildSynthetic, DATASETS, type SyntheticCorpus } from '../api/synthetic.ts';

let store: Store;
let corpus: SyntheticCorpus;

before(async () => {
  store = await openTestStore();
  corpus = await buildSynthetic(store, { statements: 2500, documents: 25 });
});
after(() => store?.close());

/** A sink that keeps every byte, and a Db that counts the keyset queries of the export. */
function sink(): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1024,
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

function countingDb(db: Db): { db: Db; pulls: () => number } {
  let pulls = 0;
  const wrapped: Db = {
    ...db,
    kind: db.kind,
    inTransaction: db.inTransaction,
    query: ((sql: string, params?: unknown[]) => {
      if (/AND s\.id > \$\d+ ORDER BY s\.id LIMIT/.test(sql)) pulls++;
      return db.query(sql, params);
    }) as Db['query'],
  };
  return { db: wrapped, pulls: () => pulls };
}

async function run(format: ExportFormat, params = '', batchSize = 1000) {
  const { out, bytes } = sink();
  const counting = countingDb(store.db);
  const batches: number[] = [];
  const res = await exportStatements(counting.db, store.taxonomies, {
    format,
    query: queryFromParams(new URLSearchParams(params), store.taxonomies),
    out,
    batchSize,
    baseUrl: 'https://govnav.test',
    onBatch: (n) => batches.push(n),
  });
  return { ...res, bytes: bytes(), pulls: counting.pulls(), batches };
}

const sorted = (a: string[]) => [...a].sort();

test(`[${ENGINE}] CSV export pulls 2,500 rows in 3 keyset batches and parses back with taxonomy columns`, async () => {
  const r = await run('csv');
  assert.equal(r.pulls, 3);
  assert.deepEqual(r.batches, [1000, 2000, 2500]);
  assert.equal(r.rows, 2500);
  const rows = parseCsv(r.bytes, { columns: true, bom: true }) as Record<string, string>[];
  assert.equal(rows.length, 2500);
  assert.deepEqual(sorted(rows.map((x) => x.id!)), sorted(corpus.statementIds));
  for (const col of ['risk-domain_code', 'risk-domain_name', 'risk-domain_source', 'mitigation-v2_code', 'lifecycle_name', 'document_title', 'attribution', 'licence'])
    assert.ok(col in rows[0]!, `column ${col}`);
  // Labels in the file are the current labels in the database.
  const sample = rows.filter((_, i) => i % 97 === 0);
  const labels = await currentLabels(store.db, sample.map((x) => x.id!));
  for (const row of sample) {
    const cur = labels.get(row.id!)?.get('risk-domain');
    assert.equal(row['risk-domain_code'], cur?.code ?? '');
    if (cur) assert.equal(row['risk-domain_name'], store.taxonomies.get('risk-domain').node(cur.code).name.en);
    assert.ok(DATASETS.some((d) => d.attribution === row.attribution));
    assert.equal(row.url, `https://govnav.test/m/${row.id}`);
  }
});

test(`[${ENGINE}] JSON, JSONL and XLSX exports carry every row and the attribution of each dataset`, async () => {
  const json = await run('json', '', 700);
  assert.equal(json.pulls, 4); // 700 + 700 + 700 + 400
  const doc = JSON.parse(json.bytes.toString('utf8')) as { attribution: { dataset: string; licence: string }[]; items: { id: string; labels: Record<string, { code: string }> }[]; total: number };
  assert.equal(doc.items.length, 2500);
  assert.equal(doc.total, 2500);
  assert.deepEqual(doc.attribution.map((a) => a.dataset), DATASETS.map((d) => d.id));
  assert.deepEqual(sorted(doc.items.map((i) => i.id)), sorted(corpus.statementIds));

  const jsonl = await run('jsonl', 'kind=mitigation');
  const lines = jsonl.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines[0]._meta, 'first line is metadata');
  assert.equal(lines[0]._meta.query, 'kind=mitigation');
  assert.equal(lines[0]._meta.attribution.length, 2);
  const items = lines.slice(1);
  assert.equal(items.length, lines[0]._meta.total);
  assert.ok(items.length > 0 && items.every((i: { kind: string }) => i.kind === 'mitigation'));

  const xlsx = await run('xlsx', 'dataset=synth-b');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('Statements')!;
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  assert.ok(header.includes('mitigation-v2_code') && header.includes('risk-domain_name'));
  assert.equal(ws.actualRowCount - 1, xlsx.rows);
  assert.equal(xlsx.rows, xlsx.total);
  const datasetCol = header.indexOf('dataset') + 1;
  for (let i = 2; i <= ws.actualRowCount; i++) assert.equal(ws.getRow(i).getCell(datasetCol).value, 'synth-b');
  const att = wb.getWorksheet('Attribution')!;
  assert.equal(att.getRow(2).getCell(1).value, 'synth-b');
  assert.equal(att.getRow(2).getCell(4).value, DATASETS[1]!.attribution);
});

test('bad filter parameters are rejected naming the parameter; file names are sensible', () => {
  assert.throws(
    () => queryFromParams(new URLSearchParams('risk-domain=99.99&kind=x'), store.taxonomies),
    (e: unknown) => e instanceof QueryParamError && /"risk-domain"/.test(e.message) && e.errors.some((x) => x.param === 'kind'),
  );
  const d = new Date('2026-01-02T00:00:00Z');
  assert.equal(exportFilename('csv', 'q=Red%20teaming!&kind=risk', d), 'govnav-statements-red-teaming-2026-01-02.csv');
  for (const f of EXPORT_FORMATS) assert.ok(exportFilename(f, '', d).endsWith('.' + f));
});

test(`[${ENGINE}] an export stops with ExportAborted when its reader goes away`, async () => {
  let chunks = 0;
  const out = new Writable({
    highWaterMark: 16,
    write(_chunk, _enc, cb) {
      chunks++;
      // Never acknowledge the third chunk: the reader stalls, then disconnects.
      if (chunks === 3) setTimeout(() => out.destroy(), 10);
      else cb();
    },
  });
  await assert.rejects(
    exportStatements(store.db, store.taxonomies, { format: 'jsonl', query: queryFromParams(new URLSearchParams(''), store.taxonomies), out, batchSize: 100 }),
    (e: unknown) => e instanceof ExportAborted,
  );
  assert.ok(chunks < 10, 'stopped soon after the reader went away');
});

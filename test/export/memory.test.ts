// Exports stream: memory stays flat however many rows are exported. The test fills a store with
// statements whose texts are long (SQL, generate_series), exports them all as CSV and as JSON Lines
// into a sink that keeps nothing, and reads the heap (after a full collection) as batches go by:
// past the first batches it must not grow with the rows written. 50,000 rows by default;
// GOVNAV_EXPORT_MEMORY_ROWS=100000 for the full check. No timings are asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportStatements, queryFromParams, type ExportFormat } from '../../src/export/index.ts';
import type { Store } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const ROWS = Number(process.env.GOVNAV_EXPORT_MEMORY_ROWS ?? 50_000);
const PER_DOC = 500;
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let store: Store;

before(async () => {
  store = await openTestStore();
  await store.db.transaction(async (tx) => {
    await tx.query(`INSERT INTO datasets (id, version, licence, attribution) VALUES ('mem', '1', 'CC0-1.0', 'Memory test data')`);
    await tx.query(
      `INSERT INTO documents (id, dataset, source_key, title, doc_type, language, dataset_version, licence, attribution, content_hash)
       SELECT 'D' || lpad(i::text, 5, '0'), 'mem', 'doc-' || i, 'Memory document ' || i, 'framework', 'en', '1', 'CC0-1.0', 'Memory test data', md5(i::text)
       FROM generate_series(1, $1::int) i`,
      [Math.ceil(ROWS / PER_DOC)],
    );
    // ~1,000 characters of text per statement: the export is far larger than the allowed growth.
    await tx.query(
      `INSERT INTO statements (id, document_id, source_key, kind, ord, name, text, language, search_text, content_hash)
       SELECT 'M' || lpad(i::text, 7, '0'), 'D' || lpad((1 + (i - 1) / ${PER_DOC})::text, 5, '0'), 's-' || i, 'mitigation', i,
              'Measure ' || i, repeat('Providers keep records of evaluation ' || i || ' and of the decisions taken. ', 14),
              'en', 'measur ' || i, md5(i::text)
       FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
  });
});
after(() => store?.close());

/** Export everything in `format`, returning the bytes written and the heap after each batch (after a full collection). */
async function exportHeap(format: ExportFormat): Promise<{ rows: number; bytes: number; heap: number[] }> {
  let bytes = 0;
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer | string, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  const heap: number[] = [];
  const { rows } = await exportStatements(store.db, store.taxonomies, {
    format,
    query: queryFromParams(new URLSearchParams(), store.taxonomies),
    out,
    onBatch: () => {
      gc();
      heap.push(process.memoryUsage().heapUsed);
    },
  });
  return { rows, bytes, heap };
}

for (const format of ['csv', 'jsonl'] as ExportFormat[]) {
  test(`[${ENGINE}] export ${format}: heap stays flat over ${ROWS.toLocaleString('en-GB')} rows`, async () => {
    const { rows, bytes, heap } = await exportHeap(format);
    assert.equal(rows, ROWS);
    assert.ok(bytes > 40 * MB * (ROWS / 50_000), `the export is large (${(bytes / MB).toFixed(0)} MB)`);
    // From a tenth of the way (caches, pools and prepared queries are warm) to the end.
    const from = heap[Math.floor(heap.length / 10)]!;
    const peak = Math.max(...heap.slice(Math.floor(heap.length / 10)));
    const growth = peak - from;
    process.stderr.write(`  export ${format}: ${rows} rows, ${(bytes / MB).toFixed(0)} MB written, heap ${(from / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB (growth ${(growth / MB).toFixed(1)} MB)\n`);
    assert.ok(growth < 16 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB while ${(bytes / MB).toFixed(0)} MB were exported`);
  });
}

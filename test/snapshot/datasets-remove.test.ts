// `govnav datasets remove`: a dataset goes with everything derived from it, in one transaction;
// other datasets are untouched; a failure rolls everything back. PGlite and (DATABASE_URL) PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importPath } from '../../src/importers/index.ts';
import { ingestOne } from '../../src/ingest/index.ts';
import type { Db } from '../../src/store/index.ts';
import { DatasetNotFound, listStoreDatasets, removalCounts, removeDataset } from '../../src/store/datasets-admin.ts';
import { dumpSnapshot } from '../../src/store/snapshot.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const DEMO = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));

/** Rows of every table that belong to a dataset (through its documents and statements). */
async function rowsOf(db: Db, dataset: string): Promise<Record<string, number>> {
  const docs = `SELECT id FROM documents WHERE dataset = '${dataset}'`;
  const stmts = `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = '${dataset}'`;
  const n = async (sql: string) => (parseRows(z.object({ n: z.coerce.number() }), await db.query(sql), 'test rows'))[0]!.n;
  return {
    datasets: await n(`SELECT count(*)::int AS n FROM datasets WHERE id = '${dataset}'`),
    documents: await n(`SELECT count(*)::int AS n FROM documents WHERE dataset = '${dataset}'`),
    statements: await n(`SELECT count(*)::int AS n FROM statements WHERE document_id IN (${docs})`),
    classifications: await n(`SELECT count(*)::int AS n FROM classifications WHERE statement_id IN (${stmts})`),
    statement_topics: await n(`SELECT count(*)::int AS n FROM statement_topics WHERE document_id IN (${docs})`),
    topic_link_state: await n(`SELECT count(*)::int AS n FROM topic_link_state WHERE statement_id IN (${stmts})`),
    document_texts: await n(`SELECT count(*)::int AS n FROM document_texts WHERE document_id IN (${docs})`),
    document_blocks: await n(`SELECT count(*)::int AS n FROM document_blocks WHERE document_id IN (${docs})`),
    statement_minhash: await n(`SELECT count(*)::int AS n FROM statement_minhash WHERE document_id IN (${docs})`),
  };
}

async function twoDatasets() {
  const store = await openTestStore();
  await importPath(store, DEMO);
  // A second dataset: one document of the sample, under another dataset id.
  const dir = mkdtempSync(join(tmpdir(), 'govnav-rm-'));
  try {
    const demo = JSON.parse(readFileSync(DEMO, 'utf8'));
    demo.dataset.id = 'other-dataset';
    demo.documents = demo.documents.slice(0, 1);
    writeFileSync(join(dir, 'other.json'), JSON.stringify(demo));
    await importPath(store, join(dir, 'other.json'));
    writeFileSync(join(dir, 'note.md'), '# Note\n\nDevelopers must test models for misuse before release.\n\nProviders should report incidents.\n');
    await ingestOne(store.db, join(dir, 'note.md'), { title: 'A note', organisation: 'Office', type: 'guidance', licence: 'CC0-1.0' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A run that labelled only demo statements.
  const [st] = parseRows(z.object({ id: z.string() }), await store.db.query(`SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'govnav-demo' ORDER BY s.id LIMIT 1`), 'test rows');
  await store.db.query(`INSERT INTO classify_runs (id, params, params_hash, provider) VALUES ('run-demo', '{}', 'h', 'embedded')`);
  await store.db.query(`INSERT INTO classify_run_items (run_id, statement_id, taxonomy, ord) VALUES ('run-demo', $1, 'mitigation-v2', 0)`, [st!.id]);
  return store;
}

test(`[${ENGINE}] datasets remove: the dataset and everything derived from it go; other datasets are untouched`, async () => {
  const store = await twoDatasets();
  try {
    const before = await rowsOf(store.db, 'govnav-demo');
    for (const k of ['documents', 'statements', 'classifications', 'statement_topics']) assert.ok(before[k]! > 0, `the demo has ${k}`);
    const ingestBefore = await rowsOf(store.db, 'ingest');
    assert.ok(ingestBefore.document_texts > 0 && ingestBefore.document_blocks > 0);
    const otherSnap = async () => {
      const s = await dumpSnapshot(store.db);
      return [await rowsOf(store.db, 'other-dataset'), await rowsOf(store.db, 'ingest'), s.tables.find((t) => t.name === 'documents')!.rows.filter((r) => r.includes('other-dataset'))];
    };
    const others = await otherSnap();

    const planned = await removalCounts(store.db, 'govnav-demo');
    const done = await removeDataset(store.db, 'govnav-demo');
    assert.deepEqual(done, planned);
    assert.equal(done.documents, before.documents);
    assert.equal(done.statements, before.statements);
    assert.equal(done.labels, before.classifications);
    assert.equal(done.runs, 1);
    const after = await rowsOf(store.db, 'govnav-demo');
    for (const [k, v] of Object.entries(after)) assert.equal(v, 0, `no ${k} of the removed dataset is left`);
    assert.equal((await store.db.query(`SELECT 1 FROM classify_runs WHERE id = 'run-demo'`)).length, 0);
    assert.deepEqual(await otherSnap(), others, 'the other datasets are exactly as they were');
    assert.deepEqual((await listStoreDatasets(store.db)).map((d) => d.id), ['ingest', 'other-dataset']);

    // Removing the ingested documents takes their texts and outlines too.
    await removeDataset(store.db, 'ingest');
    for (const [k, v] of Object.entries(await rowsOf(store.db, 'ingest'))) assert.equal(v, 0, `no ${k} of the ingested dataset is left`);

    await assert.rejects(removeDataset(store.db, 'govnav-demo'), (e: unknown) => e instanceof DatasetNotFound && /No dataset "govnav-demo".*other-dataset/.test((e as Error).message));
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] datasets remove: a failure before commit rolls everything back`, async () => {
  const store = await twoDatasets();
  try {
    const before = JSON.stringify(await dumpSnapshot(store.db));
    await assert.rejects(
      removeDataset(store.db, 'govnav-demo', {
        beforeCommit: async () => {
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
    assert.equal(JSON.stringify(await dumpSnapshot(store.db)), before);
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] datasets remove: repeats whose canonical statement went with the dataset get one new canonical statement`, async () => {
  const { upsertDocument, upsertStatements } = await import('../../src/store/index.ts');
  const { detectWorks } = await import('../../src/store/works.ts');
  const store = await openTestStore();
  try {
    const prov = (d: string) => ({ dataset: d, datasetVersion: '1', licence: 'CC0-1.0', attribution: d });
    await store.db.query(`INSERT INTO datasets (id, version, licence, attribution) VALUES ('ds-a', '1', 'CC0-1.0', 'a'), ('ds-b', '1', 'CC0-1.0', 'b')`);
    const a = await upsertDocument(store.db, { sourceKey: 'a', title: 'Shared framework', doi: '10.1234/shared', year: 2024, provenance: prov('ds-a') });
    await upsertStatements(store.db, a.id, [{ sourceKey: 'a1', kind: 'mitigation', ord: 0, name: 'Test', text: 'Developers shall test models before release.' }]);
    const b = await upsertDocument(store.db, { sourceKey: 'b', title: 'Shared framework', doi: '10.1234/shared', year: 2024, provenance: prov('ds-b') });
    await upsertStatements(store.db, b.id, [
      { sourceKey: 'b1', kind: 'mitigation', ord: 0, name: 'Test', text: 'Developers shall test models before release.' },
      { sourceKey: 'b2', kind: 'mitigation', ord: 1, name: 'Test again', text: 'Developers shall test models before release.' },
    ]);
    await detectWorks(store.db);
    const canon = async () =>
      store.db.query(
        `SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset IN ('ds-a', 'ds-b') AND s.same_as IS NULL`,
      ).then((r) => parseRows(z.object({ id: z.string() }), r, 'test rows'));
    assert.equal((await canon()).length, 1, 'one canonical statement for the three copies');
    await removeDataset(store.db, 'ds-a');
    const left = await canon();
    assert.equal(left.length, 1, 'the two remaining copies still count once');
    const [{ n }] = (parseRows(z.object({ n: z.coerce.number() }), await store.db.query(
      `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'ds-b' AND s.same_as = $1`,
      [left[0]!.id],
    ), 'test rows')) as [{ n: number }];
    assert.equal(n, 1);
  } finally {
    await store.close();
  }
});

// Snapshots: a small store (the sample corpus, with its labels and topic links, plus an ingested
// document with its text and outline, a classification run) is dumped, encoded, decoded and
// loaded into an empty store; the second store then holds exactly the same rows. Runs on PGlite
// and, with DATABASE_URL, on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importPath } from '../../src/importers/index.ts';
import { ingestOne } from '../../src/ingest/index.ts';
import type { Store } from '../../src/store/index.ts';
import {
  decodeSnapshot,
  dumpSnapshot,
  encodeSnapshot,
  loadSnapshot,
  snapshotCounts,
  SnapshotError,
  type Snapshot,
} from '../../src/store/snapshot.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const DEMO = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));

const POLICY = `# Model release policy

## Safeguards

Developers must evaluate each model for dangerous capabilities before release.

Providers should keep logs of incidents and report serious incidents to the regulator within 15 days.

## Principles

AI systems should respect human rights and be transparent about their use.
`;

/** A small store with rows in every table a page reads. */
async function fixtureStore(): Promise<Store> {
  const store = await openTestStore();
  await importPath(store, DEMO);
  const dir = mkdtempSync(join(tmpdir(), 'govnav-snap-'));
  try {
    const file = join(dir, 'policy.md');
    writeFileSync(file, POLICY);
    await ingestOne(store.db, file, { title: 'Model release policy', organisation: 'Example Office', type: 'policy', licence: 'CC0-1.0' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A classification run with a label, as the snapshot build makes them.
  const [st] = parseRows(z.object({ id: z.string() }), await store.db.query(`SELECT s.id FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'ingest' ORDER BY s.id LIMIT 1`), 'test rows');
  await store.db.query(`INSERT INTO classify_runs (id, params, params_hash, provider, model, status) VALUES ('run-1', '{}', 'h', 'embedded', 'govnav-embedded', 'done')`);
  await store.db.query(
    `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, model, confidence, run_id, is_current)
     VALUES ($1, 'mitigation-v2', '2', '1', 'embedded', 'govnav-embedded', 0.7, 'run-1', false)`,
    [st!.id],
  );
  return store;
}

test(`[${ENGINE}] a snapshot round trip restores exactly the same rows in an empty store`, async () => {
  const a = await fixtureStore();
  const b = await openTestStore();
  try {
    const before = await snapshotCounts(a.db);
    for (const t of ['datasets', 'documents', 'statements', 'classifications', 'statement_topics', 'document_texts', 'document_blocks', 'classify_runs'])
      assert.ok(before[t]! > 0, `the fixture has rows in ${t}`);
    const snap = await dumpSnapshot(a.db);
    const bytes = encodeSnapshot(snap);
    assert.deepEqual(encodeSnapshot(await dumpSnapshot(a.db)), bytes, 'the same rows give the same bytes');

    const r = await loadSnapshot(b.db, decodeSnapshot(bytes));
    assert.equal(r.rows.statements, before.statements);
    assert.deepEqual(await snapshotCounts(b.db), before);
    // Every value of every row, not only the counts.
    assert.deepEqual(await dumpSnapshot(b.db), snap);
    // Generated columns are recomputed: full-text search finds the same statements.
    const [{ w }] = (parseRows(z.object({ w: z.string() }), await a.db.query(`SELECT split_part(search_text, ' ', 1) AS w FROM statements WHERE search_text <> '' ORDER BY id LIMIT 1`), 'test rows')) as [{ w: string }];
    const q = `SELECT id FROM statements WHERE search_vector @@ plainto_tsquery('simple', '${w.replace(/'/g, "''")}') ORDER BY id`;
    assert.deepEqual(await b.db.query(q), await a.db.query(q));
    assert.ok((await b.db.query(q)).length > 0);
    // The sequences moved past the loaded ids: a new label gets a fresh id.
    const [{ max }] = (parseRows(z.object({ max: z.coerce.number() }), await b.db.query('SELECT max(id)::int AS max FROM classifications'), 'test rows')) as [{ max: number }];
    const [st] = parseRows(z.object({ id: z.string() }), await b.db.query('SELECT id FROM statements ORDER BY id LIMIT 1'), 'test rows');
    const [ins] = parseRows(z.object({ id: z.coerce.number() }), await b.db.query(
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source) VALUES ($1, 'mitigation-v2', '2', '1', 'llm') RETURNING id::int AS id`,
      [st!.id],
    ), 'test rows');
    assert.ok(ins!.id > max);
  } finally {
    await a.close();
    await b.close();
  }
});

test(`[${ENGINE}] a snapshot loads into an empty store only; a failing load changes nothing`, async () => {
  const a = await fixtureStore();
  const b = await openTestStore();
  try {
    const snap = await dumpSnapshot(a.db);
    await assert.rejects(loadSnapshot(a.db, snap), (e: unknown) => e instanceof SnapshotError && /empty store only/.test((e as Error).message));

    // A statement whose document is not in the snapshot: the whole load rolls back.
    const broken: Snapshot = structuredClone(snap);
    const stmts = broken.tables.find((t) => t.name === 'statements')!;
    const col = stmts.columns.indexOf('document_id');
    stmts.rows[stmts.rows.length - 1]![col] = 'D9999';
    await assert.rejects(loadSnapshot(b.db, broken));
    const after = await snapshotCounts(b.db);
    assert.equal(after.documents, 0);
    assert.equal(after.statements, 0);
    assert.equal(after.datasets, 0);
    // …and the store still takes the good snapshot afterwards.
    await loadSnapshot(b.db, snap);
    assert.deepEqual(await snapshotCounts(b.db), await snapshotCounts(a.db));
  } finally {
    await a.close();
    await b.close();
  }
});

test('a file that is not a snapshot gets an error naming it', () => {
  assert.throws(() => decodeSnapshot(Buffer.from('hello'), 'x.json.gz'), /x\.json\.gz: not a gzip-compressed govnav snapshot/);
  // An instance's own feedback never travels in a snapshot.
  const wrong = encodeSnapshot({ format: 'govnav-snapshot', formatVersion: 1, schema: '0600', tables: [{ name: 'feedback', columns: ['id', 'message'], rows: [[1, 'hello']] }] });
  assert.throws(() => decodeSnapshot(wrong, 'y.json.gz'), /y\.json\.gz: table "feedback" never travels in a snapshot, but this one holds 1 of its rows/);
  // The same table present but empty (written by an earlier version) is dropped, not an error.
  const empty = encodeSnapshot({ format: 'govnav-snapshot', formatVersion: 1, schema: '0600', tables: [{ name: 'feedback', columns: [], rows: [] }] });
  assert.deepEqual(decodeSnapshot(empty, 'z.json.gz').tables, []);
});

test(`[${ENGINE}] first start loads a snapshot into a new store only; after every dataset was removed, only when asked`, async () => {
  const { loadSnapshotIfEmpty } = await import('../../src/cli/first-start.ts');
  const { removeDataset } = await import('../../src/store/datasets-admin.ts');
  const a = await openTestStore();
  const b = await openTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'govnav-snapfile-'));
  try {
    await importPath(a, DEMO);
    const file = join(dir, 's.json.gz');
    writeFileSync(file, encodeSnapshot(await dumpSnapshot(a.db)));
    assert.equal(await loadSnapshotIfEmpty(b, file, { quiet: true }), true);
    assert.deepEqual(await snapshotCounts(b.db), await snapshotCounts(a.db));
    assert.equal(await loadSnapshotIfEmpty(b, file, { quiet: true }), false, 'a store with data is left alone');
    await removeDataset(b.db, 'govnav-demo');
    assert.equal(await loadSnapshotIfEmpty(b, file, { quiet: true }), false, 'emptied by its owner: stays empty');
    assert.equal(await loadSnapshotIfEmpty(b, file, { quiet: true, force: true }), true, '--load-snapshot loads it again');
    assert.equal((await snapshotCounts(b.db)).statements, (await snapshotCounts(a.db)).statements);
    assert.equal(await loadSnapshotIfEmpty(a, join(dir, 'missing.json.gz'), { quiet: true }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await a.close();
    await b.close();
  }
});

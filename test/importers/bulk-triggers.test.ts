// New statements, their norms, topic links and link states are COPied without row triggers where
// the connection may do so (src/store/bulk/triggers.ts). What those triggers did must still happen:
// the statement-level triggers leave the transaction's search_changes row and the data-change
// notice, the search vector of a text the client cannot build is computed by the database, a
// foreign key that does not hold fails the write, and the triggers are on again afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPath } from '../../src/importers/index.ts';
import { canSkipRowTriggers } from '../../src/store/bulk/triggers.ts';
import { upsertStatements } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, tempDir, withStore } from './_util.ts';

function corpus(id: string, texts: string[]): unknown {
  return {
    format: 'govnav-json',
    formatVersion: 1,
    dataset: { id, version: '1', licence: 'CC0-1.0', attribution: 'Test data' },
    documents: [
      {
        key: 'doc',
        title: 'Trigger test document',
        docType: 'framework',
        statements: texts.map((text, i) => ({ key: `s${i}`, kind: 'mitigation', ...(i % 2 ? { parent: `s${i - 1}` } : {}), text })),
      },
    ],
  };
}

test(`[${ENGINE}] bulk writes without row triggers: statement-level effects, computed vectors, foreign keys, triggers on again`, async (t) => {
  const file = join(tempDir(t), 'triggers.govnav.json');
  // Plain texts (vector sent) and texts whose vector the database computes (apostrophe, Chinese).
  writeFileSync(file, JSON.stringify(corpus('bulk-triggers', ['Encrypt model weights at rest.', "Don't deploy untested privacy models.", '人工智能安全评估', 'Log every access to training data.'])));
  await withStore(async (store) => {
    const db = store.db;
    const skipped = await db.transaction((tx) => canSkipRowTriggers(tx));
    const [{ n: changesBefore }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM search_changes');
    const s = await importPath(store, file);
    assert.equal(s.statements.created, 4);
    assert.ok((s.topics?.links ?? 0) > 0, 'topic links written');
    const [{ n: changesAfter }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM search_changes');
    assert.ok(changesAfter > changesBefore, 'the import left its search_changes row');
    const [{ n: wrong }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM statements WHERE search_vector IS DISTINCT FROM to_tsvector('simple', search_text)`,
    );
    assert.equal(wrong, 0, 'sent and computed vectors are what the database computes');
    const [{ n: parents }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM statements c JOIN statements p ON p.id = c.parent_id');
    assert.equal(parents, 2, 'children point at their parents');
    // A write into a document that does not exist fails (set-wise check, or the foreign key), and the
    // triggers are on again in a transaction that used the bulk path.
    const before = await counts(store);
    const st = { sourceKey: 'x', kind: 'mitigation' as const, ord: 0, name: '', text: 'orphan statement', headingPath: [], locator: {}, language: 'en', meta: {} };
    await assert.rejects(db.transaction((tx) => upsertStatements(tx, 'D9999', [st])), /D9999|foreign key|violates/);
    assert.deepEqual(await counts(store), before);
    // A transaction that writes only new statements (no document, no label) still leaves its search_changes row.
    const [{ n: changesBefore2 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM search_changes');
    const [{ role }] = await db.transaction(async (tx) => {
      const [doc] = await tx.query<{ id: string }>('SELECT id FROM documents LIMIT 1');
      await upsertStatements(tx, doc!.id, [{ ...st, sourceKey: 'y', text: 'another statement' }]);
      return tx.query<{ role: string }>(`SELECT current_setting('session_replication_role') AS role`);
    });
    assert.equal(role, 'origin', `row triggers on after the bulk write (skipped: ${skipped})`);
    const [{ n: changesAfter2 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM search_changes');
    assert.equal(changesAfter2, changesBefore2 + 1, 'statement-level triggers fired for statements written without row triggers');
  });
});

// upsertStatementsMany's onCreated hook sees each new statement once (never an updated or unchanged
// one), as written; a topic-match cache filled from it gives linkWritten the same links and link
// states as matching afresh (an import fills one while its statements are written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatementInput } from '../../src/model/index.ts';
import { upsertDataset, upsertDocument, upsertStatementsMany, type WrittenStatement } from '../../src/store/corpus.ts';
import type { Db } from '../../src/store/db.ts';
import { MatchCache, linkWritten } from '../../src/topics/match-bulk.ts';
import { asCompiled } from '../../src/topics/link.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const provenance = { dataset: 'hooks-test', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };

function statements(n: number, changed = -1): StatementInput[] {
  return Array.from({ length: n }, (_, i) => ({
    sourceKey: `s${i}`,
    kind: i % 2 ? 'risk' : 'mitigation',
    ord: i,
    name: `Item ${i}`,
    text: i === changed ? `Audit access to model weights and log every privacy incident (${i}).` : `Organisations should red team the model and monitor privacy safeguard ${i % 5}.`,
    headingPath: ['Part A'],
  }));
}

async function linkRows(db: Db): Promise<unknown[]> {
  return [
    ...(await db.query('SELECT statement_id, topic_id, score, matched_terms, lexicon_version, document_id, kind, ord FROM statement_topics ORDER BY 1, 2')),
    ...(await db.query('SELECT statement_id, content_hash, lexicon_version FROM topic_link_state ORDER BY 1')),
  ];
}

test(`[${ENGINE}] upsertStatementsMany: onCreated sees exactly the new statements; a cache filled from it links as matching afresh`, async () => {
  const store = await openTestStore();
  try {
    await upsertDataset(store.db, { id: 'hooks-test', version: '1', licence: 'CC0-1.0', attribution: 'test' });
    const a = await upsertDocument(store.db, { sourceKey: 'a', title: 'Doc A', docType: 'framework', provenance });
    const b = await upsertDocument(store.db, { sourceKey: 'b', title: 'Doc B', docType: 'framework', provenance });
    const seen: WrittenStatement[] = [];
    const first = await store.db.transaction((tx) =>
      upsertStatementsMany(tx, [{ documentId: a.id, statements: statements(30) }, { documentId: b.id, statements: statements(20) }], { onCreated: (s) => void seen.push(s) }),
    );
    assert.equal(seen.length, 50);
    assert.deepEqual(seen, first.flatMap((r) => r.written), 'each new statement once, as reported');

    // Second round: one statement changed in A, ten new in B, the rest unchanged.
    const again: WrittenStatement[] = [];
    const c = asCompiled();
    const cache = new MatchCache(c);
    const before = await linkRows(store.db);
    const second = await store.db.transaction(async (tx) => {
      const r = await upsertStatementsMany(tx, [{ documentId: a.id, statements: statements(30, 4) }, { documentId: b.id, statements: statements(30) }], {
        onCreated: (s) => {
          again.push(s);
          cache.links(s);
        },
      });
      await linkWritten(tx, r.flatMap((x) => x.written), { matches: cache });
      return r;
    });
    assert.deepEqual([second[0]!.updated, second[0]!.created, second[1]!.created], [1, 0, 10]);
    assert.deepEqual(again.map((s) => s.created), Array(10).fill(true), 'the updated statement is not reported as created');
    assert.deepEqual(again, second[1]!.written);
    const withCache = await linkRows(store.db);
    assert.notDeepEqual(withCache, before);
    assert.ok(withCache.length > 11, 'links and link states written');

    // The same links written again without a cache (matched afresh) are the same rows.
    // (The updated statement, relinked the usual way, is left out.)
    const updatedId = second[0]!.written[0]!.id;
    await store.db.transaction(async (tx) => {
      await tx.query('DELETE FROM statement_topics');
      await tx.query('DELETE FROM topic_link_state');
      await linkWritten(tx, second.flatMap((r) => r.written).filter((w) => w.created), { lexicon: c });
    });
    const fresh = await linkRows(store.db);
    const drop = (rows: unknown[]) => rows.filter((r) => (r as { statement_id: string }).statement_id !== updatedId);
    assert.deepEqual(fresh, drop(withCache));
  } finally {
    await store.close();
  }
});

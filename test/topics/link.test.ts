import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { loadLexicon } from '../../src/topics/lexicon.ts';
import { linkPending, linkStatements, pendingStatementIds } from '../../src/topics/link.ts';
import { compileLexicon } from '../../src/topics/match.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { linkSnapshot, loadMitigations, loadPrinciples, MITIGATIONS_CSV, PRINCIPLE_FILES, topicsOfStatement } from './_corpus.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

test(`[${ENGINE}] mitigations land on the expected topics, and incremental linking equals a full rebuild`, async (t) => {
  const csv = requireShared(t, MITIGATIONS_CSV);
  const principles = PRINCIPLE_FILES.map((f) => requireShared(t, f));
  if (!csv || principles.some((p) => !p)) return;
  const store = await openTestStore();
  try {
    // Principles arrive first and are linked by their importer (incrementally)...
    await loadPrinciples(store, principles.slice(0, 2) as string[]);
    // ...then the mitigations, linked by id as an importer would...
    const ids = await loadMitigations(store, csv);
    const report = await linkStatements(store.db, [...ids.values()]);
    assert.equal(report.statements, ids.size);
    assert.ok(report.links > ids.size / 2);
    // ...then the last principle set.
    await loadPrinciples(store, principles.slice(2) as string[]);
    assert.deepEqual(await pendingStatementIds(store.db, compileLexicon(loadLexicon()).version), []);

    // Expectations written from reading the mitigations.
    const expect: [string, string][] = [
      ['A0033_Casper2025', 'transparency'], // labelling AI-generated content with watermarks
      ['A0498_NIST2024', 'privacy'], // anonymisation, differential privacy
      ['A0073_Eisenberg2025', 'sustainability'], // energy efficiency, carbon footprint
      ['A0022_Bengio2025', 'accountability'], // whistleblower protection
    ];
    for (const [key, topic] of expect) {
      const got = await topicsOfStatement(store, { sourceKey: key });
      assert.ok(got.includes(topic), `${key}: expected ${topic}, got ${got.join(', ')}`);
    }
    assert.ok(!(await topicsOfStatement(store, { sourceKey: 'A0073_Eisenberg2025' })).includes('privacy'));

    const incremental = await linkSnapshot(store);
    const rebuilt = await linkPending(store.db, { rebuild: true });
    assert.equal(rebuilt.pending, ids.size + 16);
    assert.deepEqual(await linkSnapshot(store), incremental);
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] only new, changed or differently-linked statements are pending; retired ones lose their links`, async () => {
  const store = await openTestStore();
  try {
    const provenance = { dataset: 't', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };
    const d = await upsertDocument(store.db, { sourceKey: 'd', title: 'Doc', provenance });
    const items = [
      { sourceKey: 'a', kind: 'mitigation' as const, ord: 0, name: 'Encrypt model weights', text: 'Use encryption at rest.' },
      { sourceKey: 'b', kind: 'mitigation' as const, ord: 1, name: 'Publish model cards', text: 'Document capabilities and limits transparently.' },
      { sourceKey: 'c', kind: 'risk' as const, ord: 2, name: 'Nothing topical', text: 'Lorem ipsum dolor sit amet.' },
    ];
    const { ids } = await upsertStatements(store.db, d.id, items);
    const lex = compileLexicon(loadLexicon());
    assert.equal((await pendingStatementIds(store.db, lex.version)).length, 3);
    const first = await linkPending(store.db, { lexicon: lex });
    assert.deepEqual([first.pending, first.unlinked], [3, 1]);
    assert.deepEqual(await pendingStatementIds(store.db, lex.version), []);
    assert.deepEqual(await topicsOfStatement(store, { sourceKey: 'a' }), ['security']);

    // Change one statement: only it is pending, and relinking moves it.
    items[0] = { ...items[0]!, name: 'Protect personal data', text: 'Anonymise the data before training.' };
    await upsertStatements(store.db, d.id, items);
    assert.deepEqual(await pendingStatementIds(store.db, lex.version), [ids.get('a')]);
    await linkPending(store.db, { lexicon: lex });
    assert.deepEqual(await topicsOfStatement(store, { sourceKey: 'a' }), ['privacy']);

    // Another lexicon version makes everything pending.
    assert.equal((await pendingStatementIds(store.db, lex.version + '+other')).length, 3);

    // Retiring a statement drops its links at once; bringing it back makes it pending again.
    await upsertStatements(store.db, d.id, items.slice(1), { retireMissing: true });
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await store.db.query('SELECT count(*)::int AS n FROM statement_topics WHERE statement_id = $1', [ids.get('a')]), 'test rows');
    assert.equal(n, 0);
    assert.deepEqual(await pendingStatementIds(store.db, lex.version), []);
    await upsertStatements(store.db, d.id, items);
    assert.deepEqual(await pendingStatementIds(store.db, lex.version), [ids.get('a')]);
    await linkPending(store.db, { lexicon: lex });
    assert.deepEqual(await topicsOfStatement(store, { sourceKey: 'a' }), ['privacy']);
    // Links carry the statement's document, kind and order.
    const [denorm] = parseRows(z.object({ document_id: z.string(), kind: z.string(), ord: z.coerce.number() }), await store.db.query(
      'SELECT document_id, kind, ord FROM statement_topics WHERE statement_id = $1',
      [ids.get('a')],
    ), 'test rows');
    assert.deepEqual(denorm, { document_id: d.id, kind: 'mitigation', ord: 0 });
    // Matched terms and the lexicon version are stored with each link.
    const [row] = parseRows(
      z.object({ matched_terms: z.array(z.object({ term: z.string(), forms: z.array(z.string()) })), lexicon_version: z.string() }),
      await store.db.query(
      'SELECT matched_terms, lexicon_version FROM statement_topics WHERE statement_id = $1 AND topic_id = $2',
      [ids.get('b'), 'transparency'],
      ),
      'test rows',
    );
    assert.equal(row!.lexicon_version, lex.version);
    assert.ok(row!.matched_terms.some((m) => m.term === 'documentation' && m.forms.includes('model cards')));
  } finally {
    await store.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { compareDocuments } from '../../src/topics/compare.ts';
import { coverageMatrix, matrixCsv } from '../../src/topics/matrix.ts';
import { listTopics, topicPage, TopicsNotFound } from '../../src/topics/query.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { PRINCIPLE_FILES } from './_corpus.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test(`[${ENGINE}] coverage matrix, topic list, topic page and compare agree with the database`, async (t) => {
  const files = PRINCIPLE_FILES.map((f) => requireShared(t, f));
  if (files.some((f) => !f)) return;
  const store = await openTestStore();
  try {
    for (const f of [...(files as string[]), fixture('principles_zh.yaml'), fixture('principles_zh_en.yaml')]) await importPrinciplesYaml(store, f);
    const db = store.db;
    const m = await coverageMatrix(db);
    assert.equal(m.documents.length, 5);
    assert.equal(m.topics.length, (await db.query('SELECT id FROM topics WHERE NOT retired')).length);

    // Every cell equals a direct count.
    const direct = parseRows(z.object({ document_id: z.string(), topic_id: z.string(), n: z.coerce.number() }), await db.query(
      `SELECT s.document_id, st.topic_id, count(*)::int AS n FROM statement_topics st JOIN statements s ON s.id = st.statement_id GROUP BY 1, 2`,
    ), 'test rows');
    let nonZero = 0;
    for (const d of m.documents)
      for (const tp of m.topics) {
        const want = direct.find((r) => r.document_id === d.id && r.topic_id === tp.id)?.n ?? 0;
        assert.equal(d.cells[tp.id] ?? 0, want, `${d.id} × ${tp.id}`);
        if (want) nonZero++;
      }
    assert.equal(nonZero, direct.length);
    // Derived facts are consistent with the cells.
    for (const tp of m.topics) {
      const covering = m.documents.filter((d) => d.cells[tp.id]);
      assert.equal(m.topicTotals[tp.id]!.documents, covering.length);
      assert.deepEqual(m.uncovered[tp.id]!.sort(), m.documents.filter((d) => !d.cells[tp.id]).map((d) => d.id).sort());
      for (const d of m.documents) assert.equal(d.only.includes(tp.id), covering.length === 1 && covering[0]!.id === d.id);
    }
    assert.deepEqual(m.fullCoverage, []); // no document covers every topic
    assert.ok(m.documents.every((d) => d.covered < m.topics.length));
    // Sorted by coverage by default; by a topic on request.
    assert.ok(m.documents.every((d, i) => i === 0 || m.documents[i - 1]!.covered >= d.covered));
    const byPrivacy = await coverageMatrix(db, { sort: 'topic:privacy' });
    assert.ok(byPrivacy.documents.every((d, i) => i === 0 || (byPrivacy.documents[i - 1]!.cells.privacy ?? 0) >= (d.cells.privacy ?? 0)));
    // Filters: no mitigations here; one jurisdiction.
    assert.equal((await coverageMatrix(db, { kind: ['mitigation'] })).documents.length, 0);
    assert.deepEqual((await coverageMatrix(db, { jurisdiction: ['Australia'] })).documents.map((d) => d.title), ["Australia's AI Ethics Principles"]);

    // CSV: header + one row per document, cells as in the matrix.
    const rows = parse(matrixCsv(m), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, m.documents.length);
    const oecd = m.documents.find((d) => d.title === 'OECD AI Principles')!;
    const row = rows.find((r) => r.document_id === oecd.id)!;
    for (const tp of m.topics) assert.equal(Number(row[tp.id]), oecd.cells[tp.id] ?? 0);

    // Topic list counts equal the links.
    const list = await listTopics(db);
    const privacy = list.find((x) => x.id === 'privacy')!;
    const [{ n, docs }] = parseRows(z.object({ n: z.coerce.number(), docs: z.coerce.number() }), await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT s.document_id)::int AS docs FROM statement_topics st JOIN statements s ON s.id = st.statement_id WHERE st.topic_id = 'privacy'`,
    ), 'test rows');
    assert.deepEqual([privacy.statements, privacy.documents], [n, docs]);

    // Topic page: documents, statements and facets.
    const page = await topicPage(db, 'privacy', {}, { perDocument: 1, documentsPerPage: 2 });
    assert.equal(page.totalStatements, n);
    assert.equal(page.totalDocuments, docs);
    assert.equal(page.documents.length, 2);
    assert.ok(page.documents.every((d) => d.statements.length === 1 && d.statements[0]!.matched_terms.length > 0));
    assert.equal(page.pages, Math.ceil(docs / 2));
    assert.equal(page.facets.kind.reduce((a, f) => a + f.n, 0), n);
    const zhOnly = await topicPage(db, 'privacy', { year: [2026] });
    assert.deepEqual(zhOnly.documents.map((d) => d.year), zhOnly.documents.map(() => 2026));
    await assert.rejects(topicPage(db, 'no-such-topic'), TopicsNotFound);

    // Compare: the Chinese and English test documents cover the same topics; OECD vs Australia.
    const zh = m.documents.find((d) => d.language === 'zh')!.id;
    const en = m.documents.find((d) => d.title.startsWith('govnav test principles'))!.id;
    const same = await compareDocuments(db, [zh, en]);
    assert.deepEqual(same.onlyIn, { [zh]: [], [en]: [] });
    assert.equal(same.shared.length, same.topics.length);
    const au = m.documents.find((d) => d.title.startsWith('Australia'))!.id;
    const cmp = await compareDocuments(db, [oecd.id, au], { perCell: 2 });
    for (const tp of cmp.topics) {
      for (const id of [oecd.id, au]) assert.equal(tp.cells[id]?.count ?? 0, m.documents.find((d) => d.id === id)!.cells[tp.topic.id] ?? 0);
      assert.ok(Object.values(tp.cells).every((c) => c.statements.length <= 2 && c.statements.length === Math.min(2, c.count)));
    }
    for (const id of [oecd.id, au]) for (const tp of cmp.onlyIn[id]!) assert.deepEqual(cmp.topics.find((x) => x.topic.id === tp)!.coveredBy, [id]);
    assert.ok(cmp.shared.includes('privacy') && cmp.shared.includes('transparency'));
    await assert.rejects(compareDocuments(db, [oecd.id, 'D9999']), /no document D9999/);
    await assert.rejects(compareDocuments(db, [oecd.id]), /at least two/);
  } finally {
    await store.close();
  }
});

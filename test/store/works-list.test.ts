// One row per work: the document list (/d) and the topic coverage matrix (and its CSV) list a work
// carried by several sources once, with its distinct statements counted once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { detectWorks, listWorkRows } from '../../src/store/index.ts';
import { linkPending } from '../../src/topics/link.ts';
import { coverageMatrix, matrixCsv } from '../../src/topics/matrix.ts';
import { createApp } from '../../src/web/app.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { testConfig } from '../web/fixture.ts';
import { addDoc } from './works-fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const SHARED = [
  'Protect the privacy of personal data used to train the model, and minimise what is collected.',
  'Keep logs of incidents and report serious incidents to the authority without delay.',
  'Test the system for robustness against adversarial inputs before deployment.',
];
const OTHER = ['Explain to users when they interact with an AI system and how decisions about them are made.'];


test(`[${ENGINE}] /d and the coverage matrix show one row per work`, async () => {
  const store = await openTestStore();
  try {
    const db = store.db;
    const a = await addDoc(db, 'dataset-a', 'a', { title: 'Framework for Trustworthy Systems', year: 2024 }, SHARED);
    const b = await addDoc(db, 'dataset-b', 'b', { title: 'Framework for trustworthy systems', year: 2024 }, [...SHARED, OTHER[0]!]);
    const c = await addDoc(db, 'dataset-a', 'c', { title: 'A Different Guide', year: 2023 }, OTHER);
    await detectWorks(db);
    await linkPending(db, { rebuild: true });

    const rows = await listWorkRows(db);
    assert.equal(rows.length, 2, 'two works, not three documents');
    const fw = rows.find((r) => r.id === a || r.id === b)!;
    assert.equal(fw.id, b, 'the work is shown by its member with the most statements');
    assert.equal(fw.sources, 2);
    assert.equal(fw.n, 4, 'the three shared texts count once');
    assert.equal(rows.find((r) => r.id === c)!.n, 1);

    const app = await createApp({ store, config: testConfig(), dataVersion: () => String(Math.random()) });
    const page = await (await app.request('/d')).text();
    const body = page.slice(page.indexOf('<tbody>'), page.indexOf('</tbody>'));
    assert.equal((body.match(/<tr>/g) ?? []).length, 2, 'two table rows');
    assert.ok(!body.includes(`/d/${a}"`), 'the other member of the work has no row of its own');
    assert.match(body, /\(2 sources\)/);
    assert.equal((await app.request('/d?sort=constructor')).status, 200, 'an unknown sort falls back to title');

    const m = await coverageMatrix(db);
    assert.deepEqual(m.documents.map((d) => d.id).sort(), [b, c].sort());
    const row = m.documents.find((d) => d.id === b)!;
    assert.equal(row.statements, 4);
    assert.equal(row.sources, 2);
    // Each cell equals the work's distinct statements linked to the topic.
    const direct = parseRows(z.object({ topic_id: z.string(), n: z.coerce.number() }), await db.query(
      `SELECT st.topic_id, count(*)::int AS n FROM statement_topics st JOIN statements s ON s.id = st.statement_id
       JOIN documents d ON d.id = s.document_id WHERE d.work_id = $1 AND s.same_as IS NULL GROUP BY 1`,
      [row.work_id],
    ), 'test rows');
    assert.ok(direct.length > 0, 'the statements are linked to topics');
    for (const x of direct) assert.equal(row.cells[x.topic_id] ?? 0, x.n, x.topic_id);
    const csv = parse(matrixCsv(m), { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 2);
    assert.equal(csv.find((r) => r.document_id === b)!.sources, '2');
  } finally {
    await store.close();
  }
});

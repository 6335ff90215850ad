// The Chinese principle set shipped with govnav (principles/cn-ai-principles.yaml): it imports as
// its own dataset with per-document issuer, licence and provenance, and Chinese topic pages then
// carry principles from at least three issuers, in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { topicPage } from '../../src/topics/query.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const FILE = fileURLToPath(new URL('../../principles/cn-ai-principles.yaml', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../principles/SOURCE.md', import.meta.url));

test('SOURCE.md records the checksum of the data file', () => {
  const sha = createHash('sha256').update(readFileSync(FILE)).digest('hex');
  assert.ok(readFileSync(SOURCE, 'utf8').includes(sha), `principles/SOURCE.md names sha256 ${sha}`);
});

test(`[${ENGINE}] Chinese principles of several state organs: own dataset, provenance, topic pages with ≥ 3 issuers in Chinese`, async () => {
  const store = await openTestStore();
  try {
    const db = store.db;
    const r = await importPrinciplesYaml(store, FILE);
    assert.equal(r.documents.length, 4);
    const [ds] = parseRows(
      z.object({ id: z.string(), licence: z.string(), meta: z.object({ title: z.string().optional() }) }),
      await db.query(`SELECT id, licence, meta FROM datasets WHERE id = 'govnav-cn-principles'`),
      'test rows',
    );
    assert.ok(ds, 'the set is its own dataset');
    assert.equal(ds!.licence, 'LicenseRef-PRC-Copyright-Law-Art5');
    const docs = parseRows(
      z.object({
        id: z.string(), organisation: z.string(), jurisdiction: z.string(), language: z.string(), licence: z.string(), attribution: z.string(), date: z.string(),
        meta: z.object({ verifiedAgainst: z.array(z.string()).optional() }),
      }),
      await db.query(
        `SELECT id, organisation, jurisdiction, language, licence, attribution, date, meta FROM documents WHERE dataset = 'govnav-cn-principles' ORDER BY id`,
      ),
      'test rows',
    );
    assert.equal(docs.length, 4);
    for (const d of docs) {
      assert.equal(d.language, 'zh');
      assert.equal(d.jurisdiction, 'CN');
      assert.ok(!/AI Atlas Nexus/.test(d.attribution), 'no packaging note of another dataset');
      assert.ok((d.meta.verifiedAgainst ?? []).length > 0, `${d.id} says where its text was checked`);
      assert.match(d.date, /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.equal(new Set(docs.map((d) => d.organisation)).size, 3, 'three issuers');
    const [{ n }] = (parseRows(z.object({ n: z.coerce.number() }), await db.query(
      `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'govnav-cn-principles' AND s.kind = 'principle' AND s.language = 'zh'`,
    ), 'test rows')) as [{ n: number }];
    assert.equal(n, 15);

    for (const topic of ['safety', 'fairness']) {
      const page = await topicPage(db, topic, { kind: ['principle'] }, { documentsPerPage: 50 });
      const zhIssuers = new Set(
        page.documents.filter((d) => d.statements.some((s) => s.language === 'zh' && /[\u4e00-\u9fff]/.test(s.text))).map((d) => d.organisation),
      );
      assert.ok(zhIssuers.size >= 3, `${topic}: Chinese principles from ${zhIssuers.size} issuers (${[...zhIssuers].join('; ')})`);
    }
    // Lexicon 1.4.0: "安全感" (a sense of security) is not safety; "教育机构" named as an actor is not education.
    const links = parseRows(z.object({ name: z.string(), topic_id: z.string() }), await db.query(
      `SELECT s.name, st.topic_id FROM statement_topics st JOIN statements s ON s.id = st.statement_id WHERE s.name IN ('（一）增进人类福祉', '七、开放协作')`,
    ), 'test rows');
    assert.ok(!links.some((l) => l.name === '（一）增进人类福祉' && (l.topic_id === 'safety' || l.topic_id === 'security')), JSON.stringify(links));
    assert.ok(!links.some((l) => l.name === '七、开放协作' && l.topic_id === 'education-literacy'), JSON.stringify(links));
    assert.ok(links.some((l) => l.name === '七、开放协作' && l.topic_id === 'international-cooperation'));
  } finally {
    await store.close();
  }
});

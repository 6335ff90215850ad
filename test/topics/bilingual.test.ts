import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importPrinciplesYaml } from '../../src/importers/principles.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test(`[${ENGINE}] a Chinese principle set links to the same topics as its English counterpart`, async () => {
  const store = await openTestStore();
  try {
    await importPrinciplesYaml(store, fixture('principles_zh.yaml'));
    await importPrinciplesYaml(store, fixture('principles_zh_en.yaml'));
    const rows = parseRows(z.object({ source_key: z.string(), language: z.string(), topics: z.array(z.string()).nullable() }), await store.db.query(
      `SELECT s.source_key, s.language, array_agg(st.topic_id ORDER BY st.topic_id) FILTER (WHERE st.topic_id IS NOT NULL) AS topics
       FROM statements s LEFT JOIN statement_topics st ON st.statement_id = s.id GROUP BY s.source_key, s.language ORDER BY s.source_key`,
    ), 'test rows');
    const zh = rows.filter((r) => r.source_key.startsWith('zh-'));
    const en = rows.filter((r) => r.source_key.startsWith('en-'));
    assert.equal(zh.length, 7);
    assert.ok(zh.every((r) => r.language === 'zh'));
    for (const z of zh) {
      const e = en.find((x) => x.source_key === z.source_key.replace('zh-', 'en-'))!;
      assert.ok(z.topics && z.topics.length > 0, `${z.source_key} has topics`);
      assert.deepEqual(z.topics, e.topics, `${z.source_key} vs ${e.source_key}`);
    }
    // The expected topic of each pair, from the texts.
    const expected = ['security', 'privacy', 'fairness', 'transparency', 'international-cooperation', 'education-literacy', 'sustainability'];
    zh.forEach((z, i) => assert.ok(z.topics!.includes(expected[i]!), `${z.source_key}: ${expected[i]}`));
    // The Chinese document records its organisation and language.
    const [doc] = parseRows(z.object({ organisation: z.string(), language: z.string() }), await store.db.query(`SELECT organisation, language FROM documents WHERE source_key = 'doc-govnav-test-principles-zh'`), 'test rows');
    assert.deepEqual(doc, { organisation: 'govnav 测试组', language: 'zh' });
  } finally {
    await store.close();
  }
});

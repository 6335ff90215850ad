import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertDocument, upsertStatements, insertClassifications, type Store } from '../../src/store/index.ts';
import { facetCounts, iterateStatements, parseQuery, searchStatements, toSearchParams } from '../../src/search/query.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const prov = { dataset: 'qtest', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };

/** 3 documents, 30 statements with risk-domain labels spread over domains 1, 2 and 7. */
async function fill(store: Store) {
  const { db, taxonomies } = store;
  const ids: string[] = [];
  const docs = [
    { sourceKey: 'a', title: 'Alpha law', docType: 'law' as const, year: 2023 },
    { sourceKey: 'b', title: 'Beta framework', docType: 'framework' as const, year: 2024 },
    { sourceKey: 'c', title: '人工智能安全治理框架', docType: 'framework' as const, year: 2024, language: 'zh' },
  ];
  const codes = ['1.1', '1.2', '2.1', '2.2', '7.3'];
  let i = 0;
  for (const d of docs) {
    const { id } = await upsertDocument(db, { ...d, provenance: prov });
    const stmts: StatementInput[] = [];
    for (let k = 0; k < 10; k++, i++) {
      const zh = d.language === 'zh';
      stmts.push({
        sourceKey: `s${k}`,
        kind: k % 3 === 0 ? 'risk' : 'mitigation',
        ord: k,
        name: zh ? `第${k}条 数据安全与隐私保护` : `Item ${k} ${k % 2 ? 'adversarial testing' : 'privacy audits'}`,
        text: zh ? '开发者应当开展红队测试，保护个人信息。' : `Developers should run ${k % 2 ? 'red-team tests' : 'privacy audits'} before release.`,
        language: zh ? 'zh' : 'en',
      });
    }
    const r = await upsertStatements(db, id, stmts);
    const labels = [...r.ids.values()].map((sid, k) => ({
      statementId: sid,
      taxonomy: 'risk-domain',
      code: codes[(k + i) % codes.length]!,
      source: (k % 4 === 0 ? 'imported' : 'embedded') as 'imported' | 'embedded',
      human: k % 4 === 0,
    }));
    // Leave the last statement of each document unlabelled.
    await insertClassifications(db, taxonomies, labels.slice(0, -1));
    ids.push(...r.ids.values());
  }
  return ids;
}

async function sqlCount(store: Store, where: string, params: unknown[] = []) {
  const [{ n }] = (await store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE ${where}`,
    params,
  )) as [{ n: number }];
  return n;
}

test(`[${ENGINE}] query model: parse, search, facets and iteration agree with SQL`, async () => {
  const store = await openTestStore();
  try {
    await fill(store);
    const reg = store.taxonomies;

    const bad = parseQuery(new URLSearchParams('kind=opinion&risk-domain=9.9&nope=1&year=20x&lang=zh&page=2'), reg);
    assert.deepEqual(bad.errors.map((e) => e.param).sort(), ['kind', 'nope', 'risk-domain', 'year']);

    // Two facets: kind=mitigation AND risk-domain=2 (which includes 2.1 and 2.2).
    const { query } = parseQuery(new URLSearchParams('kind=mitigation&risk-domain=2'), reg);
    const res = await searchStatements(store.db, reg, query, { limit: 5 });
    const expected = await sqlCount(
      store,
      `s.kind = 'mitigation' AND EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current
         AND c.taxonomy = 'risk-domain' AND c.code IN ('2', '2.1', '2.2'))`,
    );
    assert.ok(expected > 0);
    assert.equal(res.total, expected);
    assert.equal(res.items.length, Math.min(5, expected));

    // Disjunctive facets: the kind facet ignores the kind filter but keeps the risk-domain one.
    const f = await facetCounts(store.db, reg, query, ['kind', 'risk-domain', 'review', 'language']);
    const risksIn2 = await sqlCount(
      store,
      `s.kind = 'risk' AND EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current
         AND c.taxonomy = 'risk-domain' AND c.code LIKE '2%')`,
    );
    assert.equal(f.kind!.find((v) => v.value === 'risk')?.count ?? 0, risksIn2);
    assert.equal(f.kind!.find((v) => v.value === 'mitigation')!.count, expected);
    const dom2 = f['risk-domain']!.find((v) => v.value === '2')!;
    const mitig = await sqlCount(
      store,
      `s.kind = 'mitigation' AND EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = s.id AND c.is_current
         AND c.taxonomy = 'risk-domain' AND c.code LIKE '2%')`,
    );
    assert.equal(dom2.total, mitig);
    const unlabelled = f.review!.find((v) => v.value === 'unlabelled')!.count;
    assert.equal(unlabelled, 0, 'with risk-domain=2 selected, every match is labelled');

    // Full text: English stemming, Chinese segmentation and substring.
    const en = await searchStatements(store.db, reg, parseQuery(new URLSearchParams('q=audit'), reg).query);
    assert.equal(en.total, await sqlCount(store, `s.text ILIKE '%privacy audits%'`));
    const zh = await searchStatements(store.db, reg, parseQuery(new URLSearchParams('q=红队测试'), reg).query);
    assert.equal(zh.total, 10);
    assert.ok(zh.items.every((h) => h.language === 'zh'));

    // Canonical parameters round-trip.
    const again = parseQuery(toSearchParams(query), reg).query;
    assert.deepEqual(again, query);

    // Iteration yields every match exactly once, in id order, in batches.
    const all = parseQuery(new URLSearchParams('kind=mitigation'), reg).query;
    const seen: string[] = [];
    let batches = 0;
    for await (const rows of iterateStatements(store.db, reg, all, 7)) {
      batches++;
      seen.push(...rows.map((r) => r.id));
    }
    const total = await sqlCount(store, `s.kind = 'mitigation'`);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.deepEqual([...seen].sort(), seen);
    assert.equal(batches, Math.ceil(total / 7) + (total % 7 === 0 ? 1 : 0));
  } finally {
    await store.close();
  }
});

// Synthetic corpora for the scale bench, generated in SQL (generate_series) so that a million
// statements take minutes, not hours: documents of four types over ten years and four datasets;
// statements whose words follow a skewed (Zipf-like) vocabulary, with one word ("system") in half
// of them and another ("data") in a third, so that broad queries exist; current labels on three
// taxonomies with every label source and review state; topic links.
import type { Db } from '../src/store/db.ts';
import type { TaxonomyRegistry } from '../src/taxonomy/index.ts';

export const PER_DOC = 200;
export const VOCAB = 5000;

export async function fillScale(db: Db, reg: TaxonomyRegistry, n: number, log: (s: string) => void = () => {}): Promise<void> {
  const codes = (tax: string) => [...reg.get(tax).nodes.values()].filter((x) => !x.special).map((x) => x.code);
  const docs = Math.ceil(n / PER_DOC);
  let conn: Db = db;
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    await conn.query(sql, params);
    log(`  ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await db.transaction(async (tx) => {
    conn = tx;
    await tx.query(`SELECT setseed(0.42)`);
    await step(
      'datasets',
      `INSERT INTO datasets (id, version, licence, attribution) SELECT 'scale-' || i, '1', 'CC0-1.0', 'Synthetic scale dataset ' || i FROM generate_series(1, 4) i`,
    );
    await step(
      'documents',
      `INSERT INTO documents (id, dataset, source_key, title, organisation, year, doc_type, language, dataset_version, licence, attribution, content_hash)
       SELECT 'D' || lpad(i::text, 6, '0'), 'scale-' || (1 + i % 4), 'doc-' || i, 'Scale document ' || ((i * 7919) % $1::int), 'Org ' || (i % 50),
              2015 + (i % 10), (ARRAY['law','framework','standard','paper'])[1 + i % 4], CASE WHEN i % 10 = 0 THEN 'zh' ELSE 'en' END,
              '1', 'CC0-1.0', 'Synthetic scale dataset ' || (1 + i % 4), md5(i::text)
       FROM generate_series(1, $1::int) i`,
      [docs],
    );
    await step(
      'statements',
      `INSERT INTO statements (id, document_id, source_key, kind, ord, name, text, language, search_text, content_hash)
       SELECT (ARRAY['M','R','P'])[1 + i % 3] || lpad(i::text, 7, '0'),
              'D' || lpad((1 + (i - 1) / ${PER_DOC})::text, 6, '0'), 's-' || i,
              (ARRAY['mitigation','risk','principle'])[1 + i % 3], i % ${PER_DOC},
              'Statement ' || i, words, CASE WHEN ((i - 1) / ${PER_DOC} + 1) % 10 = 0 THEN 'zh' ELSE 'en' END, words, md5(i::text)
       FROM (SELECT i, concat_ws(' ', CASE WHEN i % 2 = 0 THEN 'system' END, CASE WHEN i % 3 = 0 THEN 'data' END,
                    (SELECT string_agg('w' || floor(power(random(), 2.5) * ${VOCAB})::int, ' ') FROM generate_series(1, 12 + (i % 2) * 0))) AS words
             FROM generate_series(1, $1::int) i) x`,
      [n],
    );
    const label = (tax: string, list: string[], where: string) =>
      step(
        `labels ${tax}`,
        `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, is_current, confidence, review_status)
         SELECT id, $2, '1', ($1::text[])[1 + (h % array_length($1::text[], 1))],
                (ARRAY['imported','llm','embedded','human','embedded'])[1 + (h / 7) % 5], (h / 7) % 5 = 3, true, 0.7,
                (ARRAY['unreviewed','unreviewed','accepted','corrected','unreviewed','unreviewed'])[1 + (h / 35) % 6]
         FROM (SELECT id, abs(hashtext(id || $2)) AS h, substr(id, 2)::int AS i FROM statements) s WHERE ${where}`,
        [list, tax],
      );
    await label('risk-domain', codes('risk-domain'), 'i % 10 <> 9');
    await label('mitigation-v2', codes('mitigation-v2'), 'i % 3 = 1');
    await label('lifecycle', codes('lifecycle'), 'i % 2 = 1');
    await step(
      'topics',
      `INSERT INTO topics (id, ord, name_en, description_en, lexicon_version)
       SELECT 'scale-topic-' || i, 1000 + i, 'Scale topic ' || i, 'synthetic', 'scale' FROM generate_series(0, 9) i ON CONFLICT DO NOTHING`,
    );
    await step(
      'topic links',
      `INSERT INTO statement_topics (statement_id, topic_id, score, lexicon_version, document_id, kind, ord)
       SELECT s.id, 'scale-topic-' || t, 1, 'scale', s.document_id, s.kind, s.ord
       FROM (SELECT id, document_id, kind, ord, substr(id, 2)::int AS i FROM statements) s
       CROSS JOIN LATERAL (VALUES (s.i % 10), ((s.i / 10) % 10)) v(t)
       WHERE s.i % 4 = 0 OR (s.i % 7 = 0 AND v.t = s.i % 10)
       ON CONFLICT DO NOTHING`,
    );
  });
  const t = performance.now();
  await db.exec('ANALYZE');
  log(`  analyze: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

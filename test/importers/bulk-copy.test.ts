// The COPY path for new statements (src/store/bulk/copy.ts) writes exactly what the multi-row
// INSERT path writes, and a row the database rejects in the middle of a COPY rolls the whole import
// back with an error naming the file, document and statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPath } from '../../src/importers/index.ts';
import type { Store } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, tempDir, withStore } from './_util.ts';

/** Texts with every character COPY's text format escapes, plus Chinese, quotes and braces. */
const AWKWARD = ['tab\there', 'new\nline', 'carriage\rreturn', 'back\\slash \\N', 'quote " and {brace}', '人工智能 安全 评估', 'comma, "quoted", \\"'];

function corpus(id: string, docs: number, per: number, poison?: { doc: number; st: number }, edition = 1): unknown {
  return {
    format: 'govnav-json',
    formatVersion: 1,
    dataset: { id, version: '1', licence: 'CC0-1.0', attribution: 'Test data' },
    documents: Array.from({ length: docs }, (_, d) => ({
      key: `doc-${d}`,
      title: `Bulk test document ${d}`,
      docType: 'framework',
      ...(d === 1 ? { language: 'zh' } : {}),
      statements: Array.from({ length: per }, (_, i) => ({
        key: `s${i}`,
        kind: (['mitigation', 'risk', 'principle'] as const)[i % 3],
        ...(i % 4 === 3 ? { parent: `s${i - 1}` } : {}),
        name: i % 8 === 5 ? '' : i % 5 === 0 ? AWKWARD[i % AWKWARD.length]! : `Measure ${d}.${i}`,
        text:
          poison && poison.doc === d && poison.st === i
            ? 'Organisations should log model access \u0000 and review it.'
            : i % 8 === 5
              ? // The same text in every document (same name and heading within one, so repeated there too).
                'Encrypt model weights and audit every access to privacy-sensitive training data.'
              : `Organisations should test and monitor privacy safeguard ${i} of document ${d}: ${AWKWARD[(i + d) % AWKWARD.length]}${edition > 1 && i % 10 === 0 ? ' and audit the security of model weights' : ''}`,
        headingPath: i % 8 === 5 ? [`Part ${d}`] : [`Part ${d}`, AWKWARD[i % AWKWARD.length]!],
        ...(i % 6 === 0 ? { locator: { page: i + 1, pageEnd: i + 2, charStart: i * 10, charEnd: i * 10 + 9, ref: `§${i}` } } : {}),
        ...(i % 7 === 0 ? { meta: { note: AWKWARD[i % AWKWARD.length], n: i, nested: { ok: true } } } : {}),
        ...(i % 3 === 0 && i % 2 === 0 ? { labels: [{ taxonomy: 'mitigation-v2', code: '2.2.2' }] } : {}),
      })),
    })),
  };
}

/** Everything an import writes, without the timestamps. */
async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => store.db.query(sql);
  return {
    statements: await q(
      `SELECT id, document_id, source_key, kind, parent_id, ord, name, text, heading_path, page, page_end, char_start, char_end,
         locator_ref, language, meta, search_text, search_vector::text AS tsv, content_hash, same_as, retired_at IS NULL AS live
       FROM statements ORDER BY id`,
    ),
    norms: await q('SELECT statement_id, content_hash, norm_hash FROM statement_norms ORDER BY statement_id'),
    labels: await q('SELECT statement_id, taxonomy, code, source, human, is_current FROM classifications ORDER BY statement_id, taxonomy, code'),
    topics: await q(
      'SELECT statement_id, topic_id, score, matched_terms, lexicon_version, document_id, kind, ord FROM statement_topics ORDER BY statement_id, topic_id',
    ),
    linkState: await q('SELECT statement_id, content_hash, lexicon_version FROM topic_link_state ORDER BY statement_id'),
    documents: await q('SELECT id, source_key, title, language, work_id, content_hash FROM documents ORDER BY id'),
  };
}

/** Import `file`, again, then `next`, with COPY on or off and (COPY on) row triggers kept or skipped where allowed. */
async function importWith(copy: '0' | '1', file: string, next: string, keepTriggers = false): Promise<Record<string, unknown[]>> {
  const before = process.env.GOVNAV_BULK_COPY;
  const beforeTriggers = process.env.GOVNAV_BULK_TRIGGERS;
  process.env.GOVNAV_BULK_COPY = copy;
  if (keepTriggers) process.env.GOVNAV_BULK_TRIGGERS = '1';
  else delete process.env.GOVNAV_BULK_TRIGGERS;
  try {
    return await withStore(async (store) => {
      const s = await importPath(store, file);
      assert.equal(s.statements.created, 3 * 40);
      const again = await importPath(store, file);
      assert.equal(again.statements.unchanged, 3 * 40, 're-import of unchanged data changes nothing');
      // A newer version: some statements change (relinked in place), some are new.
      const newer = await importPath(store, next);
      assert.equal(newer.statements.updated, 3 * 4);
      assert.equal(newer.statements.created, 3 * 5);
      assert.equal(newer.topics?.statements, 3 * 4 + 3 * 5);
      const [{ n }] = await store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM statements WHERE search_vector IS DISTINCT FROM to_tsvector('simple', search_text)`,
      );
      assert.equal(n, 0, 'every search vector is what the database would compute');
      return snapshot(store);
    });
  } finally {
    if (before === undefined) delete process.env.GOVNAV_BULK_COPY;
    else process.env.GOVNAV_BULK_COPY = before;
    if (beforeTriggers === undefined) delete process.env.GOVNAV_BULK_TRIGGERS;
    else process.env.GOVNAV_BULK_TRIGGERS = beforeTriggers;
  }
}

test(`[${ENGINE}] import: statements written by COPY equal those written by multi-row INSERT (every table the import writes)`, async (t) => {
  const file = join(tempDir(t), 'bulk.govnav.json');
  const next = join(tempDir(t), 'bulk-2.govnav.json');
  writeFileSync(file, JSON.stringify(corpus('bulk-copy', 3, 40)));
  writeFileSync(next, JSON.stringify(corpus('bulk-copy', 3, 45, undefined, 2)));
  const viaInsert = await importWith('0', file, next);
  // COPY without row triggers (both test engines connect as a superuser), and with them.
  const viaCopy = await importWith('1', file, next);
  const viaCopyTriggers = await importWith('1', file, next, true);
  assert.ok((viaCopy.statements as unknown[]).length === 135 && (viaCopy.norms as unknown[]).length === 135);
  assert.ok((viaCopy.labels as unknown[]).length > 0 && (viaCopy.topics as unknown[]).length > 0, 'labels and topic links written');
  for (const table of Object.keys(viaInsert)) {
    assert.deepEqual(viaCopy[table], viaInsert[table], `table ${table}`);
    assert.deepEqual(viaCopyTriggers[table], viaInsert[table], `table ${table} (COPY with row triggers)`);
  }
  // The awkward characters arrive intact.
  const names = new Set((viaCopy.statements as { name: string }[]).map((r) => r.name));
  for (const a of AWKWARD) assert.ok(names.has(a), `name ${JSON.stringify(a)} stored as given`);
});

test(`[${ENGINE}] import: a row the database rejects mid-COPY rolls the whole import back and names file, document and statement`, async (t) => {
  const dir = tempDir(t);
  const good = join(dir, 'good.govnav.json');
  const bad = join(dir, 'bad.govnav.json');
  writeFileSync(good, JSON.stringify(corpus('bulk-good', 1, 10)));
  // 2,700 statements: the rejected row is in the second COPY chunk, written while the next is prepared.
  writeFileSync(bad, JSON.stringify(corpus('bulk-bad', 3, 900, { doc: 2, st: 817 })));
  await withStore(async (store) => {
    await importPath(store, good);
    const before = await counts(store);
    const [{ n: norms }] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM statement_norms');
    await assert.rejects(importPath(store, bad), (e: Error) => {
      assert.match(e.message, /bad\.govnav\.json/);
      assert.match(e.message, /doc-2/);
      assert.match(e.message, /statement s817\b/);
      return true;
    });
    assert.deepEqual(await counts(store), before, 'nothing of the failed import remains');
    const [{ n: after }] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM statement_norms');
    assert.equal(after, norms);
    const ds = await store.db.query(`SELECT id FROM datasets WHERE id = 'bulk-bad'`);
    assert.equal(ds.length, 0);
  });
});

test(`[${ENGINE}] import: progress moves while the statements of one group are written, and ends at the total`, async (t) => {
  const file = join(tempDir(t), 'progress.govnav.json');
  writeFileSync(file, JSON.stringify(corpus('bulk-progress', 3, 900)));
  await withStore(async (store) => {
    const seen: [number, number][] = [];
    await importPath(store, file, { onProgress: (done, total) => seen.push([done, total]) });
    assert.ok(seen.length > 3, `progress reported ${seen.length} times`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0], 'progress never goes back');
    assert.deepEqual(seen.at(-1), [2700, 2700]);
  });
});

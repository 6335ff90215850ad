// Ingest writes new statements, their MinHash signatures and the outline by COPY where the engine
// can (src/store/bulk/copy.ts); with GOVNAV_BULK_COPY=0 it uses multi-row inserts. Both must leave
// exactly the same rows, for a first ingest, a second document with near-duplicates of the first,
// and a re-ingest of a changed version (updated, new and retired statements).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestOne } from '../../src/ingest/index.ts';
import type { Db } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { withStore } from './helpers.ts';

function markdown(title: string, items: number, edition: number): string {
  const lines = [`# ${title}`, '', 'Providers of general-purpose models shall:', ''];
  for (let i = 1; i <= items; i++)
    lines.push(`- Keep records of evaluation ${i} for system ${i % 7}, including the results of red-team exercise ${i * 3}${edition > 1 && i % 5 === 0 ? ' and the mitigations adopted' : ''}.`);
  lines.push('', '## Oversight', '', 'Deployers must monitor the operation of high-risk AI systems and report serious incidents without delay.', '');
  lines.push('| Control | Owner |', '| --- | --- |', '| Access logging | Security team |', '| Incident reporting | Compliance |', '');
  return lines.join('\n');
}

/** Every row ingest writes, without timestamps. */
async function rows(db: Db): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => db.query(sql);
  return {
    statements: await q(
      `SELECT id, document_id, source_key, kind, parent_id, ord, name, text, heading_path, page, char_start, char_end, language, meta,
         search_text, search_vector::text AS tsv, content_hash, same_as, retired_at IS NULL AS live FROM statements ORDER BY id`,
    ),
    norms: await q('SELECT statement_id, content_hash, norm_hash FROM statement_norms ORDER BY statement_id'),
    minhash: await q('SELECT statement_id, document_id, content_hash, signature::text AS sig, bands FROM statement_minhash ORDER BY statement_id'),
    blocks: await q(
      `SELECT document_id, ord, anchor, kind, level, marker, ordered, page, hint, char_start, char_end, cells::text AS cells, heading_path,
         role, role_source, confidence, reason, statement_id FROM document_blocks ORDER BY document_id, ord`,
    ),
  };
}

async function ingestAll(copy: '0' | '1', dir: string): Promise<Record<string, unknown[]>> {
  const before = process.env.GOVNAV_BULK_COPY;
  process.env.GOVNAV_BULK_COPY = copy;
  try {
    let out: Record<string, unknown[]> = {};
    await withStore(async (store) => {
      const a = join(dir, 'a.md');
      writeFileSync(a, markdown('Record keeping for model providers', 60, 1));
      const opts = { title: 'Record keeping for model providers', organisation: 'Example Office' };
      const first = await ingestOne(store.db, a, opts);
      assert.ok(first.created >= 60);
      const b = join(dir, 'b.md');
      writeFileSync(b, markdown('Another office copies the records guidance', 40, 1));
      const second = await ingestOne(store.db, b, { organisation: 'Other Office' });
      assert.ok(second.nearDuplicates.length > 0, 'the second document has near-duplicates of the first');
      writeFileSync(a, markdown('Record keeping for model providers', 70, 2));
      const again = await ingestOne(store.db, a, opts);
      assert.equal(again.documentId, first.documentId);
      assert.ok(again.updated > 0 && again.created > 0, 'a changed version updates and adds statements');
      out = await rows(store.db);
    });
    return out;
  } finally {
    if (before === undefined) delete process.env.GOVNAV_BULK_COPY;
    else process.env.GOVNAV_BULK_COPY = before;
  }
}

test(`[${ENGINE}] ingest: statements, signatures and outline written by COPY equal those written by multi-row inserts`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-ingest-copy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const viaInsert = await ingestAll('0', dir);
  const viaCopy = await ingestAll('1', dir);
  assert.ok((viaCopy.minhash as unknown[]).length > 100 && (viaCopy.blocks as unknown[]).length > 100);
  for (const table of Object.keys(viaInsert)) assert.deepEqual(viaCopy[table], viaInsert[table], `table ${table}`);
});

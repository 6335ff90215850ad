// Moving a store between engines and backing it up: `db copy` (embedded ⇄ PostgreSQL) and
// `db dump|restore`, each verified per table by row counts and checksums, in one transaction on the
// target; a target with data, or a damaged dump, writes nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { insertClassifications, openStore, upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { copyStore, dumpStore, restoreStore, tableChecksum, listTables } from '../../src/store/copy.ts';
import { insertJob } from '../../src/jobs/store.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const dir = mkdtempSync(join(tmpdir(), 'govnav-db-copy-'));
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function track(s: Promise<Store>): Promise<Store> {
  const st = await s;
  stores.push(st);
  return st;
}

/** A fresh embedded store in memory, whatever DATABASE_URL says. */
const pglite = () => track(openStore({ config: { ...loadConfig({ ...process.env, GOVNAV_CONFIG: '' }), databaseUrl: undefined }, memory: true }));

async function seed(s: Store): Promise<void> {
  await upsertDataset(s.db, { id: 'copy-test', version: '1', licence: 'CC-BY-4.0', attribution: 'test' });
  const provenance = { dataset: 'copy-test', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'test' };
  const { id } = await upsertDocument(s.db, { sourceKey: 'd1', title: 'Framework “ünïcode” 人工智能', organisation: 'Lab', year: 2025, docType: 'framework', provenance });
  const { ids } = await upsertStatements(s.db, id, [
    { sourceKey: 'p', kind: 'mitigation', ord: 0, name: 'parent', text: 'Govern the model.' },
    { sourceKey: 'c', kind: 'mitigation', ord: 1, name: 'child', text: 'Red team it before release; log "quotes" and \\ backslashes.', parentSourceKey: 'p' },
    { sourceKey: 'r', kind: 'risk', ord: 2, name: 'risk', text: '模型可能泄露个人信息。' },
  ]);
  await insertClassifications(s.db, s.taxonomies, [
    { statementId: ids.get('c')!, taxonomy: 'mitigation-v2', code: '1.1', source: 'embedded', human: false, model: 'm', confidence: 0.731, reasoning: 'because' },
  ]);
  await insertJob(s.db, { kind: 'topics-link', params: { rebuild: true, nested: { a: [1, 2.5, null] } }, engine: 'inline', maxAttempts: 1 });
}

async function sums(s: Store): Promise<Record<string, string>> {
  return s.db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL TIME ZONE 'UTC'`);
    const out: Record<string, string> = {};
    for (const t of await listTables(tx)) {
      const r = await tableChecksum(tx, t);
      out[t.name] = `${r.rows}:${r.checksum}`;
    }
    return out;
  });
}

test(`dump and restore round trip (${ENGINE})`, async () => {
  const src = await track(openTestStore());
  await seed(src);
  const file = join(dir, 'backup.jsonl.gz');
  const dumped = await dumpStore(src.db, file);
  assert.ok(dumped.find((r) => r.table === 'statements')!.rows === 3);
  const dst = await track(openTestStore());
  const restored = await restoreStore(dst.db, file);
  assert.deepEqual(restored.map((r) => [r.table, r.rows, r.checksum]), dumped.map((r) => [r.table, r.rows, r.checksum]));
  assert.deepEqual(await sums(dst), await sums(src));
  const [child] = parseRows(z.object({ parent_id: z.string().nullable(), text: z.string() }), await dst.db.query(`SELECT parent_id, text FROM statements WHERE name = 'child'`), 'test rows');
  assert.ok(child!.parent_id, 'self references survive');
  // new rows after a restore get fresh ids (sequences moved past the restored ones)
  const inserted = await dst.db.query(`INSERT INTO feedback (kind, message, page) VALUES ('other', 'hi', '/') RETURNING id`).catch(() => [{ id: -1 }]);
  const [{ id }] = parseRows(z.object({ id: z.coerce.number() }), inserted, 'new feedback id') as [{ id: number }];
  assert.notEqual(id, -1);

  // a target with data is refused, naming the table; nothing is written
  await assert.rejects(() => restoreStore(dst.db, file), /already holds data: .*statements/);
  // a damaged dump (one row changed) fails verification and writes nothing
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('Govern the model.'));
  lines[i] = lines[i]!.replace('Govern the model.', 'Govern the modal.');
  const bad = join(dir, 'bad.jsonl.gz');
  writeFileSync(bad, gzipSync(lines.join('\n')));
  const empty = await track(openTestStore());
  await assert.rejects(() => restoreStore(empty.db, bad), /Verification failed for table statements/);
  assert.equal((await empty.db.query('SELECT 1 FROM statements')).length, 0);
  assert.equal((await empty.db.query('SELECT 1 FROM documents')).length, 0);
});

test('db copy: embedded → PostgreSQL → embedded, verified per table', { skip: ENGINE === 'postgres' ? false : 'copying to PostgreSQL needs one (set DATABASE_URL)' }, async () => {
  const embedded = await pglite();
  await seed(embedded);
  const pg = await track(openTestStore());
  const there = await copyStore(embedded.db, pg.db);
  assert.equal(there.find((r) => r.table === 'classifications')!.rows, 1);
  const back = await pglite();
  const again = await copyStore(pg.db, back.db);
  assert.deepEqual(again, there);
  assert.deepEqual(await sums(back), await sums(embedded));
  assert.deepEqual(await sums(pg), await sums(embedded));
  await assert.rejects(() => copyStore(embedded.db, pg.db), /already holds data/);
});

test('govnav db dump | db restore between two data directories (CLI)', async () => {
  const { runCli } = await import('../helpers/cli.ts');
  const saved = { ...process.env };
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const file = join(dir, 'cli.jsonl.gz');
  try {
    process.env = { ...saved, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1', GOVNAV_DATA_DIR: a } as NodeJS.ProcessEnv;
    delete process.env.DATABASE_URL;
    const s = await openStore({ config: loadConfig() });
    await seed(s);
    await s.close();
    const d = await runCli(['db', 'dump', file]);
    assert.equal(d.code, 0, d.err);
    assert.match(d.out, /statements\s+3 /);
    process.env.GOVNAV_DATA_DIR = b;
    const r = await runCli(['db', 'restore', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /restored from .* and verified/);
    const again = await runCli(['db', 'restore', file]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /already holds data/);
    const copy = await runCli(['db', 'copy']);
    assert.notEqual(copy.code, 0);
    assert.match(copy.err, /--to <postgres url> or --from/);
  } finally {
    process.env = saved;
  }
});

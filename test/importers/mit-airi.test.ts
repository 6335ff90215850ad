import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { importPath, ImportError } from '../../src/importers/index.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, labelCounts, sorted, tally, tempDir, withStore } from './_util.ts';

const DIR = 'data/mit-airi-risk-db-v4';
const XLSX = `${DIR}/The_AI_Risk_Repository_V4_03_12_2025.xlsx`;
const DB_CSV = `${DIR}/ai_risk_database_v4.csv`;
const RES_CSV = `${DIR}/included_resources_v4.csv`;

type Row = Record<string, string>;
const readRows = (p: string): Row[] => parse(readFileSync(p), { columns: true, bom: true }) as Row[];

/** Expected label counts, parsed independently from the CSV export with plain regular expressions. */
function expectedLabels(rows: Row[]): Map<string, number> {
  const keys: string[] = [];
  for (const r of rows) {
    if (r['Category level'] === 'Paper') continue;
    for (const [col, tax] of [['Entity', 'risk-entity'], ['Intent', 'risk-intent'], ['Timing', 'risk-timing']] as const) {
      const m = /^(\d)\s*-/.exec(r[col]!.trim());
      if (m) keys.push(`${tax} ${m[1]}`);
    }
    const sub = /^([0-9X]\.\d)\s*>/.exec(r['Sub-domain']!.trim());
    const dom = /^(\d)\./.exec(r['Domain']!.trim());
    if (sub) keys.push(`risk-domain ${sub[1]}`);
    else if (dom) keys.push(`risk-domain ${dom[1]}`);
  }
  return tally(keys);
}

test(`[${ENGINE}] MIT risk workbook: counts, hierarchy, provenance, idempotence, and the CSV export gives the same`, async (t) => {
  const xlsx = requireShared(t, XLSX);
  const dbCsv = requireShared(t, DB_CSV);
  const resCsv = requireShared(t, RES_CSV);
  if (!xlsx || !dbCsv || !resCsv) return;
  const rows = readRows(dbCsv);
  const resources = readRows(resCsv);
  const levels = tally(rows.map((r) => r['Category level']!));
  assert.equal(rows.length, 2574);
  assert.deepEqual(sorted(levels), [['Additional evidence', 665], ['Paper', 74], ['Risk Category', 570], ['Risk Sub-Category', 1265]]);
  assert.equal(resources.length, 74);

  await withStore(async (store) => {
    const s1 = await importPath(store, xlsx);
    assert.equal(s1.format, 'mit-airi-xlsx');
    assert.deepEqual(s1.documents, { created: 74, updated: 0, unchanged: 0, retired: 0, skipped: 0 });
    assert.equal(s1.statements.created, rows.length - levels.get('Paper')!);
    assert.deepEqual(s1.statements.byKind, { risk: 2500 });

    // Every row kept: one statement per non-Paper row, even with duplicate Ev_IDs and empty descriptions.
    const dup = [...tally(rows.map((r) => r.Ev_ID!))].filter(([, n]) => n > 1).map(([k]) => k).sort();
    const anomaly = s1.anomalies.find((a) => a.code === 'duplicate-ev-id')!;
    assert.deepEqual(anomaly.examples!.map((e) => e.split(' ')[0]).sort(), dup);
    const emptyDefs = rows.filter((r) => (r['Category level'] === 'Risk Category' || r['Category level'] === 'Risk Sub-Category') && !r.Description!.trim()).length;
    assert.equal(s1.anomalies.find((a) => a.code === 'empty-description')!.count, emptyDefs);
    const [{ n: dupStored }] = await store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM statements WHERE meta->>'evId' = $1`,
      [dup[0]],
    );
    assert.equal(dupStored, tally(rows.map((r) => r.Ev_ID!)).get(dup[0]!));

    // Labels per taxonomy and code, against the independent parse.
    assert.deepEqual(sorted(await labelCounts(store, 'mit-airi-risk-db')), sorted(expectedLabels(rows)));
    const special = await store.db.query<{ code: string; source_value: string; human: boolean; source: string }>(
      `SELECT DISTINCT code, source_value, human, source FROM classifications WHERE code IN ('X.1', 'X.0', '4', '4.0') ORDER BY code, source_value`,
    );
    assert.ok(special.some((r) => r.code === 'X.1' && r.source_value === 'X.1 > Excluded' && r.human && r.source === 'imported'));
    assert.ok(special.some((r) => r.code === '4' && r.source_value === '4 - Not coded'));
    assert.ok(special.some((r) => r.code === '4.0' && r.source_value === '4.0 > Malicious use'));

    // Hierarchy: a sub-category's parent is the category row of the same paper and Cat_ID.
    const pairs = await store.db.query<{ child: string; parent: string | null; plevel: string | null; clevel: string }>(
      `SELECT c.meta->>'evId' AS child, p.meta->>'evId' AS parent, p.meta->>'level' AS plevel, c.meta->>'level' AS clevel
       FROM statements c LEFT JOIN statements p ON p.id = c.parent_id`,
    );
    const byChild = new Map(pairs.map((p) => [p.child, p]));
    assert.equal(byChild.get('01.01.00.a')!.parent, '01.01.00');
    for (const p of pairs.filter((x) => x.clevel === 'Risk Sub-Category' && x.parent)) {
      assert.equal(p.plevel, 'Risk Category', p.child);
      assert.equal(p.parent!.split('.').slice(0, 2).join('.'), p.child.split('.').slice(0, 2).join('.'), p.child);
    }
    const catKeys = new Set(rows.filter((r) => r['Category level'] === 'Risk Category').map((r) => r.Ev_ID!.split('.').slice(0, 2).join('.')));
    const orphanSubs = rows.filter((r) => r['Category level'] === 'Risk Sub-Category' && !catKeys.has(r.Ev_ID!.split('.').slice(0, 2).join('.'))).length;
    assert.equal(pairs.filter((x) => x.clevel === 'Risk Sub-Category' && !x.parent).length, orphanSubs);
    // Page references: P.Def → locator.
    const [withRef] = await store.db.query<{ locator_ref: string }>(`SELECT locator_ref FROM statements WHERE meta->>'evId' = '01.01.00'`);
    assert.equal(withRef!.locator_ref, `p. ${rows.find((r) => r.Ev_ID === '01.01.00')!['P.Def']}`);

    // Provenance on every document; the Paper row's information is kept in the document's meta.
    const docs = await store.db.query<{ licence: string; attribution: string; dataset_version: string; meta: Record<string, unknown>; doi: string | null; title: string }>(
      `SELECT licence, attribution, dataset_version, meta, doi, title FROM documents`,
    );
    assert.equal(docs.length, 74);
    for (const d of docs) {
      assert.equal(d.licence, 'CC-BY-4.0');
      assert.match(d.attribution, /Slattery/);
      assert.equal(d.dataset_version, 'v4');
    }
    const tasra = docs.find((d) => d.meta.paperId === 1)!;
    assert.equal(tasra.title, resources.find((r) => r.Paper_ID === '1')!.Title);
    assert.equal((tasra.meta.paperRow as { evId: string }[])[0]!.evId, '01.00.00');

    // Idempotent: the same workbook again changes nothing.
    const before = await counts(store);
    const s2 = await importPath(store, xlsx);
    assert.deepEqual([s2.documents.unchanged, s2.statements.unchanged, s2.statements.created + s2.statements.updated, s2.labels.inserted], [74, 2500, 0, 0]);
    assert.deepEqual(await counts(store), before);
    // The CSV export is the same data: importing it over the workbook changes nothing either.
    const s3 = await importPath(store, dbCsv);
    assert.equal(s3.format, 'mit-airi-csv');
    assert.deepEqual([s3.documents.unchanged, s3.statements.unchanged, s3.statements.updated, s3.labels.inserted], [74, 2500, 0, 0]);
    assert.deepEqual(await counts(store), before);
  });
});

/** Copy the CSV pair to a temp dir, letting `edit` change the database rows first. */
function csvCopy(dir: string, dbCsv: string, resCsv: string, edit: (rows: Row[]) => Row[], editRes?: (rows: Row[]) => Row[]): string {
  const rows = edit(readRows(dbCsv));
  const header = Object.keys(readRows(dbCsv)[0]!);
  writeFileSync(join(dir, 'ai_risk_database_v4.csv'), stringify(rows, { header: true, columns: header }));
  if (editRes) {
    const res = editRes(readRows(resCsv));
    writeFileSync(join(dir, 'included_resources_v4.csv'), stringify(res, { header: true, columns: Object.keys(readRows(resCsv)[0]!) }));
  } else copyFileSync(resCsv, join(dir, 'included_resources_v4.csv'));
  return join(dir, 'ai_risk_database_v4.csv');
}

test(`[${ENGINE}] MIT risk CSV, newer version: one changed, one dropped, one added; ids kept`, async (t) => {
  const dbCsv = requireShared(t, DB_CSV);
  const resCsv = requireShared(t, RES_CSV);
  if (!dbCsv || !resCsv) return;
  const dir = tempDir(t);
  const next = csvCopy(dir, dbCsv, resCsv, (rows) => {
    const out = rows.filter((r) => r.Ev_ID !== '01.02.00.a');
    const i = out.findIndex((r) => r.Ev_ID === '01.01.00');
    out[i] = { ...out[i]!, Description: out[i]!.Description + ' (revised)' };
    const add = { ...out.find((r) => r.Ev_ID === '01.01.00.a')!, Ev_ID: '01.01.00.z', AddEv_ID: '26', 'Additional ev.': 'A new piece of evidence.' };
    out.splice(i + 1, 0, add);
    return out;
  });
  await withStore(async (store) => {
    await importPath(store, dbCsv);
    const idOf = async (ev: string) =>
      (await store.db.query<{ id: string; retired_at: Date | null; text: string; parent_id: string | null }>(
        `SELECT id, retired_at, text, parent_id FROM statements WHERE meta->>'evId' = $1`, [ev]))[0];
    const changed = (await idOf('01.01.00'))!;
    const dropped = (await idOf('01.02.00.a'))!;
    const s = await importPath(store, next);
    assert.deepEqual([s.statements.created, s.statements.updated, s.statements.retired, s.statements.unchanged], [1, 1, 1, 2498]);
    assert.equal(s.documents.updated + s.documents.created, 0);
    const after = (await idOf('01.01.00'))!;
    assert.equal(after.id, changed.id);
    assert.match(after.text, /\(revised\)$/);
    assert.ok((await idOf('01.02.00.a'))!.retired_at);
    assert.equal((await idOf('01.02.00.a'))!.id, dropped.id);
    const added = (await idOf('01.01.00.z'))!;
    assert.equal(added.parent_id, changed.id);
  });
});

test(`[${ENGINE}] MIT risk importer: broken files are refused with file, row and field, and change nothing`, async (t) => {
  const xlsx = requireShared(t, XLSX);
  const dbCsv = requireShared(t, DB_CSV);
  const resCsv = requireShared(t, RES_CSV);
  if (!xlsx || !dbCsv || !resCsv) return;
  const rows = readRows(dbCsv);
  const base = tempDir(t);
  const sub = (name: string) => {
    const d = join(base, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  // 1. A truncated workbook.
  const truncated = join(base, 'truncated.xlsx');
  const bytes = readFileSync(xlsx);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  // 2. Wrong columns.
  const wrong = csvCopy(sub('wrong'), dbCsv, resCsv, (rs) => rs.map((r) => ({ ...r })));
  writeFileSync(wrong, readFileSync(wrong, 'utf8').replace(/^(.*?)Description,/, '$1Desc,'));
  // 3. An unknown code.
  const badIdx = rows.findIndex((r) => r.Ev_ID === '02.01.00');
  const unknown = csvCopy(sub('unknown'), dbCsv, resCsv, (rs) => rs.map((r, i) => (i === badIdx ? { ...r, 'Sub-domain': '9.9 > Nonsense' } : r)));
  // 4. Latin-1 bytes in a UTF-8 CSV.
  const latinIdx = rows.findIndex((r) => r.Ev_ID === '03.01.00');
  const latin = csvCopy(sub('latin'), dbCsv, resCsv, (rs) => rs.map((r, i) => (i === latinIdx ? { ...r, Description: 'MARKER' } : r)));
  const txt = readFileSync(latin, 'utf8');
  const at = txt.indexOf('MARKER');
  writeFileSync(latin, Buffer.concat([Buffer.from(txt.slice(0, at), 'utf8'), Buffer.from('Caf\u00e9 na\u00efve', 'latin1'), Buffer.from(txt.slice(at + 6), 'utf8')]));
  // 5. A duplicate Paper_ID among the included resources.
  const dupRes = csvCopy(sub('dup'), dbCsv, resCsv, (rs) => rs, (res) => [...res.slice(0, 5), { ...res[4]!, Title: 'Another title' }, ...res.slice(5)]);

  await withStore(async (store) => {
    await importPath(store, dbCsv);
    const before = await counts(store);
    const refuse = async (path: string, re: RegExp) => {
      await assert.rejects(importPath(store, path), (e: Error) => {
        assert.ok(e instanceof ImportError, e.message);
        assert.match(e.message, re);
        return true;
      });
      assert.deepEqual(await counts(store), before, path);
    };
    await refuse(truncated, /truncated\.xlsx: not a readable XLSX workbook/);
    await refuse(wrong, /ai_risk_database_v4\.csv: wrong columns for the AI Risk Database: missing "Description"/);
    await refuse(unknown, new RegExp(`ai_risk_database_v4\\.csv, row ${badIdx + 2}, \\(02\\.01\\.00\\), field "Sub-domain": "9\\.9 > Nonsense" is not a code of taxonomy risk-domain`));
    await refuse(latin, new RegExp(`row ${latinIdx + 2}, \\(?.*field "Description": invalid UTF-8 bytes`));
    await refuse(dupRes, /included_resources_v4\.csv, row 7, \(Paper_ID 5\), field "Paper_ID": duplicate Paper_ID \(first at row 6\)/);

    // With --skip-invalid the good rows land; the bad one is listed, with the rows that hang from it.
    const s = await importPath(store, unknown, { skipInvalid: true });
    const family = rows.filter((r) => r.Ev_ID!.startsWith('02.01.')).length;
    assert.ok(family > 1);
    assert.equal(s.skipped.length, family);
    assert.equal(s.skipped[0]!.field, 'Sub-domain');
    assert.equal(s.skipped[0]!.row, badIdx + 2);
    for (const x of s.skipped.slice(1)) assert.match(x.message, /skipped with its parent row 02\.01\.00/);
    assert.equal(s.statements.unchanged, 2500 - family);
    assert.equal(s.statements.updated + s.statements.created, 0);
    assert.ok(s.retirementSuspended);
    assert.equal(s.statements.retired, 0);
    const after = await counts(store);
    assert.equal(after.live, before.live); // the skipped row is not retired
  });
});

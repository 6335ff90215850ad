// Works detection from texts the caller knows (an import's new documents, KnownTexts) gives the
// same works, matches and canonical statements as the detection that compares every pair of
// documents in SQL; and after an import, a full detection over the whole store changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPath } from '../../src/importers/index.ts';
import type { StatementInput, StatementKind } from '../../src/model/index.ts';
import {
  detectWorks,
  normHash,
  retireMissingDocuments,
  upsertDataset,
  upsertDocument,
  upsertStatements,
  type Db,
  type DetectReport,
  type Store,
} from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { tempDir } from '../importers/_util.ts';

const T = (topic: string, i: number) => `Organisations should ${topic} the safeguard number ${i} and report on it every year.`;

type Spec = { dataset: string; key: string; title: string; year?: number; texts: [StatementKind, string][] };

async function addDocument(db: Db, d: Spec): Promise<string> {
  await upsertDataset(db, { id: d.dataset, version: 'v1', licence: 'CC-BY-4.0', attribution: d.dataset });
  const doc = await upsertDocument(db, {
    sourceKey: d.key,
    title: d.title,
    year: d.year,
    docType: 'framework',
    language: 'en',
    provenance: { dataset: d.dataset, datasetVersion: 'v1', licence: 'CC-BY-4.0', attribution: d.dataset },
    meta: {},
  });
  const inputs: StatementInput[] = d.texts.map(([kind, text], i) => ({ sourceKey: `${d.key}-${i}`, kind, ord: i, name: '', text, headingPath: [], locator: {}, language: 'en', meta: {} }));
  await upsertStatements(db, doc.id, inputs);
  return doc.id;
}

const m = (texts: string[]): [StatementKind, string][] => texts.map((t) => ['mitigation', t]);

/** In the store before: two documents of set-a, and a retired one. */
const BEFORE: Spec[] = [
  { dataset: 'set-a', key: 'a1', title: 'Guidance on model release', year: 2024, texts: m([0, 1, 2, 3, 4].map((i) => T('test', i)).concat(T('test', 0).toUpperCase())) },
  { dataset: 'set-a', key: 'a2', title: 'Practices for incident response', year: 2023, texts: m([0, 1, 2, 3, 4, 5, 6, 7].map((i) => T('monitor', i))) },
  { dataset: 'set-a', key: 'a3', title: 'Withdrawn guidance', year: 2022, texts: m([0, 1, 2, 3].map((i) => T('retire', i))) },
];

/** Written in one transaction, then detected with or without KnownTexts. */
const NEW: Spec[] = [
  // Three of a1's five distinct texts, three of its own four: the same work by shared texts (just).
  { dataset: 'ingest', key: 'n1', title: 'A PDF of something', texts: m([1, 2, 3].map((i) => T('test', i)).concat('A text only this document has, about red teaming.')) },
  // Two new ingests sharing their texts with each other (ingests may be the same work as each other).
  { dataset: 'ingest', key: 'n2', title: 'Scan one', texts: m([0, 1, 2, 3].map((i) => T('audit', i))) },
  { dataset: 'ingest', key: 'n3', title: 'Scan two', texts: m([0, 1, 2, 3, 4].map((i) => T('audit', i))) },
  // The texts of the retired document: not a match.
  { dataset: 'ingest', key: 'n4', title: 'Scan three', texts: m([0, 1, 2, 3].map((i) => T('retire', i))) },
  // Two of a2's texts (too few), and one text twice in the document.
  { dataset: 'set-b', key: 'n5', title: 'Annex on logging', texts: m([T('monitor', 0), T('monitor', 1), T('log', 0), T('log', 1), T('log', 0)]) },
  // a2's title and year: the same work by title; one of a2's texts, so a canonical across documents; and a short text.
  { dataset: 'set-b', key: 'n6', title: 'Practices for incident response', year: 2023, texts: m([T('monitor', 3), T('escalate', 0), 'Short.']) },
  // a1's texts as risks: another kind, so not shared.
  { dataset: 'set-c', key: 'n7', title: 'Risks of release', texts: [0, 1, 2, 3, 4].map((i): [StatementKind, string] => ['risk', T('test', i)]) },
  // Three of a2's eight texts, three of its own seven: too few (a share of the smaller document).
  { dataset: 'ingest', key: 'n8', title: 'Scan four', texts: m([4, 5, 6].map((i) => T('monitor', i)).concat([0, 1, 2, 3].map((i) => T('review', i)))) },
  // Two new ingests sharing three of their seven texts each: too few.
  { dataset: 'ingest', key: 'n9', title: 'Scan five', texts: m([0, 1, 2, 3, 4, 5, 6].map((i) => T('train', i))) },
  { dataset: 'ingest', key: 'n10', title: 'Scan six', texts: m([4, 5, 6, 7, 8, 9, 10].map((i) => T('train', i))) },
];

function knownOf(ids: string[]): Map<string, string[]> {
  return new Map(ids.map((id, i) => [id, NEW[i]!.texts.flatMap(([kind, text]) => (normHash(text) ? [`${kind} ${normHash(text)}`] : []))]));
}

/** Everything works detection writes. */
async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  return {
    documents: await db.query('SELECT id, work_id, work_match FROM documents ORDER BY id'),
    works: await db.query('SELECT id, title, year, doi, merged_into FROM works ORDER BY id'),
    statements: await db.query('SELECT id, same_as FROM statements ORDER BY id'),
  };
}

async function scenario(useKnown: boolean): Promise<{ report: DetectReport; tables: Record<string, unknown[]>; ids: string[] }> {
  const store: Store = await openTestStore();
  try {
    const db = store.db;
    await db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const d of BEFORE) ids.push(await addDocument(tx, d));
      await detectWorks(tx, { documentIds: ids });
      await retireMissingDocuments(tx, 'set-a', ids.slice(0, 2));
    });
    return await db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const d of NEW) ids.push(await addDocument(tx, d));
      const report = await detectWorks(tx, { documentIds: ids, ...(useKnown ? { known: knownOf(ids) } : {}) });
      return { report, tables: await snapshot(tx), ids };
    });
  } finally {
    await store.close();
  }
}

test(`[${ENGINE}] works detection from the texts an import knows equals the detection over every pair in SQL`, async () => {
  const sql = await scenario(false);
  const known = await scenario(true);
  assert.deepEqual(known.report, sql.report);
  for (const t of Object.keys(sql.tables)) assert.deepEqual(known.tables[t], sql.tables[t], `table ${t}`);
  // The scenario has each case it means to have.
  const docs = new Map((sql.tables.documents as { id: string; work_id: string; work_match: string }[]).map((d) => [d.id, d]));
  const [n1, n2, n3, n4, n5, n6, n7, n8, n9, n10] = sql.ids.map((id) => docs.get(id)!);
  const [a1, a2, a3] = ['D0001', 'D0002', 'D0003'].map((id) => docs.get(id)!);
  assert.equal(n1!.work_id, a1!.work_id, 'n1 joins a1 by shared texts');
  assert.equal(n1!.work_match, 'statements');
  assert.equal(n2!.work_id, n3!.work_id, 'two new ingests are one work');
  assert.notEqual(n4!.work_id, a3!.work_id, 'a retired document is no match');
  assert.notEqual(n5!.work_id, a2!.work_id, 'two shared texts are too few');
  assert.equal(n6!.work_id, a2!.work_id, 'n6 joins a2 by title');
  assert.notEqual(n7!.work_id, a1!.work_id, 'the same texts as another kind are not shared');
  assert.notEqual(n8!.work_id, a2!.work_id, 'three of seven texts are too few');
  assert.notEqual(n9!.work_id, n10!.work_id, 'three of seven texts are too few between new documents too');
  assert.ok(sql.report.canonicalChanged >= 3, `canonical statements changed: ${sql.report.canonicalChanged}`);
});

test(`[${ENGINE}] known texts that do not cover every document in scope are not used (same result)`, async () => {
  const store = await openTestStore();
  try {
    await store.db.transaction(async (tx) => {
      const a = await addDocument(tx, BEFORE[0]!);
      const b = await addDocument(tx, { ...NEW[0]!, dataset: 'set-z' });
      // Only b's texts are "known": a's five texts must come from the database, or b would not join.
      const r = await detectWorks(tx, { documentIds: [a, b], known: new Map([[b, knownOf([b]).get(b)!]]) });
      assert.deepEqual(r.joined.map((j) => j.by), ['statements']);
    });
  } finally {
    await store.close();
  }
});

function file(dir: string, name: string, dataset: string, docs: Spec[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      format: 'govnav-json',
      formatVersion: 1,
      dataset: { id: dataset, version: '1', licence: 'CC0-1.0', attribution: 'Test data' },
      documents: docs.map((d) => ({
        key: d.key,
        title: d.title,
        ...(d.year ? { year: d.year } : {}),
        statements: d.texts.map(([kind, text], i) => ({ key: `s${i}`, kind, text, ...(i === 1 ? { labels: [{ taxonomy: 'mitigation-v2', code: '2.2.2', source: 'human' }] } : {}) })),
      })),
    }),
  );
  return path;
}

test(`[${ENGINE}] import: works found from the import's own texts; a full detection afterwards changes nothing`, async (t) => {
  const dir = tempDir(t);
  const store = await openTestStore();
  try {
    const first = await importPath(store, file(dir, 'a.govnav.json', 'set-a', BEFORE.slice(0, 2)));
    assert.equal(first.documents.created, 2);
    const second = await importPath(store, file(dir, 'b.govnav.json', 'set-b', NEW.filter((d) => d.dataset !== 'ingest')));
    const byDoc = new Map(second.works!.joined.map((j) => [j.document, j.by]));
    assert.deepEqual([...byDoc.values()].sort(), ['title'], 'the document with a2\'s title joins it');
    assert.ok(second.works!.canonicalChanged >= 2, 'a text twice in a document, a text shared with a2');
    const third = await importPath(store, file(dir, 'c.govnav.json', 'set-c', [{ ...NEW[0]!, key: 'c1' }, NEW[1]!, NEW[2]!]));
    assert.deepEqual(third.works!.joined.map((j) => j.by), ['statements'], 'c1 joins a1 by texts (n2 and n3 are one dataset)');
    const full = await store.db.transaction((tx) => detectWorks(tx));
    assert.deepEqual(full.joined, []);
    assert.equal(full.canonicalChanged, 0, 'every canonical statement is as the SQL detection computes it');
  } finally {
    await store.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import YAML from 'yaml';
import { importPath, ImportError } from '../../src/importers/index.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE } from '../helpers/store.ts';
import { counts, labelCounts, sorted, tally, tempDir, withStore } from './_util.ts';

type Row = Record<string, string>;

test(`[${ENGINE}] MIT mitigation database: 831 mitigations, 13 documents, v1 labels from the SSSOM file, NIST functions`, async (t) => {
  const controlsPath = requireShared(t, 'data/mit-airi-mitigations-v1/mit_ai_risk_repository_data_controls.yaml');
  const tsvPath = requireShared(t, 'data/mit-airi-mitigations-v1/mit_ai_risk_mitigation_mappings.tsv');
  const csvPath = requireShared(t, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  if (!controlsPath || !tsvPath || !csvPath) return;
  // Independent expectations.
  const controls = (YAML.parse(readFileSync(controlsPath, 'utf8')) as { controls: { id: string; hasDocumentation: string[] }[] }).controls;
  const tsv = readFileSync(tsvPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const h = tsv[0]!;
  const maps = tsv.slice(1).map((c) => Object.fromEntries(h.map((k, i) => [k, c[i] ?? ''])) as Row);
  const v1 = maps.map((m) => {
    const n = /group-([\d.]+)$/.exec(m.object_id!)![1]!;
    return `mitigation-v1 ${/not otherwise categorized/i.test(m.object_label!) ? `${n}.0` : n}`;
  });
  const labelled = parse(readFileSync(csvPath), { columns: true, bom: true }) as Row[];
  const nist = labelled.filter((r) => r.nist_function).map((r) => `nist-ai-rmf ${r.nist_function!.toLowerCase()}`);
  assert.equal(controls.length, 831);
  assert.equal(new Set(controls.map((c) => c.hasDocumentation[0])).size, 13);
  const unlabelled = controls.length - new Set(maps.map((m) => m.subject_id)).size;
  assert.equal(unlabelled, 11);

  await withStore(async (store) => {
    const s = await importPath(store, dirname(controlsPath));
    assert.equal(s.format, 'mit-mitigations');
    assert.deepEqual([s.documents.created, s.statements.created], [13, 831]);
    assert.deepEqual(s.statements.byKind, { mitigation: 831 });
    assert.equal(s.anomalies.find((a) => a.code === 'unlabelled')!.count, unlabelled);
    assert.deepEqual(sorted(await labelCounts(store, 'mit-airi-mitigations')), sorted(tally([...v1, ...nist])));
    // Exact NIST matches are the document's own structure (human); fuzzy ones are not.
    const [{ n: humanNist }] = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifications WHERE taxonomy = 'nist-ai-rmf' AND human`);
    assert.equal(humanNist, labelled.filter((r) => r.nist_match === 'exact').length);
    const [lab] = await store.db.query<{ source_value: string; human: boolean; source: string }>(
      `SELECT c.source_value, c.human, c.source FROM classifications c JOIN statements s ON s.id = c.statement_id
       WHERE s.source_key = 'A0086_Future_of_Life_Institute2024' AND c.taxonomy = 'mitigation-v1'`,
    );
    assert.deepEqual([lab!.human, lab!.source], [true, 'imported']);
    assert.match(lab!.source_value, /Board Structure & Oversight \[mit-draft-ai-risk-mitigation:mit-draft-ai-risk-mitigation-group-1\.1; airisk@mit\.edu/);
    const docs = await store.db.query<{ source_key: string; n: number; licence: string }>(
      `SELECT d.source_key, d.licence, count(s.id)::int AS n FROM documents d JOIN statements s ON s.document_id = d.id GROUP BY 1, 2`,
    );
    assert.equal(docs.find((d) => d.source_key === 'NIST.AI.600-1')!.n, controls.filter((c) => c.hasDocumentation[0] === 'NIST.AI.600-1').length);
    for (const d of docs) assert.equal(d.licence, 'CC-BY-4.0 AND Apache-2.0');
    const before = await counts(store);
    const again = await importPath(store, dirname(controlsPath));
    assert.deepEqual([again.statements.unchanged, again.labels.inserted, again.documents.unchanged], [831, 0, 13]);
    assert.deepEqual(await counts(store), before);
  });
});

test(`[${ENGINE}] NIST AI 600-1 actions: YAML and CSV give the same statements and function labels`, async (t) => {
  const csvPath = requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv');
  const yamlPath = requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_rmf_actions_data.yaml');
  if (!csvPath || !yamlPath) return;
  const rows = parse(readFileSync(csvPath), { columns: true, bom: true }) as Row[];
  assert.equal(rows.length, 212);
  await withStore(async (store) => {
    const s = await importPath(store, yamlPath);
    assert.equal(s.format, 'nist-600-1');
    assert.deepEqual([s.documents.created, s.statements.created], [1, 212]);
    assert.deepEqual(sorted(await labelCounts(store, 'nist-ai-600-1')), sorted(tally(rows.map((r) => `nist-ai-rmf ${r.nist_function!.toLowerCase()}`))));
    const [st] = await store.db.query<{ name: string; text: string; heading_path: string[]; meta: { gaiRisks: string[]; aiActorTasks: string[] } }>(
      `SELECT name, text, heading_path, meta FROM statements WHERE source_key = 'GV-1.1-001'`,
    );
    const row = rows.find((r) => r.action_id === 'GV-1.1-001')!;
    assert.deepEqual(st!.heading_path, ['GOVERN', 'GOVERN 1.1']);
    assert.equal(st!.text, row.description);
    assert.deepEqual(st!.meta.gaiRisks, row.gai_risks!.split(';').map((x) => x.trim()));
    const [doc] = await store.db.query<{ title: string; licence: string; attribution: string }>('SELECT title, licence, attribution FROM documents');
    assert.match(doc!.title, /NIST AI 600-1/);
    assert.match(doc!.attribution, /US government work/);
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifications WHERE human AND source = 'imported'`);
    assert.equal(n, 212);
    // The CSV is the same data.
    const c = await importPath(store, csvPath);
    assert.deepEqual([c.statements.unchanged, c.documents.unchanged, c.labels.inserted], [212, 1, 0]);
  });
});

test(`[${ENGINE}] NIST actions: a function that contradicts the id and a duplicate id are refused`, async (t) => {
  const csvPath = requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv');
  if (!csvPath) return;
  const dir = tempDir(t);
  const lines = readFileSync(csvPath, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('MP-1.1-001,'));
  lines[i] = lines[i]!.replace('MP-1.1-001,MAP,', 'MP-1.1-001,GOVERN,');
  lines.splice(4, 0, lines[2]!);
  const bad = join(dir, 'nist_ai_600_1_actions.csv');
  writeFileSync(bad, lines.join('\n'));
  await withStore(async (store) => {
    await assert.rejects(importPath(store, bad), (e: Error) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /2 invalid rows; nothing was imported/);
      assert.match(e.message, /nist_ai_600_1_actions\.csv, row 5, \(GV-1\.2-001\), field "action_id": duplicate action id \(first at row 3\)/);
      assert.match(e.message, new RegExp(`row ${i + 2}, \\(MP-1\\.1-001\\), field "nist_function": "GOVERN" disagrees with the action id \\(MAP\\)`));
      return true;
    });
    assert.equal((await counts(store)).statements, 0);
    const s = await importPath(store, bad, { skipInvalid: true });
    assert.deepEqual([s.statements.created, s.skipped.length], [211, 2]);
  });
});

// The project's annotated set imported as the dataset govnav-annotations: statements per source
// document, pass-1 labels with source 'annotation' (never human), labels also on matching statements
// of other datasets, idempotent, and a broken line refused with its file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPath, ImportError, detectFormat } from '../../src/importers/index.ts';
import { readAnnotationSet, normaliseForMatch } from '../../src/importers/annotations.ts';
import { ENGINE } from '../helpers/store.ts';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { provenance } from '../../src/web/components/labels.ts';
import { annotatedExamples, storeFewShot } from '../../src/classify/llm/fewshot.ts';
import { insertClassifications, currentLabels, type ClassificationRow } from '../../src/store/index.ts';
import { counts, tempDir, withStore } from './_util.ts';
import { labelFor, makeItems, writeSet, jsonl, type FixtureLabel } from '../eval/annotation-fixture.ts';

function smallSet() {
  const { items, kindOf } = makeItems(3, 3); // 9 items in 3 documents
  const pass1: FixtureLabel[] = items.map((it) => labelFor(it.id, kindOf.get(it.id)!));
  // One item is not a mitigation; one has no label on risk-domain.
  pass1[1] = { id: items[1]!.id, mitigation: false, reason: 'A definition, not a measure.', annotator: 'pass1/t' };
  const l2 = pass1[2] as Extract<FixtureLabel, { mitigation: true }>;
  l2.labels['risk-domain'] = { code: null };
  return { items, pass1 };
}

test(`[${ENGINE}] annotations/: imported as govnav-annotations with source 'annotation', human false, idempotent`, async (t) => {
  const { items, pass1 } = smallSet();
  const dir = writeSet(t, { items, pass1, pass2: [labelFor(items[0]!.id, 0, 'pass2/c')] });
  assert.equal(detectFormat(dir).format, 'govnav-annotations');
  await withStore(async (store) => {
    const s = await importPath(store, dir);
    assert.equal(s.format, 'govnav-annotations');
    assert.equal(s.dataset.id, 'govnav-annotations');
    assert.equal(s.documents.created, 3);
    assert.equal(s.statements.created, 8, 'the item marked mitigation:false is skipped');
    assert.equal(s.labels.inserted, 8 * 5 - 1, 'five axes per item, one axis left without a code');
    const [ds] = await store.db.query<{ licence: string; attribution: string; version: string }>(`SELECT licence, attribution, version FROM datasets WHERE id = 'govnav-annotations'`);
    assert.equal(ds!.licence, 'CC-BY-4.0');
    assert.match(ds!.attribution, /govnav project annotation/);
    assert.equal(ds!.version, 'test-1');
    const docs = await store.db.query<{ source_key: string; licence: string; attribution: string; n: number }>(
      `SELECT d.source_key, d.licence, d.attribution, count(s.id)::int AS n FROM documents d JOIN statements s ON s.document_id = d.id
       WHERE d.dataset = 'govnav-annotations' GROUP BY 1, 2, 3 ORDER BY 1`,
    );
    assert.deepEqual(docs.map((d) => [d.source_key, d.n]), [['doc-0', 2], ['doc-1', 3], ['doc-2', 3]]);
    assert.match(docs[1]!.licence, /CC-BY-4\.0 \(item texts\); CC-BY-4\.0 \(labels\)/);
    assert.match(docs[0]!.licence, /public domain \(item texts\)/);
    assert.match(docs[1]!.attribution, /MIT AI Risk Mitigation Database.*Labels: govnav project annotation/);
    const st = await store.db.query<{ source_key: string; kind: string; name: string; meta: Record<string, string>; locator_ref: string }>(
      `SELECT s.source_key, s.kind, s.name, s.meta, s.locator_ref FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'govnav-annotations' ORDER BY 1`,
    );
    assert.ok(!st.some((x) => x.source_key === items[1]!.id));
    assert.ok(st.every((x) => x.kind === 'mitigation'));
    assert.equal(st[0]!.meta.sourceDocument, 'doc-0');
    assert.equal(st[0]!.meta.sourceDataset, 'corpus');
    assert.equal(st[0]!.locator_ref, '§1');
    const [paged] = await store.db.query<{ page: number; locator_ref: string }>(`SELECT page, locator_ref FROM statements WHERE source_key = $1`, [items[3]!.id]);
    assert.deepEqual([paged!.page, paged!.locator_ref], [1, '§1'], 'a locator object gives page and reference');
    const labels = await store.db.query<{ source: string; human: boolean; reasoning: string; review_status: string; model: string }>(
      `SELECT source, human, reasoning, review_status, model FROM classifications`,
    );
    assert.ok(labels.every((l) => l.source === 'annotation' && l.human === false && l.review_status === 'unreviewed'));
    assert.ok(labels.every((l) => /^Reads as kind \d on /.test(l.reasoning)));
    assert.equal(labels[0]!.model, 'pass1/t');
    // Pass 2 is for agreement only: nothing of it is written.
    assert.equal(labels.filter((l) => l.model === 'pass2/c').length, 0);

    // On pages: "govnav project annotation", never human-coded, never reviewed.
    const [row] = await store.db.query<ClassificationRow>(`SELECT * FROM classifications WHERE is_current LIMIT 1`);
    const en = String(provenance(row!, 'en'));
    const zh = String(provenance(row!, 'zh'));
    assert.match(en, /govnav project annotation/);
    assert.match(zh, /govnav 项目标注/);
    assert.match(en, /not reviewed/);
    assert.doesNotMatch(en, /Human|human-coded|reviewed and accepted/);
    assert.doesNotMatch(zh, /人工编码|已审核并接受/);

    // The annotated examples an LLM prompt can draw on, from the store.
    const ex = await annotatedExamples(store.db, 'risk-domain');
    assert.equal(ex.length, 7, 'eight mitigations, one without a risk-domain code');
    assert.ok(ex.every((e) => /^M\d+$/.test(e.id!) && e.text && ['2.1', '7.2', '6.5'].includes(e.code)));
    const few = storeFewShot(store.db, 2);
    const near = await few({ id: ex[0]!.id, name: '', text: ex[0]!.text }, 'risk-domain');
    assert.equal(near.length, 2);
    assert.ok(!near.some((e) => e.id === ex[0]!.id), 'never the statement itself');

    const before = await counts(store);
    const again = await importPath(store, dir);
    assert.equal(again.statements.unchanged, 8);
    assert.equal(again.labels.inserted, 0);
    assert.deepEqual(await counts(store), before);
  });
});

test(`[${ENGINE}] annotations/: a label is also attached to the same text in another dataset`, async (t) => {
  const { items, pass1 } = smallSet();
  const target = items[0]!;
  const dir = writeSet(t, { items, pass1 });
  const other = join(tempDir(t), 'other.json');
  writeFileSync(
    other,
    JSON.stringify({
      format: 'govnav-json',
      formatVersion: 1,
      dataset: { id: 'other-ds', version: '1', licence: 'CC0-1.0', attribution: 'Other data' },
      documents: [
        {
          key: 'x',
          title: 'Another document',
          statements: [
            // Same text, different case, spacing and punctuation.
            { key: 'same', kind: 'mitigation', name: '', text: `  ${target.text.toUpperCase().replace(/;/g, ' ,')}  ` },
            { key: 'different', kind: 'mitigation', name: '', text: 'Something else entirely, about a different measure.' },
          ],
        },
      ],
    }),
  );
  await withStore(async (store) => {
    await importPath(store, other);
    const s = await importPath(store, dir);
    assert.equal(s.extra?.['statements of other datasets with an annotated text'], 1);
    assert.equal(s.extra?.['labels attached to them'], 5);
    const rows = await store.db.query<{ source_key: string; taxonomy: string; code: string; source: string; human: boolean; is_current: boolean }>(
      `SELECT s.source_key, c.taxonomy, c.code, c.source, c.human, c.is_current FROM classifications c
       JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id WHERE d.dataset = 'other-ds' ORDER BY 2`,
    );
    assert.deepEqual(rows.map((r) => r.source_key), ['same', 'same', 'same', 'same', 'same']);
    assert.ok(rows.every((r) => r.source === 'annotation' && !r.human && r.is_current));
    assert.equal(rows.find((r) => r.taxonomy === 'mitigation-v2')!.code, '1.1.1');
    // A newer machine label does not displace the annotation as the current label.
    const [same] = await store.db.query<{ id: string }>(`SELECT id FROM statements WHERE source_key = 'same'`);
    await insertClassifications(store.db, store.taxonomies, [
      { statementId: same!.id, taxonomy: 'mitigation-v2', code: '3.1.1', source: 'embedded', model: 'govnav-embedded', confidence: 0.9 },
    ]);
    const cur = await currentLabels(store.db, [same!.id]);
    assert.equal(cur.get(same!.id)!.get('mitigation-v2')!.source, 'annotation');
    // Importing again attaches nothing new.
    const again = await importPath(store, dir);
    assert.equal(again.extra?.['labels attached to them'], 0);
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifications`);
    assert.equal(n, 8 * 5 - 1 + 5 + 1);
  });
});

test(`[${ENGINE}] annotations/: a broken line names file, line and field, and nothing is written`, async (t) => {
  const { items, pass1 } = smallSet();
  const lines = jsonl(pass1).trimEnd().split('\n');
  const broken = JSON.parse(lines[3]!);
  broken.labels['mitigation-v2'].code = '9.9.9';
  lines[3] = JSON.stringify(broken);
  const dir = writeSet(t, { items, pass1: lines.join('\n') + '\n', pass1File: 'b7.jsonl' });
  await withStore(async (store) => {
    const before = await counts(store);
    await assert.rejects(importPath(store, dir), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /nothing was imported/);
      assert.match(e.message, /pass1\/b7\.jsonl, line 4/);
      assert.match(e.message, /field "labels\.mitigation-v2\.code"/);
      assert.match(e.message, /"9\.9\.9" is not a code of taxonomy mitigation-v2/);
      return true;
    });
    assert.deepEqual(await counts(store), before);
    const [{ n }] = await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM datasets WHERE id = 'govnav-annotations'`);
    assert.equal(n, 0);
  });
});

test('annotations/: other broken lines are named too (bad JSON, unknown item, duplicate, missing text)', async (t) => {
  const { items, pass1 } = smallSet();
  const bad = [...items.map((i) => ({ ...i }))];
  (bad[4] as { text?: string }).text = '   ';
  const p1 = jsonl(pass1) + '{not json\n' + JSON.stringify({ id: 'GA9999', mitigation: false, reason: 'x' }) + '\n' + JSON.stringify(pass1[0]) + '\n';
  const dir = writeSet(t, { items: bad, pass1: p1 });
  const set = readAnnotationSet(dir, taxonomies());
  const text = set.issues.map((i) => `${i.file} ${i.row} ${i.field}: ${i.message}`);
  assert.ok(text.some((x) => /^items\.jsonl line 5 text: missing or empty/.test(x)), text.join('\n'));
  assert.ok(text.some((x) => /^pass1\/b1\.jsonl line 10 \(line\): not valid JSON/.test(x)), text.join('\n'));
  assert.ok(text.some((x) => /^pass1\/b1\.jsonl line 11 id: "GA9999" is not an item/.test(x)), text.join('\n'));
  assert.ok(text.some((x) => /^pass1\/b1\.jsonl line 12 id: labelled twice in pass1 \(first in pass1\/b1\.jsonl, line 1\)/.test(x)), text.join('\n'));
});

test('normalised text match ignores case, spacing and punctuation, not words', () => {
  assert.equal(normaliseForMatch('Red-team the model, before release.'), normaliseForMatch('red team  the MODEL before release'));
  assert.notEqual(normaliseForMatch('Red-team the model before release.'), normaliseForMatch('Red-team the model after release.'));
  assert.equal(normaliseForMatch('建立　风险评估制度。'), normaliseForMatch('建立风险评估制度'));
});

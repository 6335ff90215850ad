// Persisted models: trained once per training set and loaded after; demo data never trains; the
// project's annotation files are read; few examples are reported with the fix; a label below the
// threshold is stored as a suggestion, not current, and shown as "suggested" (never as the category).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { collectTrainingSets, loadOrTrain, modelsFromStore, TaxonomyModel, type ModelTrainingExample } from '../../src/classify/models/index.ts';
import { runClassification } from '../../src/classify/pipeline.ts';
import type { Classifier, ClassifyResult } from '../../src/classify/types.ts';
import { importPath } from '../../src/importers/index.ts';
import { insertClassifications, reviewClassification, upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { testConfig } from '../web/fixture.ts';

const registry = taxonomies();
const dirs: string[] = [];
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'govnav-models-'));
  dirs.push(d);
  return d;
};

const VOCAB: Record<string, string[]> = {
  plan: ['requirements', 'scoping', 'objectives', 'stakeholders', 'feasibility', 'charter'],
  data: ['datasets', 'collection', 'labelling', 'provenance', 'cleaning', 'sampling'],
  deploy: ['rollout', 'release', 'deployment', 'launch', 'serving', 'production'],
  monitor: ['telemetry', 'incidents', 'drift', 'alerts', 'observability', 'logging'],
};
function examples(n: number, extra = ''): ModelTrainingExample[] {
  const out: ModelTrainingExample[] = [];
  const codes = registry.get('lifecycle').ordered().filter((x) => !x.special && x.children.length === 0).map((x) => x.code);
  Object.values(VOCAB).forEach((v, ci) => {
    for (let i = 0; i < n; i++)
      out.push({ id: `e${ci}-${i}`, name: `example ${ci}-${i}`, text: `Teams handle ${v[i % 6]} and ${v[(i + 2) % 6]} ${extra}`.trim(), code: codes[ci]!, group: `g${i % 5}` });
  });
  return out;
}

test('a persisted model round trip: same predictions after loading; an unchanged set is not retrained, a changed one is', () => {
  const dataDir = tmp();
  const set = { taxonomy: 'lifecycle', examples: examples(10), excludedSample: 0, warnings: [] };
  const first = loadOrTrain(set, registry, { dataDir, created: '2026-01-01T00:00:00.000Z' });
  assert.equal(first.report.trained, true);
  assert.ok(existsSync(first.report.file) && first.report.bytes > 0);
  const second = loadOrTrain(set, registry, { dataDir });
  assert.equal(second.report.trained, false, 'an unchanged training set loads the saved model');
  assert.equal(second.report.file, first.report.file);
  for (const t of ['telemetry and drift alerts', 'datasets labelling', 'release to production', 'nothing known here zzz']) {
    const a = first.model.decide(t);
    const b = second.model.decide(t);
    assert.equal(b.code, a.code);
    assert.equal(b.confidence, a.confidence);
    assert.deepEqual(Array.from(second.model.probabilities(t)), Array.from(first.model.probabilities(t)));
  }
  assert.equal(second.model.trainingHash, first.model.trainingHash);
  // a changed training set: a new key, trained again; the superseded file is removed
  const changed = { ...set, examples: [...set.examples, { id: 'new', text: 'Teams handle charter scoping', code: set.examples[0]!.code }] };
  const third = loadOrTrain(changed, registry, { dataDir });
  assert.equal(third.report.trained, true);
  assert.notEqual(third.model.trainingHash, first.model.trainingHash);
  assert.notEqual(third.report.file, first.report.file);
  assert.deepEqual(readdirSync(join(dataDir, 'models')), [third.report.file.split('/').pop()]);
  // --force retrains an unchanged set
  assert.equal(loadOrTrain(changed, registry, { dataDir, force: true }).report.trained, true);
  // a damaged file is retrained, not trusted
  writeFileSync(third.report.file, 'garbage');
  assert.equal(loadOrTrain(changed, registry, { dataDir, onProgress: () => {} }).report.trained, true);
  // the format is checked
  assert.throws(() => TaxonomyModel.fromBuffer(Buffer.from('not a model at all'), 'x.bin'), /x\.bin: not a govnav model file/);
});

const provenance = (dataset: string) => ({ dataset, datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' });

async function storeWithLabels(): Promise<{ store: Store; ids: Map<string, string> }> {
  const store = await openTestStore();
  stores.push(store);
  // the invented demo corpus, with its hand-made labels on every mitigation axis
  await importPath(store, fileURLToPath(new URL('../../samples/demo.json', import.meta.url)));
  await upsertDataset(store.db, { id: 'real', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const { id: doc } = await upsertDocument(store.db, { sourceKey: 'd', title: 'A real framework', docType: 'framework', provenance: provenance('real') });
  const r = await upsertStatements(store.db, doc, [
    { sourceKey: 'a', kind: 'mitigation', ord: 0, name: 'Red teaming', text: 'Red team the model before release.' },
    { sourceKey: 'b', kind: 'mitigation', ord: 1, name: 'Input filtering', text: 'Filter inputs and outputs of the model.' },
    { sourceKey: 'c', kind: 'mitigation', ord: 2, name: 'Unlabelled', text: 'Keep an incident register.' },
  ]);
  await upsertDataset(store.db, { id: 'samples-x', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const { id: sdoc } = await upsertDocument(store.db, {
    sourceKey: 's',
    title: 'A sample',
    docType: 'framework',
    provenance: provenance('samples-x'),
    meta: { sample: true },
  } as Parameters<typeof upsertDocument>[1]);
  const s = await upsertStatements(store.db, sdoc, [{ sourceKey: 's1', kind: 'mitigation', ord: 0, name: 'Sample', text: 'A sample measure.' }]);
  await insertClassifications(store.db, registry, [
    { statementId: r.ids.get('a')!, taxonomy: 'mitigation-v2', code: '2.2.2', source: 'human', human: true },
    { statementId: r.ids.get('b')!, taxonomy: 'mitigation-v2', code: '1.2.1', source: 'human', human: true },
    { statementId: s.ids.get('s1')!, taxonomy: 'mitigation-v2', code: '3.1.1', source: 'human', human: true },
  ]);
  return { store, ids: r.ids };
}

test(`[${ENGINE}] demo and sample data never train; annotation files do; few examples are reported with the fix`, async () => {
  const { store, ids } = await storeWithLabels();
  const demoLabels = await store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
     WHERE d.dataset = 'govnav-demo' AND c.human AND c.taxonomy = 'mitigation-v2'`,
  );
  assert.ok(demoLabels[0]!.n > 0, 'the demo corpus carries human labels');
  const repo = tmp();
  const [set] = await collectTrainingSets(store.db, registry, ['mitigation-v2'], { repoDir: repo });
  assert.deepEqual(set!.examples.map((e) => e.id).sort(), [ids.get('a'), ids.get('b')].sort(), 'only the two real labels');
  assert.ok(set!.excludedSample >= demoLabels[0]!.n + 1);

  // the project's annotation, read from annotations/ (pass 1 joined with the item pool)
  mkdirSync(join(repo, 'annotations', 'pass1'), { recursive: true });
  writeFileSync(
    join(repo, 'annotations', 'items.jsonl'),
    [
      { id: 'i1', name: 'Bug bounty', text: 'Run a bug bounty programme.', language: 'en', source: { dataset: 'corpus', document: 'doc-x' } },
      { id: 'i2', name: 'Demo item', text: 'From the demo.', source: { dataset: 'govnav-demo', document: 'demo' } },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
  writeFileSync(
    join(repo, 'annotations', 'pass1', 'a.jsonl'),
    [
      { id: 'i1', mitigation: true, labels: { 'mitigation-v2': { code: '2.2.2', reason: 'testing by outsiders' }, lifecycle: { code: 'nonsense', reason: 'x' } } },
      { id: 'i2', mitigation: true, labels: { 'mitigation-v2': { code: '2.2', reason: 'x' } } },
      { id: 'missing', mitigation: true, labels: { 'mitigation-v2': { code: '2.2', reason: 'x' } } },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
  const [withAnn] = await collectTrainingSets(store.db, registry, ['mitigation-v2'], { repoDir: repo });
  const ann = withAnn!.examples.filter((e) => e.origin === 'annotation');
  assert.deepEqual(ann.map((e) => [e.id, e.code, e.group]), [['i1', '2.2.2', 'doc:doc-x']]);
  assert.ok(withAnn!.warnings.some((w) => /"missing" is not in annotations\/items\.jsonl/.test(w)));

  const dataDir = tmp();
  const { reports } = await modelsFromStore(store.db, registry, ['mitigation-v2', 'lifecycle'], { dataDir, repoDir: repo, onProgress: () => {} });
  const v2 = reports.find((r) => r.taxonomy === 'mitigation-v2')!;
  assert.equal(v2.examples, 3);
  assert.match(v2.warning ?? '', /only 3 training examples.*annotate.*govnav review.*LLM provider/);
  assert.match(reports.find((r) => r.taxonomy === 'lifecycle')!.warning ?? '', /only 0 training examples/);
  // the demo's statements are not among the model's examples
  const m = TaxonomyModel.fromBuffer((await import('node:fs')).readFileSync(v2.file));
  assert.ok(m.exemplars.every((e) => e.id === 'i1' || [...ids.values()].includes(e.id)));
});

/** A classifier that answers with fixed results (a suggestion for one statement). */
function fixed(results: Record<string, Partial<ClassifyResult> & { suggested?: boolean; reasoningZh?: string }>): Classifier {
  return {
    name: 'fixed',
    supports: (t) => t === 'mitigation-v2',
    async classify(input, taxonomy) {
      const r = results[input.id!] ?? { code: null };
      return {
        taxonomy,
        code: r.code ?? null,
        confidence: r.confidence ?? 0.5,
        reasoning: r.reasoning ?? 'fixed',
        provenance: { source: 'embedded', model: 'govnav-embedded', modelVersion: 'test@1' },
        ...r,
      } as ClassifyResult;
    },
  };
}

test(`[${ENGINE}] a label below the threshold is stored as a suggestion: not current, shown as suggested, never as the category`, async () => {
  const { store, ids } = await storeWithLabels();
  const c = ids.get('c')!;
  const summary = await runClassification({
    db: store.db,
    registry,
    classifier: fixed({
      [c]: { code: '2.3.4', confidence: 0.31, suggested: true, reasoning: 'Suggested, not assigned: 2.3.4 Incident Response because the text says “incident register”.', reasoningZh: '仅为建议，未作为类别：2.3.4 事件响应，依据文本中的“incident register”。' },
    }),
    params: { provider: 'embedded', model: 'govnav-embedded', taxonomies: ['mitigation-v2'], statementIds: [c] },
  });
  assert.equal(summary.suggested, 1);
  const rows = await store.db.query<{ code: string; suggested: boolean; is_current: boolean; reasoning_zh: string | null }>(
    `SELECT code, suggested, is_current, reasoning_zh FROM classifications WHERE statement_id = $1 AND taxonomy = 'mitigation-v2'`,
    [c],
  );
  assert.deepEqual(rows.map((r) => [r.code, r.suggested, r.is_current]), [['2.3.4', true, false]]);
  assert.match(rows[0]!.reasoning_zh ?? '', /仅为建议/);

  let version = 1; // pages are cached per data version
  const app = await createApp({ store, config: testConfig(), dataVersion: () => String(version) });
  const page = await (await app.request(`/m/${c}`)).text();
  assert.match(page, /not yet labelled/);
  assert.match(page, /<div class="suggestion" data-taxonomy="mitigation-v2">[\s\S]*?Suggested<\/abbr>: <span class="suggested">[\s\S]*?2\.3\.4[\s\S]*?confidence 0\.31/);
  assert.doesNotMatch(page, /<p class="category-label">/, 'a suggestion is never shown as the category');
  const zh = await (await app.request(`/m/${c}?lang=zh`)).text();
  assert.match(zh, /建议<\/abbr>/);
  assert.match(zh, /仅为建议，未作为类别/);

  // a person accepting the suggestion makes it the category
  const [row] = await store.db.query<{ id: number }>(`SELECT id FROM classifications WHERE statement_id = $1 AND suggested`, [c]);
  await reviewClassification(store.db, row!.id, 'accepted', 'tester');
  version++;
  const [cur] = await store.db.query<{ code: string }>(`SELECT code FROM classifications WHERE statement_id = $1 AND is_current AND taxonomy = 'mitigation-v2'`, [c]);
  assert.equal(cur?.code, '2.3.4');
  const accepted = await (await app.request(`/m/${c}`)).text();
  assert.match(accepted, /<p class="category-label">[\s\S]*?2\.3\.4/);
});

test(`[${ENGINE}] classify with persisted models end to end: the second run loads, no text of the demo trains`, async () => {
  const { store, ids } = await storeWithLabels();
  const dataDir = tmp();
  const repo = tmp();
  const a = await modelsFromStore(store.db, registry, ['mitigation-v2'], { dataDir, repoDir: repo, onProgress: () => {} });
  const b = await modelsFromStore(store.db, registry, ['mitigation-v2'], { dataDir, repoDir: repo, onProgress: () => {} });
  assert.equal(a.reports[0]!.trained, true);
  assert.equal(b.reports[0]!.trained, false);
  const summary = await runClassification({
    db: store.db,
    registry,
    classifier: b.classifier,
    params: { provider: 'embedded', model: 'govnav-embedded', versions: { 'mitigation-v2': b.reports[0]!.modelVersion }, taxonomies: ['mitigation-v2'], statementIds: [ids.get('c')!] },
  });
  assert.equal(summary.failed, 0);
  const [row] = await store.db.query<{ reasoning: string; reasoning_zh: string | null; suggested: boolean; is_current: boolean }>(
    `SELECT reasoning, reasoning_zh, suggested, is_current FROM classifications WHERE statement_id = $1 AND taxonomy = 'mitigation-v2'`,
    [ids.get('c')!],
  );
  assert.ok(row && row.reasoning.length <= 500 && (row.reasoning_zh ?? '').length > 0);
  assert.equal(row.is_current, !row.suggested);
});

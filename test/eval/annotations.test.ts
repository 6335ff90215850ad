// Evaluation on the annotated set: folds grouped by source document, the report's figures and
// intervals, inter-annotator agreement on a hand-made example, and the shipped hierarchical
// TaxonomyModel scored as the main learner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignFolds, crossValidate, evaluateAnnotations, truncateCode, type ScoredItem } from '../../src/eval/annotations.ts';
import { annotationReportJson, formatAnnotationReport } from '../../src/eval/annotations-report.ts';
import type { Learner, TrainExample } from '../../src/eval/csv-eval.ts';
import { cohenKappa } from '../../src/eval/metrics.ts';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { documentKey, type AnnotationItem } from '../../src/importers/annotations.ts';
import { AXES, labelFor, makeItems, writeSet, type FixtureLabel } from './annotation-fixture.ts';

const registry = taxonomies();

test('fold assignment: a document is never split, folds are balanced, the rule is seeded and repeatable', () => {
  // 40 documents of 1 to 9 items.
  const groups: string[] = [];
  for (let d = 0; d < 40; d++) for (let j = 0; j < 1 + ((d * 7) % 9); j++) groups.push(`doc-${d}`);
  const a = assignFolds(groups, 5, 1);
  const b = assignFolds(groups, 5, 1);
  assert.deepEqual([...a], [...b]);
  assert.equal(a.size, 40, 'one fold per document');
  assert.deepEqual([...new Set(a.values())].sort(), [1, 2, 3, 4, 5]);
  const load = [0, 0, 0, 0, 0];
  for (const g of groups) load[a.get(g)! - 1]++;
  assert.ok(Math.max(...load) - Math.min(...load) <= 9, `balanced within one document: ${load}`);
  const c = assignFolds(groups, 5, 2);
  assert.notDeepEqual([...a].sort(), [...c].sort(), 'another seed breaks ties differently');
  assert.throws(() => assignFolds(groups, 1), /at least 2 folds/);
});

/** A learner double that answers the most frequent training code and records what it saw. */
function recorder(seen: { train: Set<string>; test: string[] }[]): Learner {
  return {
    name: 'recorder',
    fit(train: TrainExample[]) {
      const entry = { train: new Set(train.map((e) => e.group!)), test: [] as string[] };
      seen.push(entry);
      const counts = new Map<string, number>();
      for (const e of train) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
      const top = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
      return (texts, items) => {
        entry.test.push(...items!.map((i) => i.id!));
        return texts.map(() => ({ label: top }));
      };
    },
  };
}

test('cross-validation never trains on a document it predicts', async () => {
  const { items } = makeItems(12, 5);
  const scored: ScoredItem[] = items.map((it, i) => ({ id: it.id, text: it.text, code: String(i % 3), group: it.source.document, language: it.language }));
  const folds = assignFolds(scored.map((s) => s.group));
  const seen: { train: Set<string>; test: string[] }[] = [];
  const preds = await crossValidate(scored, (s) => folds.get(s.group)!, [recorder(seen)]);
  assert.equal(seen.length, 5);
  assert.equal(preds[0]!.length, scored.length);
  const groupOf = new Map(scored.map((s) => [s.id, s.group]));
  const predicted = seen.flatMap((s) => s.test);
  assert.equal(new Set(predicted).size, scored.length, 'every item predicted exactly once');
  for (const s of seen) for (const id of s.test) assert.ok(!s.train.has(groupOf.get(id)!), `${id} was predicted by a model trained on its document`);
});

/** The synthetic set plus a hand-made second pass on ten items (lifecycle codes differ on two). */
function setWithPasses(t: Parameters<typeof writeSet>[0]) {
  const { items, kindOf } = makeItems(12, 5);
  const pass1 = items.map((it) => labelFor(it.id, kindOf.get(it.id)!)) as Extract<FixtureLabel, { mitigation: true }>[];
  const p1 = ['plan-design', 'plan-design', 'plan-design', 'plan-design', 'deploy', 'deploy', 'deploy', 'deploy', 'operate-monitor', 'operate-monitor'];
  const p2 = ['plan-design', 'plan-design', 'plan-design', 'deploy', 'deploy', 'deploy', 'deploy', 'operate-monitor', 'operate-monitor', 'operate-monitor'];
  const pass2: FixtureLabel[] = [];
  for (let i = 0; i < 10; i++) {
    pass1[i]!.labels.lifecycle = { code: p1[i]!, reason: 'hand-made' };
    const second = labelFor(items[i]!.id, kindOf.get(items[i]!.id)!, 'pass2/c') as Extract<FixtureLabel, { mitigation: true }>;
    second.labels.lifecycle = { code: p2[i]!, reason: 'hand-made' };
    pass2.push(second);
  }
  // The second pass thinks item 11 is not a mitigation.
  pass2.push({ id: items[10]!.id, mitigation: false, reason: 'a definition', annotator: 'pass2/c' });
  return { dir: writeSet(t, { items, pass1, pass2 }), items, pass1, p1, p2 };
}

test('inter-annotator κ: pass 1 vs pass 2 on a hand-made example', async (t) => {
  const { dir } = setWithPasses(t);
  const seen: { train: Set<string>; test: string[] }[] = [];
  const r = await evaluateAnnotations(dir, registry, { axes: ['lifecycle', 'mitigation-v2'], main: () => recorder(seen), baselines: false });
  const lc = r.axes.find((a) => a.axis === 'lifecycle')!;
  // Observed agreement 8/10; chance (4·3 + 4·4 + 2·3)/100 = 0.34; κ = (0.8 − 0.34)/(1 − 0.34) = 23/33.
  assert.equal(lc.interAnnotator.n, 10);
  assert.ok(Math.abs(lc.interAnnotator.kappa.estimate - 23 / 33) < 1e-12, String(lc.interAnnotator.kappa.estimate));
  assert.equal(lc.interAnnotator.accuracy, 0.8);
  assert.ok(lc.interAnnotator.kappa.low <= 23 / 33 && 23 / 33 <= lc.interAnnotator.kappa.high);
  const v2 = r.axes.find((a) => a.axis === 'mitigation-v2')!;
  assert.equal(v2.interAnnotator.n, 10);
  assert.equal(v2.interAnnotator.kappa.estimate, 1);
  // Eleven items have both passes; they disagree on one about being a mitigation at all.
  assert.equal(r.mitigationJudgement.n, 11);
  assert.equal(r.mitigationJudgement.accuracy, 10 / 11);
  assert.equal(r.pass2, 11);
});

test('the report: n, κ with intervals, per language, v2 levels; the main learner scored like the baselines', async (t) => {
  const { dir, items } = setWithPasses(t);
  const seen: { train: Set<string>; test: string[] }[] = [];
  const r = await evaluateAnnotations(dir, registry, { main: () => recorder(seen) });
  assert.deepEqual(r.axes.map((a) => a.axis), [...AXES]);
  assert.equal(r.mitigations, 60);
  assert.equal(r.folds.reduce((n, f) => n + f.items, 0), 60);
  assert.equal(r.folds.reduce((n, f) => n + f.documents, 0), 12);
  for (const a of r.axes) {
    assert.equal(a.n, 60);
    assert.equal(a.main.learner, 'recorder');
    assert.deepEqual(a.baselines.map((b) => b.learner), ['baseline', 'baseline C=0.5']);
    const gold = a.predictions.map((p) => p.gold);
    const main = a.predictions.map((p) => p.predicted.recorder!);
    const base = a.predictions.map((p) => p.predicted.baseline!);
    const k = cohenKappa(gold, main);
    assert.ok(Number.isNaN(k) ? Number.isNaN(a.main.kappa.estimate) : Math.abs(a.main.kappa.estimate - k) < 1e-12);
    const kb = cohenKappa(gold, base);
    assert.ok(Math.abs(a.baselines[0]!.kappa.estimate - kb) < 1e-12);
    assert.ok(a.baselines[0]!.kappa.low <= kb && kb <= a.baselines[0]!.kappa.high);
    assert.deepEqual(Object.keys(a.byLanguage), ['en', 'zh']);
    assert.equal(a.byLanguage.zh!.n, 10);
    assert.equal(a.byLanguage.zh!.few, true);
  }
  const v2 = r.axes.find((a) => a.axis === 'mitigation-v2')!;
  assert.deepEqual(v2.levels!.map((l) => [l.level, l.n]), [[1, 60], [2, 60], [3, 60]]);
  // Level-1 figures are computed on codes truncated to their first part.
  const l1 = v2.levels![0]!;
  const goldL1 = v2.predictions.map((p) => truncateCode(p.gold, 1));
  const baseL1 = v2.predictions.map((p) => truncateCode(p.predicted.baseline!, 1));
  assert.ok(Math.abs(l1.scores.baseline!.estimate - cohenKappa(goldL1, baseL1)) < 1e-12);
  assert.ok(Math.abs(l1.difference.baseline!.estimate - (l1.scores.recorder!.estimate - l1.scores.baseline!.estimate)) < 1e-12);
  // Text and JSON renderings carry the same figures.
  const text = formatAnnotationReport(r);
  assert.match(text, /mitigation-v2 at level 1/);
  assert.match(text, /annotators kappa \[95% CI\]/);
  const json = annotationReportJson(r) as { axes: { axis: string; kappa: { estimate: number }; inter_annotator: { n: number } }[] };
  assert.equal(json.axes[1]!.axis, 'lifecycle');
  assert.equal(json.axes[1]!.inter_annotator.n, 10);
  assert.equal(items.length, 60);
});

test('the main learner is the shipped TaxonomyModel: its deepest best guess on each held-out item', async (t) => {
  const { dir } = setWithPasses(t);
  const r = await evaluateAnnotations(dir, registry, { axes: ['mitigation-v2'], baselines: false, bootstrap: { resamples: 50 } });
  const a = r.axes[0]!;
  assert.deepEqual(a.levels!.map((l) => l.level), [1, 2, 3]);
  // Re-train the model of the first fold by hand and compare its decisions with the report's.
  const { readAnnotationSet } = await import('../../src/importers/annotations.ts');
  const { axisItems } = await import('../../src/eval/annotations.ts');
  const { TaxonomyModel, MODEL_HYPER } = await import('../../src/classify/models/hierarchy.ts');
  const set = readAnnotationSet(dir, registry);
  const v2 = registry.get('mitigation-v2');
  const { items } = axisItems(set, 'mitigation-v2', v2);
  const folds = assignFolds(set.items.filter((it) => set.pass1.get(it.id)?.mitigation).map(documentKey));
  const train = items.filter((it) => folds.get(it.group) !== 1);
  const m = TaxonomyModel.train(train.map((e) => ({ id: e.id, text: e.text, code: e.code, group: e.group, name: e.name, language: e.language })), v2, { hyper: MODEL_HYPER });
  const byId = new Map(a.predictions.map((p) => [p.id, p.predicted.embedded!]));
  const held = items.filter((it) => folds.get(it.group) === 1);
  assert.ok(held.length > 0);
  for (const it of held) {
    const steps = m.decide(it.text).steps;
    assert.equal(byId.get(it.id), steps[steps.length - 1]?.code ?? '(none)', it.id);
  }
});

test('the embedded classifier learns the invented kinds', async (t) => {
  const { dir } = setWithPasses(t);
  const r = await evaluateAnnotations(dir, registry, { axes: ['nist-ai-rmf'], baselines: false, bootstrap: { resamples: 200 } });
  const a = r.axes[0]!;
  assert.equal(r.main, 'embedded');
  assert.equal(a.n, 60);
  // Three kinds with disjoint vocabularies: anything that learns at all is far above chance here.
  assert.ok(a.main.kappa.estimate > 0.5, `κ ${a.main.kappa.estimate}`);
  assert.equal(a.main.kappa.resamples, 200);
});

test('a broken annotated set is refused with file, line and field', async (t) => {
  const { items, kindOf } = makeItems(3, 3);
  const pass1 = items.map((it) => labelFor(it.id, kindOf.get(it.id)!)) as Extract<FixtureLabel, { mitigation: true }>[];
  pass1[2]!.labels.actor = { code: 'robot' };
  const dir = writeSet(t, { items, pass1 });
  await assert.rejects(evaluateAnnotations(dir, registry), /pass1\/b1\.jsonl, line 3, \(GA0003\), field "labels\.actor\.code": "robot" is not a code of taxonomy actor/);
});

test('the same document reached through two datasets is one fold group', () => {
  const a = { source: { dataset: 'nist-ai-600-1', document: 'NIST AI 600-1  (Generative AI Profile)' } } as AnnotationItem;
  const b = { source: { dataset: 'mit-airi-mitigations', document: 'NIST AI 600-1 (Generative AI Profile)' } } as AnnotationItem;
  assert.equal(documentKey(a), documentKey(b));
  assert.notEqual(documentKey(a), documentKey({ source: { dataset: 'x', document: 'NIST AI 100-1' } } as AnnotationItem));
});

test('risk domain: "N.0" is scored as the domain N, special codes are counted and left out, levels at the domain', async (t) => {
  const { items, kindOf } = makeItems(6, 5);
  const pass1 = items.map((it) => labelFor(it.id, kindOf.get(it.id)!)) as Extract<FixtureLabel, { mitigation: true }>[];
  pass1[0]!.labels['risk-domain'] = { code: '4.0', reason: 'misuse, no subdomain' };
  pass1[1]!.labels['risk-domain'] = { code: 'unable', reason: 'nothing to decide on' };
  pass1[2]!.labels['risk-domain'] = { code: 'X.0', reason: 'outside the domains' };
  const dir = writeSet(t, { items, pass1 });
  const r = await evaluateAnnotations(dir, registry, { axes: ['risk-domain'], main: () => recorder([]), baselines: false, bootstrap: { resamples: 50 } });
  const a = r.axes[0]!;
  assert.equal(a.n, 28);
  assert.equal(a.special, 2);
  assert.equal(a.predictions.find((p) => p.id === items[0]!.id)!.gold, '4');
  assert.deepEqual(a.levels!.map((l) => [l.level, l.n]), [[1, 28]]);
});

test('a text that reached the pool twice is scored once, as its first item', async (t) => {
  const { items, kindOf } = makeItems(12, 5);
  // The last item repeats the first one's text with other case, spacing and punctuation.
  const first = items[0]!;
  items[items.length - 1] = { ...items[items.length - 1]!, text: `  ${first.text.toUpperCase().replace(/ /g, ' /  ')}. ` };
  kindOf.set(items[items.length - 1]!.id, kindOf.get(first.id)!);
  const pass1 = items.map((it) => labelFor(it.id, kindOf.get(it.id)!));
  const dir = writeSet(t, { items, pass1, pass2: [] });
  const seen: { train: Set<string>; test: string[] }[] = [];
  const r = await evaluateAnnotations(dir, registry, { axes: ['lifecycle'], main: () => recorder(seen), baselines: false, bootstrap: { resamples: 20 } });
  const a = r.axes[0]!;
  assert.equal(a.repeats, 1);
  assert.equal(a.n, items.length - 1);
  const tested = seen.flatMap((s) => s.test);
  assert.ok(tested.includes(first.id));
  assert.ok(!tested.includes(items[items.length - 1]!.id), 'the repeat is not scored (and so not in any training fold either: the learner sees only scored items)');
  assert.match(formatAnnotationReport(r), /1 mitigations repeat the text of an earlier item/);
});

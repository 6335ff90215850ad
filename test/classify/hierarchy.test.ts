// Hierarchical decisions on the v2 mitigation taxonomy with synthetic examples: the model goes down
// the tree and stops at the deepest level the text supports; "no category" only when nothing about
// the text is known; reasoning names surface words of the text and the closest example by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import { PersistedClassifier } from '../../src/classify/models/index.ts';
import { stemmer } from 'stemmer';

const registry = taxonomies();
const v2 = registry.get('mitigation-v2');

// Vocabulary per code. 2.2.1 and 2.2.2 share one vocabulary (level 3 is ambiguous there, level 2
// is clear); 1.2.1 and 1.2.3 each have their own (level 3 is clear).
const VOCAB: Record<string, string[]> = {
  '2.2.1': ['assessment', 'auditors', 'assurance', 'evaluations', 'reviewing', 'verification', 'scrutiny', 'examinations'],
  '2.2.2': ['assessment', 'auditors', 'assurance', 'evaluations', 'reviewing', 'verification', 'scrutiny', 'examinations'],
  '1.2.1': ['filters', 'blocklists', 'classifiers', 'refusals', 'moderation', 'guardrails', 'sanitising', 'screening'],
  '1.2.3': ['telemetry', 'anomalies', 'detectors', 'alarms', 'watching', 'signals', 'tracing', 'observability'],
  '3.1.1': ['legislators', 'statutes', 'parliament', 'ministries', 'lawmaking', 'bills', 'decrees', 'regulations'],
  '2.1.1': ['boards', 'directors', 'executives', 'governance', 'committees', 'chairs', 'trustees', 'stewardship'],
};
const FILLER = ['the', 'organisation', 'should', 'ensure'];

function example(code: string, i: number): TrainingExample {
  const v = VOCAB[code]!;
  const w = (k: number) => v[(i * 3 + k) % v.length]!;
  return {
    id: `${code}-${i}`,
    name: `${code} example ${i}`,
    text: `${FILLER.join(' ')} ${w(0)} ${w(1)} and ${w(2)} ${w(3)}`,
    code,
    group: `doc-${code}-${i % 4}`,
  };
}

const EXAMPLES: TrainingExample[] = [];
for (const code of Object.keys(VOCAB)) for (let i = 0; i < 12; i++) EXAMPLES.push(example(code, i));
const model = TaxonomyModel.train(EXAMPLES, v2, { hyper: { seed: 3 }, created: '2026-01-01T00:00:00.000Z' });

test('a clear level-2 text with an ambiguous level 3 stops at level 2', () => {
  const d = model.decide('The organisation should ensure assessment by auditors and verification with scrutiny');
  assert.equal(d.suggested, false);
  assert.equal(d.code, '2.2', JSON.stringify(d.steps.map((s) => [s.code, s.confidence.toFixed(2), s.threshold.toFixed(2)])));
  assert.equal(d.steps[0]!.code, '2');
  assert.ok(d.steps[0]!.passed && d.steps[1]!.passed);
  // the level-3 guess exists but does not pass its threshold
  if (d.steps[2]) assert.equal(d.steps[2].passed, false);
});

test('a clear level-3 text goes down to level 3', () => {
  const d = model.decide('The organisation should ensure filters, blocklists and moderation guardrails');
  assert.equal(d.code, '1.2.1');
  assert.deepEqual(
    d.steps.map((s) => s.code),
    ['1', '1.2', '1.2.1'],
  );
  const t = model.decide('Telemetry detectors raise alarms on anomalies and signals');
  assert.equal(t.code, '1.2.3');
});

test('no category only when nothing about the text is known; a weak top level is only a suggestion', () => {
  const none = model.decide('zzzz qqqq xxxx');
  assert.equal(none.code, null);
  // words of two top-level branches in equal measure: the top level is not supported
  const mixed = model.decide('legislators telemetry');
  if (!mixed.steps[0]!.passed) {
    assert.equal(mixed.suggested, true);
    assert.ok(mixed.code !== null);
  }
  // a clear text is never a suggestion
  assert.equal(model.decide('boards of directors and executives in governance committees').suggested, false);
});

test('reasoning names surface words of the text (no stems, no function words) and the closest example by name', () => {
  const clf = new PersistedClassifier(new Map([['mitigation-v2', model]]), registry);
  const text = 'Parliament passed statutes; the ministries drafted regulations rather than decrees';
  const r = clf.classifyText(text, 'mitigation-v2');
  assert.equal(r.code?.startsWith('3'), true, r.reasoning);
  assert.ok(r.reasoning.length <= 500 && r.reasoningZh!.length <= 500);
  const quoted = [...r.reasoning.matchAll(/“([^”]+)”/g)].map((m) => m[1]!);
  assert.ok(quoted.length >= 2, r.reasoning);
  const words = quoted.slice(0, -1); // the last quotation is the example's name
  for (const w of words) {
    for (const part of w.split(' ')) {
      assert.ok(text.includes(part), `"${part}" is written in the text (${r.reasoning})`);
      assert.ok(!['rather', 'than', 'the'].includes(part.toLowerCase()), `no function word: ${part}`);
    }
  }
  // a stem that is not itself a word of the text never appears
  for (const w of text.split(/\W+/)) {
    const st = stemmer(w.toLowerCase());
    if (st !== w.toLowerCase()) assert.ok(!quoted.includes(st), `stem "${st}" shown`);
  }
  assert.match(r.reasoning, /Closest labelled example: “3\.1\.1 example \d+”/);
  assert.match(r.reasoning, /rather than /, 'names the nearest sibling');
  // Chinese reasoning: the same words, Chinese node names
  assert.match(r.reasoningZh!, /法律|立法|监管|生态/);
  for (const w of words) assert.ok(r.reasoningZh!.includes(w));
});

test('Chinese text is classified with its own words', () => {
  const zh: TrainingExample[] = [];
  const Z: Record<string, string[]> = {
    '1.2.1': ['内容过滤', '拦截', '敏感词', '审核机制'],
    '3.1.1': ['法律法规', '立法机关', '条例', '规章'],
  };
  for (const [code, v] of Object.entries(Z)) for (let i = 0; i < 10; i++) zh.push({ id: `zh-${code}-${i}`, name: `示例${i}`, text: `应当建立${v[i % 4]}和${v[(i + 1) % 4]}`, code, group: `zh-${i % 3}`, language: 'zh' });
  const m = TaxonomyModel.train([...EXAMPLES, ...zh], v2, { hyper: { seed: 3 } });
  assert.equal(m.decide('服务提供者应当建立敏感词拦截和内容过滤').steps[0]!.code, '1');
  assert.equal(m.decide('国家制定法律法规和条例').steps[0]!.code, '3');
  const clf = new PersistedClassifier(new Map([['mitigation-v2', m]]), registry);
  const r = clf.classifyText('服务提供者应当建立敏感词拦截和内容过滤', 'mitigation-v2');
  const quoted = [...r.reasoningZh!.matchAll(/“([^”]+)”/g)].map((x) => x[1]!);
  assert.ok(quoted.some((w) => '服务提供者应当建立敏感词拦截和内容过滤'.includes(w)), r.reasoningZh);
});

test('level models: one per coarser level; a node’s confidence is the average of the models that know its level; they survive a round trip', () => {
  const m = TaxonomyModel.train(EXAMPLES, v2, { hyper: { seed: 3, levelModels: true }, created: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual(
    m.levelModels.map((lm) => lm.level),
    [1, 2],
  );
  assert.deepEqual(
    m.levelModels[0]!.model.classes.map((c) => c.code).filter((c) => m.levelModels[0]!.model.classes.find((x) => x.code === c)!.examples > 0),
    ['1', '2', '3'],
  );
  const text = 'The organisation should ensure filters, blocklists and moderation guardrails';
  const d = m.decide(text);
  assert.deepEqual(
    d.steps.map((s) => s.code),
    ['1', '1.2', '1.2.1'],
  );
  // mass of a node in one model: the probabilities of its classes at or under it
  const massIn = (em: (typeof m)['model'], code: string) => {
    const p = em.probabilities(text);
    return em.classes.reduce((s, c, i) => s + (c.code === code || c.code.startsWith(`${code}.`) ? p[i]! : 0), 0);
  };
  const [l1, l2] = m.levelModels.map((lm) => lm.model);
  assert.ok(Math.abs(d.steps[0]!.confidence - (massIn(m.model, '1') + massIn(l1!, '1') + massIn(l2!, '1')) / 3) < 1e-9, 'level 1: full, level-1 and level-2 models');
  assert.ok(Math.abs(d.steps[1]!.confidence - (massIn(m.model, '1.2') + massIn(l2!, '1.2')) / 2) < 1e-9, 'level 2: full and level-2 models');
  assert.ok(Math.abs(d.steps[2]!.confidence - massIn(m.model, '1.2.1')) < 1e-9, 'level 3: the full model only');
  // without level models the confidence is the full model's alone
  assert.ok(Math.abs(model.decide(text).steps[0]!.confidence - massIn(model.model, '1')) < 1e-9);
  const back = TaxonomyModel.fromBuffer(m.toBuffer());
  assert.equal(back.levelModels.length, 2);
  for (const t of [text, 'Legislators pass statutes and decrees', 'The organisation should ensure assessment by auditors'])
    assert.deepEqual(
      back.decide(t).steps.map((s) => [s.code, s.confidence.toFixed(6)]),
      m.decide(t).steps.map((s) => [s.code, s.confidence.toFixed(6)]),
    );
});

// Per-taxonomy ensemble members (`componentsFor` of the hyper-parameters; not set in MODEL_HYPER, see
// docs/evaluation.md, round 7, helper ACT8): the persisted model of the taxonomy named is trained,
// stored and read back without the members left out (here the actor model without its words +
// characters SVM), the other taxonomies keep the shared members, the choice is part of the model key,
// and the fused scorer of the fast path gives what each remaining member gives on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';
import { compactScores } from '../../src/classify/embedded/compact.ts';
import type { Component, HyperParameters } from '../../src/classify/embedded/model.ts';
import type { SparseVec } from '../../src/classify/embedded/sparse.ts';

const registry = taxonomies();
const actor = registry.get('actor');
const lifecycle = registry.get('lifecycle');
const texts = [
  ['Developers shall document the training data of the model', 'developer', 'plan-design'],
  ['The developer tests the model for dangerous capabilities before release', 'developer', 'build-use-model'],
  ['Deployers must inform people that they interact with an AI system', 'deployer', 'deploy'],
  ['Deploying organisations monitor the system in use and report incidents', 'deployer', 'deploy'],
  ['Member States shall lay down penalties for infringements', 'governance-actor', 'plan-design'],
  ['The authority may request the documentation of any provider', 'governance-actor', 'build-use-model'],
];
const ex = (axis: 1 | 2): TrainingExample[] =>
  Array.from({ length: 30 }, (_, i) => {
    const row = texts[i % texts.length]!;
    return { id: `e${i}`, text: `${row[0]} (${i})`, code: row[axis]!, group: `g${i % 5}` };
  });
const created = '2026-01-01T00:00:00.000Z';
// no inner folds: every candidate member is kept (no subset is chosen on held-out rows), so the
// members of the trained model are exactly the candidates
const small: Partial<HyperParameters> = { ...MODEL_HYPER, innerFolds: 0, knnFor: undefined, componentsFor: { actor: ['svmw', 'svmp'] } };
const kinds = (m: TaxonomyModel) => m.model.components.map((c) => c.kind);

test('the actor model with its own members is trained without the words + characters SVM; lifecycle keeps it', () => {
  const a = TaxonomyModel.train(ex(1), actor, { hyper: small, created, stack: false });
  assert.deepEqual(kinds(a), ['svmw', 'svmp']);
  assert.deepEqual(a.hyper.components, ['svmw', 'svmp']);
  const l = TaxonomyModel.train(ex(2), lifecycle, { hyper: small, created });
  assert.deepEqual(kinds(l), ['svm', 'svmw', 'svmp']);
  // and without the option, actor has all three
  const all = TaxonomyModel.train(ex(1), actor, { hyper: { ...small, componentsFor: undefined }, created, stack: false });
  assert.deepEqual(kinds(all), ['svm', 'svmw', 'svmp']);
});

test('the members left out change the actor probabilities and are read back from the file as trained', () => {
  const a = TaxonomyModel.train(ex(1), actor, { hyper: small, created, stack: false });
  const all = TaxonomyModel.train(ex(1), actor, { hyper: { ...small, componentsFor: undefined }, created, stack: false });
  const t = 'The deployer shall keep the logs of the system';
  assert.notDeepEqual(Array.from(a.model.probabilities(t)), Array.from(all.model.probabilities(t)));
  const back = TaxonomyModel.fromBuffer(a.toBuffer(), 'test');
  assert.deepEqual(kinds(back), ['svmw', 'svmp']);
  for (const s of [t, 'Member States shall impose fines', '开发者应当记录训练数据'])
    assert.deepEqual(Array.from(back.model.probabilities(s)), Array.from(a.model.probabilities(s)));
});

test('per-taxonomy members are part of the model key', () => {
  const e = ex(1);
  const own = { ...MODEL_HYPER, componentsFor: { actor: ['svmw', 'svmp'] as Component[] } };
  const without = { ...MODEL_HYPER, componentsFor: undefined };
  assert.notEqual(TaxonomyModel.key(e, actor, own), TaxonomyModel.key(e, actor, without));
  const other = { ...MODEL_HYPER, componentsFor: { actor: ['svmw'] as Component[] } };
  assert.notEqual(TaxonomyModel.key(e, actor, own), TaxonomyModel.key(e, actor, other));
});

test('the fused scorer of a model with its own members equals member-by-member scoring', () => {
  const a = TaxonomyModel.train(ex(1), actor, { hyper: small, created, stack: false });
  const fused = (a as unknown as { scorer(): { scores(x: SparseVec): Float64Array[] } }).scorer();
  for (const t of ['Deployers must inform users', 'The developer shall test the model', '服务提供者应当建立安全评估机制', '']) {
    const x = a.features.transform(t);
    const got = fused.scores(x);
    assert.equal(got.length, 2, 'two members');
    a.model.components.forEach((c, i) => assert.deepEqual(Array.from(got[i]!), Array.from(compactScores(c.model, x)), `${t}: member ${i}`));
    const d = a.decide(t);
    if (d.probs) assert.deepEqual(Array.from(d.probs), Array.from(a.model.probabilitiesOf(x)));
  }
});

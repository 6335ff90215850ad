// Per-taxonomy feature options (`featuresFor` of the hyper-parameters): the persisted model of the
// taxonomy named gets its own options (the v2 model of MODEL_HYPER has no character n-grams), the
// other taxonomies keep the shared ones, and the options are part of the model key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { MODEL_HYPER, TaxonomyModel, type TrainingExample } from '../../src/classify/models/hierarchy.ts';

const registry = taxonomies();
const v2 = registry.get('mitigation-v2');
const lifecycle = registry.get('lifecycle');
const texts = [
  ['Filter model outputs with a moderation classifier', '1.2.1'],
  ['Screen user prompts for injection attacks before they reach the model', '1.2.1'],
  ['The board approves every release of a frontier model', '2.1.1'],
  ['Senior management signs off high-risk deployments', '2.1.1'],
  ['Member States shall lay down penalties for infringements', '3.1.5'],
  ['Authorities may impose fines on providers that break the rules', '3.1.5'],
];
const ex = (codes: (c: string, i: number) => string): TrainingExample[] =>
  Array.from({ length: 24 }, (_, i) => {
    const [text, code] = texts[i % texts.length]!;
    return { id: `e${i}`, text: `${text} (${i})`, code: codes(code!, i), group: `g${i % 4}` };
  });
const small = { ...MODEL_HYPER, levelModels: false, innerFolds: 0 };

test('the v2 model of MODEL_HYPER has no character n-grams; another taxonomy keeps them', () => {
  assert.equal(MODEL_HYPER.featuresFor?.['mitigation-v2']?.charWeight, 0);
  const m = TaxonomyModel.train(ex((c) => c), v2, { hyper: small, created: '2026-01-01T00:00:00.000Z' });
  const [c0, c1] = m.features.blocks.chars;
  assert.equal(c1 - c0, 0, 'no character block in the v2 model');
  assert.equal(m.hyper.features.charWeight, 0);
  const codes = ['plan-design', 'build-use-model', 'deploy'];
  const l = TaxonomyModel.train(ex((_, i) => codes[i % codes.length]!), lifecycle, { hyper: small, created: '2026-01-01T00:00:00.000Z' });
  const [d0, d1] = l.features.blocks.chars;
  assert.ok(d1 - d0 > 0, 'the lifecycle model keeps its character block');
  assert.equal(l.hyper.features.charWeight, 1);
});

test('per-taxonomy feature options are part of the model key, for that taxonomy only', () => {
  const e = ex((c) => c);
  const without = { ...MODEL_HYPER, featuresFor: undefined };
  assert.notEqual(TaxonomyModel.key(e, v2, MODEL_HYPER), TaxonomyModel.key(e, v2, without));
  const other = { ...MODEL_HYPER, featuresFor: { 'mitigation-v2': { charWeight: 0.5 } } };
  assert.notEqual(TaxonomyModel.key(e, v2, MODEL_HYPER), TaxonomyModel.key(e, v2, other));
});

test('a model trained with its own feature options reads them back from its file', () => {
  const m = TaxonomyModel.train(ex((c) => c), v2, { hyper: small, created: '2026-01-01T00:00:00.000Z' });
  const back = TaxonomyModel.fromBuffer(m.toBuffer(), 'test');
  assert.equal(back.features.blocks.chars[1] - back.features.blocks.chars[0], 0);
  for (const t of ['Filter the outputs of the model', 'Member States shall impose fines'])
    assert.deepEqual(Array.from(back.model.probabilities(t)), Array.from(m.model.probabilities(t)));
});

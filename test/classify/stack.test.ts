// Stacking of the actor axis (src/classify/models/stack.ts): grouped inner folds, the combiner, the
// auxiliary labels read from the annotation files, and a stack that survives its model file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { annotationExamples } from '../../src/classify/models/training.ts';
import { MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import { auxCode, fitCombiner, groupedFolds, readStack, STACK_AXES, stackProbabilities, trainStack, writeStack } from '../../src/classify/models/stack.ts';
import { readContainer, SectionWriter } from '../../src/classify/models/binary.ts';
import { rng } from '../../src/classify/embedded/sparse.ts';

const registry = taxonomies();
const actor = annotationExamples(registry).byTaxonomy.get('actor') ?? [];
const skip = actor.length >= 200 ? undefined : 'the annotated set (annotations/) is missing';

test('inner folds keep each source document in one fold and balance the rows', () => {
  const groups = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'd', undefined, undefined];
  const f = groupedFolds(groups, 3);
  assert.deepEqual(f, groupedFolds(groups, 3), 'the same groups give the same folds');
  for (const g of ['a', 'b', 'c']) assert.equal(new Set(groups.map((x, i) => (x === g ? f[i] : -1)).filter((v) => v >= 0)).size, 1, `document ${g} is split`);
  const load = [0, 1, 2].map((k) => f.filter((v) => v === k).length);
  assert.ok(Math.max(...load) - Math.min(...load) <= 2, `unbalanced folds ${load}`);
});

test('an auxiliary label is cut to its level; a shallower code gives none', () => {
  assert.equal(auxCode({ taxonomy: 'mitigation-v2', level: 1 }, { 'mitigation-v2': '2.3.4' }), '2');
  assert.equal(auxCode({ taxonomy: 'mitigation-v2', level: 2 }, { 'mitigation-v2': '2.3.4' }), '2.3');
  assert.equal(auxCode({ taxonomy: 'mitigation-v2', level: 2 }, { 'mitigation-v2': '2' }), undefined);
  assert.equal(auxCode({ taxonomy: 'lifecycle' }, { lifecycle: 'deploy' }), 'deploy');
  assert.equal(auxCode({ taxonomy: 'lifecycle' }, undefined), undefined);
});

test('the combiner learns what the auxiliary inputs add, and gives the model back when they add nothing', () => {
  // two classes the model cannot tell apart (p = ½, ½); the auxiliary input says which one it is
  const rand = rng(7);
  const lp: Float64Array[] = [];
  const z: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = rand() < 0.5 ? 0 : 1;
    lp.push(Float64Array.from([Math.log(0.5), Math.log(0.5)]));
    z.push(Float64Array.from(c === 0 ? [0.9, 0.1] : [0.1, 0.9]));
    y.push(c);
  }
  const { W, b } = fitCombiner(lp, z, y, 2, 0.001, 0);
  const pick = (zz: number[]) => (W[0]! * zz[0]! + W[1]! * zz[1]! + b[0]! > W[2]! * zz[0]! + W[3]! * zz[1]! + b[1]! ? 0 : 1);
  assert.equal(pick([0.9, 0.1]), 0);
  assert.equal(pick([0.1, 0.9]), 1);
  // uninformative inputs and a strong penalty: the weights stay near zero
  const flat = fitCombiner(lp, z.map(() => Float64Array.from([0.5, 0.5])), y, 2, 10, 0);
  for (const v of [...flat.W, ...flat.b]) assert.ok(Math.abs(v) < 0.01, `weight ${v}`);
});

test('annotation examples of the actor axis carry the same items\u2019 labels on the stacked axes, never their own', { skip }, () => {
  const withAux = actor.filter((e) => e.aux);
  assert.ok(withAux.length > actor.length * 0.9, `${withAux.length} of ${actor.length} actor examples have auxiliary labels`);
  const axes = new Set(STACK_AXES.actor!.map((s) => s.taxonomy));
  for (const e of withAux) {
    assert.ok(!('actor' in e.aux!), 'the own label must not be an input');
    for (const [t, code] of Object.entries(e.aux!)) {
      assert.ok(axes.has(t), `unexpected axis ${t}`);
      assert.ok(!registry.get(t).node(code).special, `special code ${code} kept`);
    }
  }
  // an axis that is not stacked gets no auxiliary labels
  assert.ok((annotationExamples(registry).byTaxonomy.get('lifecycle') ?? []).every((e) => !e.aux));
});

test('a stack trained on the training rows changes the model\u2019s probabilities and survives its model file unchanged', { skip }, () => {
  const train = actor.slice(0, 400);
  const m = TaxonomyModel.train(train, registry.get('actor'), { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z', stack: false });
  const rows = train.map((e) => ({ text: e.text, x: m.features.transform(e.text), group: e.group, aux: e.aux }));
  const st = trainStack(STACK_AXES.actor!, rows, m.features, m.model.heldOut!, m.model.classes.length);
  assert.ok(st, 'a stack is trained');
  assert.equal(st.heldProbs.length, m.model.heldOut!.probs.length);
  const w = new SectionWriter();
  const meta = writeStack(w, st.stack);
  const back = readStack(readContainer(w.build({ stack: meta }), 'test'), meta, 'test');
  let changed = 0;
  for (const e of actor.slice(400, 460)) {
    const x = m.features.transform(e.text);
    const p = m.model.probabilitiesOf(x);
    const a = stackProbabilities(st.stack, p, x);
    const b = stackProbabilities(back, p, x);
    assert.deepEqual(Array.from(b), Array.from(a), 'the stored stack gives the same numbers');
    assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) - 1) < 1e-9);
    if (Math.max(...a.map((v, i) => Math.abs(v - p[i]!))) > 1e-6) changed++;
  }
  assert.ok(changed > 0, 'the stack changes the probabilities');
});

test('the actor model carries its stack: decisions use the stacked probabilities, and a saved model decides the same', { skip }, () => {
  const train = actor.slice(0, 400);
  const m = TaxonomyModel.train(train, registry.get('actor'), { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z' });
  assert.ok(m.stack, 'the actor model is stacked');
  assert.equal(m.stack.aux.length, STACK_AXES.actor!.length);
  const plain = TaxonomyModel.train(train, registry.get('actor'), { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z', stack: false });
  assert.equal(plain.stack, undefined);
  assert.notEqual(m.version, TaxonomyModel.train(train.map((e) => ({ ...e, aux: undefined })), registry.get('actor'), { hyper: MODEL_HYPER, created: '2026-01-01T00:00:00.000Z' }).version, 'the other axes\u2019 labels are part of the model key');
  const back = TaxonomyModel.fromBuffer(m.toBuffer(), 'test');
  for (const e of actor.slice(400, 450)) {
    const d = m.decide(e.text);
    const x = m.features.transform(e.text);
    const expected = stackProbabilities(m.stack, m.model.probabilitiesOf(x), x);
    assert.deepEqual(Array.from(d.probs!), Array.from(expected), 'decide uses the stacked probabilities');
    const b = back.decide(e.text);
    assert.deepEqual([b.code, b.suggested, b.confidence], [d.code, d.suggested, d.confidence]);
  }
});

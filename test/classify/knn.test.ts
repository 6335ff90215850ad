// The nearest-neighbour member (src/classify/models/knn.ts): the nearest training examples decide its
// vote, the inverted index finds exactly the neighbours a comparison with every example finds, held-out
// neighbours never come from the row's own inner fold, and a damaged index is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES, Features } from '../../src/classify/embedded/features.ts';
import { chooseKnnMember, chooseKnnWeight, KnnIndex, knnInnerFolds, referenceNeighbours } from '../../src/classify/models/knn.ts';

const texts = [
  'Encrypt model weights at rest and restrict access to them',
  'Store model weights encrypted and control who can read them',
  'Publish a transparency report on incidents every year',
  'Report serious incidents to the regulator within fifteen days',
  'Train staff on responsible AI use and escalation',
  'Provide annual responsible AI training for employees',
  '训练数据应当进行安全评估',
  '服务提供者应当建立投诉举报机制',
];
const labels = [0, 0, 1, 1, 2, 2, 1, 2];
const features = Features.fit(texts, { ...DEFAULT_FEATURES });
const X = texts.map((t) => features.transform(t));
const settings = { k: 1, power: 1, balance: 0, T: 0.05, w: 1 };
const build = (y: number[]) => KnnIndex.build(X, y, y.map(() => 1), 3, features.dim, features.blocks.chars, settings);

test('the nearest training example decides the vote: a planted example carries its class', () => {
  const index = build(labels);
  const query = features.transform('Encrypt the weights of the model at rest');
  assert.equal(index.neighbours(query, 1).rows[0], 0);
  const p = index.probabilities(query);
  assert.equal(p.indexOf(Math.max(...p)), 0);
  // relabel the planted example: the same text now votes for another class
  const moved = build([2, ...labels.slice(1)]);
  const q = moved.probabilities(query);
  assert.equal(q.indexOf(Math.max(...q)), 2);
  // mixed into a model's probabilities that say class 1, weight 1 follows the neighbour, weight 0 the model
  const model = Float64Array.from([0.1, 0.8, 0.1]);
  const m1 = moved.mix(model, query, false);
  assert.equal(m1.indexOf(Math.max(...m1)), 2);
  assert.equal(moved.mix(model, query, false, { ...settings, w: 0 }), model);
  // a Chinese text takes the Chinese weight when one is given
  const zhOnly = { ...settings, w: 0, wZh: 1 };
  assert.equal(moved.mix(model, query, false, zhOnly), model);
  const z = moved.mix(model, query, true, zhOnly);
  assert.equal(z.indexOf(Math.max(...z)), 2);
});

test('the inverted index finds the neighbours, similarities and order of a comparison with every example', () => {
  const index = build(labels);
  const queries = [...texts, 'incident reporting and staff training on model weights', '安全评估 incident 机制', 'zzzz'];
  for (const t of queries) {
    const x = features.transform(t);
    for (const skip of [features.blocks.chars, [0, 0] as [number, number]]) {
      const ix = KnnIndex.build(X, labels, labels.map(() => 1), 3, features.dim, skip, settings);
      assert.deepEqual(ix.neighbours(x, 5), referenceNeighbours(X, x, 5, skip), t);
    }
    assert.deepEqual(index.neighbours(x, 3), referenceNeighbours(X, x, 3, features.blocks.chars));
  }
});

test('held-out neighbours never come from the row’s own inner fold (source document)', () => {
  const groups = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'];
  const folds = knnInnerFolds(groups);
  assert.equal(folds[0], folds[1]);
  const index = build(labels);
  for (let i = 0; i < X.length; i++) for (const r of index.neighbours(X[i]!, 8, (r) => folds[r] === folds[i]).rows) assert.notEqual(folds[r], folds[i]);
  const { settings: s, held } = chooseKnnMember(index, X, groups, { ks: [1, 3], powers: [1], balances: [0, 1] });
  assert.equal(held.length, X.length);
  assert.ok([1, 3].includes(s.k) && s.T > 0);
  // a member that is right where the model is wrong earns a weight; one that agrees with nothing does not
  const rows = X.map((_, i) => i);
  const wrong = rows.map((i) => Float64Array.from([0, 1, 2], (c) => (c === (labels[i]! + 1) % 3 ? 0.5 : 0.25)));
  const right = rows.map((i) => Float64Array.from([0, 1, 2], (c) => (c === labels[i] ? 1 : 0)));
  assert.ok(chooseKnnWeight({ rows, probs: wrong }, right, labels, 3) > 0);
  assert.equal(chooseKnnWeight({ rows, probs: right }, wrong, labels, 3), 0);
});

test('class balance weighs a rare class’s votes up', () => {
  const y = [0, 0, 0, 0, 0, 0, 1, 0];
  const index = KnnIndex.build(X, y, y.map(() => 1), 2, features.dim, features.blocks.chars, settings);
  const nb = { rows: [0, 6], sims: [0.5, 0.5] };
  const plain = index.votes(nb, 2, 1, 0);
  const balanced = index.votes(nb, 2, 1, 1);
  assert.ok(Math.abs(plain[0]! - 0.5) < 1e-12);
  assert.ok(balanced[1]! > 0.8);
});

test('a damaged index is refused with a clear error', () => {
  const parts = build(labels).parts;
  assert.throws(() => KnnIndex.fromParts({ ...parts, y: parts.y.slice(1) }, features.dim), /nearest-neighbour index/);
  assert.throws(() => KnnIndex.fromParts({ ...parts, y: Uint16Array.from(parts.y, () => 9) }, features.dim), /class the model does not have/);
  assert.throws(() => KnnIndex.fromParts({ ...parts, counts: Int32Array.from(parts.counts, (c) => c + 1) }, features.dim), /inconsistent/);
  assert.equal(KnnIndex.fromParts(parts, features.dim).digest(), build(labels).digest());
});

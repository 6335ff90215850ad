import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseThreshold, fitTemperature } from '../../../src/classify/embedded/model.ts';
import { rng, softmaxInPlace } from '../../../src/classify/embedded/sparse.ts';

test('temperature scaling recovers the temperature that generated the labels', () => {
  // Scores for 3 classes; labels drawn from softmax(scores / 2). The NLL-optimal temperature is ≈ 2.
  const rand = rng(3);
  const scores: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const s = Float64Array.from([0, 1, 2], () => (rand() - 0.5) * 8);
    const p = softmaxInPlace(Float64Array.from(s), 2);
    const u = rand();
    y.push(u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2);
    scores.push(s);
  }
  const T = fitTemperature(scores, y);
  assert.ok(Math.abs(T - 2) < 0.2, `fitted T = ${T}`);
});

test('abstention threshold: the lowest confidence whose held-out accuracy reaches the target', () => {
  // Confidences (best class first) and whether the prediction was right:
  //   0.9 ✓, 0.8 ✓, 0.7 ✗, 0.6 ✓, 0.5 ✗, 0.4 ✗
  // Cumulative accuracy from the top: 1, 1, 2/3, 3/4, 3/5, 1/2.
  // Target 0.75 → the lowest confidence with cumulative accuracy ≥ 0.75 is 0.6 (3 of 4 right), coverage 4/6.
  const conf = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const ok = [true, true, false, true, false, false];
  const probs = conf.map((c) => Float64Array.from([c, (1 - c) / 2, (1 - c) / 2]));
  const y = ok.map((o) => (o ? 0 : 1));
  const r = chooseThreshold(probs, y, 0.75, {}, ['svm'], 0, 3);
  assert.equal(r.threshold, 0.6);
  assert.equal(r.coverage, 4 / 6);
  assert.equal(r.accuracyCovered, 0.75);
  assert.equal(r.accuracy, 0.5);
  // An unreachable target falls back to the best accuracy on at least a fifth of the rows (here 0.8: 2 of 2 right).
  const r2 = chooseThreshold(probs, y, 1.01, {}, ['svm'], 0, 3);
  assert.equal(r2.threshold, 0.8);
});

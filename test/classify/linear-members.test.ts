// The optional linear members of round 6. NB-SVM (naive-Bayes-scaled linear SVM): a feature seen only
// in one class's texts gets weight for that class, a feature shared evenly or never seen gets none,
// and as an ensemble member it learns a toy task. Logistic regression (dual coordinate descent): the
// weights it returns are the optimum of the regularised primal (its gradient is zero there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainNbSvm, trainOvrLogistic } from '../../src/classify/embedded/learners.ts';
import { EmbeddedModel } from '../../src/classify/embedded/model.ts';
import { dotDense, type SparseVec } from '../../src/classify/embedded/sparse.ts';

const v = (pairs: [number, number][]): SparseVec => ({ idx: Int32Array.from(pairs, (p) => p[0]), val: Float64Array.from(pairs, (p) => p[1]) });

test('NB-SVM: features of one class get weight for it, and none for a feature never seen', () => {
  // feature 0 only in class 0, feature 1 only in class 1, feature 2 in both, feature 3 never
  const X = [v([[0, 1], [2, 1]]), v([[0, 1]]), v([[1, 1], [2, 1]]), v([[1, 1]])];
  const y = Int32Array.from([0, 0, 1, 1]);
  const W = trainNbSvm(X, y, 2, 4, { C: 1, tol: 1e-4, seed: 1 });
  assert.equal(W.length, 2);
  assert.ok(W[0]![0]! > 0 && W[0]![1]! < 0, 'class 0 weighs feature 0 up and feature 1 down');
  assert.ok(W[1]![1]! > 0 && W[1]![0]! < 0, 'class 1 the other way round');
  assert.equal(W[0]![3], 0, 'a feature no training text holds has no weight');
  // the shared feature has log-count ratio 0 for both classes: no weight either
  assert.ok(Math.abs(W[0]![2]!) < 1e-12 && Math.abs(W[1]![2]!) < 1e-12);
  const s0 = dotDense(X[0]!, W[0]!) + W[0]![4]!;
  const s1 = dotDense(X[0]!, W[1]!) + W[1]![4]!;
  assert.ok(s0 > s1, 'a class-0 text scores higher for class 0');
});

test('NB-SVM: as a member of the ensemble it learns a small task', () => {
  const texts: { text: string; code: string; group: string }[] = [];
  for (let i = 0; i < 30; i++) {
    texts.push({ text: `filter model outputs with a classifier number ${i}`, code: '1.2.1', group: `a${i % 5}` });
    texts.push({ text: `the board approves the release decision ${i}`, code: '2.1.1', group: `b${i % 5}` });
  }
  const m = EmbeddedModel.train(texts, { hyper: { components: ['nbsvm'], select: false, selectPrior: false } });
  assert.deepEqual(
    m.components.map((c) => c.kind),
    ['nbsvm'],
  );
  assert.equal(m.predict('an output classifier filters the model').code, '1.2.1');
  assert.equal(m.predict('the board decides').code, '2.1.1');
});

test('logistic regression: the dual solution is the primal optimum (gradient zero), per class', () => {
  const X = [v([[0, 1]]), v([[0, 0.8], [1, 0.3]]), v([[1, 1]]), v([[1, 0.7], [2, 0.5]]), v([[0, 0.2], [2, 1]])];
  const y = Int32Array.from([0, 0, 1, 1, 2]);
  const C = 2;
  const W = trainOvrLogistic(X, y, 3, 3, { C, epochs: 1000, tol: 1e-12 });
  for (let c = 0; c < 3; c++) {
    const w = W[c]!;
    // gradient of ½‖w‖² + C Σ log(1 + exp(−y_i (w·x_i + b))) with the intercept regularised as a feature
    const g = Float64Array.from(w);
    X.forEach((x, i) => {
      const yi = y[i] === c ? 1 : -1;
      const s = 1 / (1 + Math.exp(yi * (dotDense(x, w) + w[3]!)));
      x.idx.forEach((j, k) => (g[j]! -= C * yi * x.val[k]! * s));
      g[3]! -= C * yi * s;
    });
    for (const gj of g) assert.ok(Math.abs(gj) < 1e-6, `class ${c}: gradient ${Array.from(g).join(', ')}`);
  }
  const s0 = dotDense(X[0]!, W[0]!) + W[0]![3]!;
  assert.ok(s0 > 0, 'a class-0 text is on the positive side for class 0');
});

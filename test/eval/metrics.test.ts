import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy,
  agreement,
  agreementAtLevel,
  alphaPair,
  cohenKappa,
  confusionMatrix,
  dottedAncestor,
  krippendorffAlpha,
  macroF1,
  naturalCompare,
  perClass,
  weightedKappa,
} from '../../src/eval/metrics.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

// Two classes, 10 rows. Confusion (gold rows × predicted columns):
//          a  b
//   gold a 4  1
//   gold b 2  3
const G1 = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'];
const P1 = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'a', 'a'];

test('confusion matrix, accuracy and Cohen kappa on a 2×2 example', () => {
  const cm = confusionMatrix(G1, P1);
  assert.deepEqual(cm.labels, ['a', 'b']);
  assert.deepEqual(cm.matrix, [
    [4, 1],
    [2, 3],
  ]);
  // p_o = (4 + 3) / 10 = 0.7
  close(accuracy(G1, P1), 0.7);
  // gold marginals a=5 b=5, predicted marginals a=6 b=4: p_e = (5·6 + 5·4) / 100 = 0.5
  // κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
  close(cohenKappa(G1, P1), 0.4);
});

test('per-class precision/recall/F1 and macro-F1', () => {
  const pc = perClass(confusionMatrix(G1, P1));
  // a: tp 4, predicted 6, support 5 → P = 2/3, R = 4/5, F1 = 2·(2/3)(4/5)/(2/3 + 4/5) = 8/11
  close(pc[0].precision, 2 / 3);
  close(pc[0].recall, 0.8);
  close(pc[0].f1, 8 / 11);
  assert.equal(pc[0].support, 5);
  assert.equal(pc[0].predicted, 6);
  // b: tp 3, predicted 4, support 5 → P = 3/4, R = 3/5, F1 = 2·0.45/1.35 = 2/3
  close(pc[1].f1, 2 / 3);
  // macro-F1 = (8/11 + 2/3) / 2 = 23/33
  close(macroF1(G1, P1), 23 / 33);
});

test('Krippendorff alpha (nominal) for two coders', () => {
  // Coincidence matrix: each unit adds (g,p) and (p,g): o_aa = 8, o_bb = 6, o_ab = o_ba = 3.
  // n_a = 11, n_b = 9, n = 20. D_o ∝ o_ab + o_ba = 6; D_e ∝ n_a·n_b + n_b·n_a = 198.
  // α = 1 − (n − 1)·6/198 = 1 − 114/198 = 14/33
  close(alphaPair(G1, P1), 14 / 33);
});

test("Krippendorff alpha on Krippendorff's published 4-coder example with missing values", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units,
  // published α: nominal 0.743, ordinal 0.815, interval 0.849 (3 decimals).
  const A = ['1', '2', '3', '3', '2', '1', '4', '1', '2', null, null, null];
  const B = ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', null, '3'];
  const C = [null, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', null];
  const D = ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', null];
  const units = A.map((_, i) => [A[i], B[i], C[i], D[i]]);
  const scale = ['1', '2', '3', '4', '5'];
  close(krippendorffAlpha(units, 'nominal'), 0.743, 5e-4);
  close(krippendorffAlpha(units, 'ordinal', scale), 0.815, 5e-4);
  close(krippendorffAlpha(units, 'interval', scale), 0.849, 5e-4);
});

test('quadratic and linear weighted kappa on a 3-point scale', () => {
  const g = ['1', '1', '2', '2', '3', '3'];
  const p = ['1', '2', '2', '3', '3', '2'];
  // Disagreements (1,2), (2,3), (3,2) are all adjacent: quadratic weight (1/2)² = 0.25 each → Σ w·O = 0.75.
  // Gold marginals 2,2,2; predicted 1,3,2; E_ij = 2·c_j/6.
  // Σ w·E = (1/3)(0.25 + 1)·1 + (1/3)(0.25 + 0.25)·3 + (1/3)(1 + 0.25)·2 = 5/12 + 1/2 + 5/6 = 1.75
  // κ_w = 1 − 0.75/1.75 = 4/7
  close(weightedKappa(g, p, ['1', '2', '3']), 4 / 7);
  // Linear: weights 0.5 (adjacent), 1 (two apart). Σ w·O = 1.5;
  // Σ w·E = (1/3)(1.5)·1 + (1/3)(1)·3 + (1/3)(1.5)·2 = 0.5 + 1 + 1 = 2.5 → κ = 1 − 1.5/2.5 = 0.4
  close(weightedKappa(g, p, ['1', '2', '3'], 'linear'), 0.4);
  // Unweighted: p_o = 3/6, p_e = (2·1 + 2·3 + 2·2)/36 = 1/3 → κ = (1/2 − 1/3)/(2/3) = 0.25
  close(cohenKappa(g, p), 0.25);
  assert.throws(() => weightedKappa(['1'], ['9'], ['1', '2']), /label "9" is not in the ordinal scale/);
});

test('edge cases: perfect, chance, systematic disagreement, one class, empty', () => {
  const g = ['a', 'b', 'c', 'a'];
  close(cohenKappa(g, g), 1);
  close(alphaPair(g, g), 1);
  close(macroF1(g, g), 1);
  // Chance: p_o = 0.5, p_e = (2·2 + 2·2)/16 = 0.5 → κ = 0
  close(cohenKappa(['a', 'a', 'b', 'b'], ['a', 'b', 'a', 'b']), 0);
  // Always swapped: p_o = 0, p_e = 0.5 → κ = −1
  close(cohenKappa(['a', 'b'], ['b', 'a']), -1);
  // One class used by both: accuracy 1, κ and α undefined (0/0) → NaN
  assert.equal(accuracy(['x', 'x'], ['x', 'x']), 1);
  assert.ok(Number.isNaN(cohenKappa(['x', 'x'], ['x', 'x'])));
  assert.ok(Number.isNaN(alphaPair(['x', 'x'], ['x', 'x'])));
  // One gold class, predictions vary: p_o = 1/2, p_e = (2·1)/4 = 1/2 → κ = 0
  close(cohenKappa(['x', 'x'], ['x', 'y']), 0);
  // Empty
  assert.ok(Number.isNaN(accuracy([], [])));
  assert.ok(Number.isNaN(cohenKappa([], [])));
  assert.ok(Number.isNaN(macroF1([], [])));
  const e = agreement([], []);
  assert.equal(e.n, 0);
  assert.deepEqual(e.confusion.matrix, []);
  assert.throws(() => accuracy(['a'], []), /differ in length/);
});

test('agreement at a coarser taxonomy level', () => {
  const g = ['1.1', '1.2', '2.1', '2.2'];
  const p = ['1.2', '1.2', '2.1', '1.1'];
  // Subdomain: p_o = 2/4; gold marginals 1 each, predicted 1.1:1, 1.2:2, 2.1:1 → p_e = (1+2+1)/16 = 1/4
  // κ = (1/2 − 1/4)/(3/4) = 1/3
  close(agreement(g, p).kappa, 1 / 3);
  // Domain: gold 1 1 2 2, predicted 1 1 2 1 → p_o = 3/4, p_e = (2·3 + 2·1)/16 = 1/2 → κ = 1/2
  const d = agreementAtLevel(g, p, dottedAncestor(1));
  close(d.kappa, 0.5);
  assert.deepEqual(d.confusion.labels, ['1', '2']);
  // Codes shallower than the level are dropped
  assert.equal(agreementAtLevel(['1', '1.1'], ['1', '1.1'], dottedAncestor(2)).n, 1);
});

test('agreement() with an ordinal scale reports weighted statistics, labels in scale order', () => {
  const a = agreement(['3', '1', '2'], ['3', '1', '1'], { ordinal: ['1', '2', '3'] });
  assert.deepEqual(a.confusion.labels, ['1', '2', '3']);
  assert.ok(a.weighted_kappa !== undefined && a.alpha_ordinal !== undefined);
  // natural order of codes
  assert.deepEqual(['1.10', '1.2', '10', '2'].sort(naturalCompare), ['1.2', '1.10', '2', '10']);
});

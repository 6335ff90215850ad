// Bootstrap intervals: they hold the point estimate, repeat exactly for a seed, widen with fewer
// rows, and pair the resamples when two predictions are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kappaInterval, pairedKappa, quantile, seededRandom, formatInterval } from '../../src/eval/bootstrap.ts';
import { cohenKappa } from '../../src/eval/metrics.ts';
import { PROTOCOL } from '../../src/eval/defaults.ts';

/** n rows over three classes; the prediction is right on about `rate` of them (seeded). */
function rows(n: number, rate: number, seed = 7): { gold: string[]; pred: string[] } {
  const r = seededRandom(seed);
  const classes = ['a', 'b', 'c'];
  const gold: string[] = [];
  const pred: string[] = [];
  for (let i = 0; i < n; i++) {
    const g = classes[i % 3]!;
    gold.push(g);
    pred.push(r() < rate ? g : classes[(i + 1 + Math.floor(r() * 2)) % 3]!);
  }
  return { gold, pred };
}

test('a κ interval holds its point estimate and uses the frozen defaults', () => {
  const { gold, pred } = rows(300, 0.7);
  const i = kappaInterval(gold, pred);
  assert.equal(i.estimate, cohenKappa(gold, pred));
  assert.ok(i.low < i.estimate && i.estimate < i.high, formatInterval(i));
  assert.equal(i.resamples, PROTOCOL.resamples);
  assert.equal(i.seed, PROTOCOL.bootstrapSeed);
  assert.equal(i.level, 0.95);
  assert.equal(i.undefined, 0);
});

test('the same seed gives the same interval; another seed another one', () => {
  const { gold, pred } = rows(200, 0.6);
  const a = kappaInterval(gold, pred, { seed: 11 });
  const b = kappaInterval(gold, pred, { seed: 11 });
  const c = kappaInterval(gold, pred, { seed: 12 });
  assert.deepEqual(a, b);
  assert.notDeepEqual([a.low, a.high], [c.low, c.high]);
  assert.equal(a.estimate, c.estimate);
});

test('fewer rows give a wider interval', () => {
  const big = rows(600, 0.7);
  const small = { gold: big.gold.slice(0, 60), pred: big.pred.slice(0, 60) };
  const wBig = kappaInterval(big.gold, big.pred);
  const wSmall = kappaInterval(small.gold, small.pred);
  assert.ok(wSmall.high - wSmall.low > 2 * (wBig.high - wBig.low), `${formatInterval(wSmall)} vs ${formatInterval(wBig)}`);
});

test('paired difference: estimate is κ(a) − κ(b), resampled on the same rows', () => {
  const { gold, pred } = rows(300, 0.7, 3);
  const worse = pred.map((p, i) => (i % 5 === 0 ? (p === 'a' ? 'b' : 'a') : p));
  const d = pairedKappa(gold, pred, worse);
  assert.ok(Math.abs(d.difference.estimate - (cohenKappa(gold, pred) - cohenKappa(gold, worse))) < 1e-12);
  assert.ok(d.difference.low <= d.difference.estimate && d.difference.estimate <= d.difference.high);
  // Paired resampling: the interval of the difference is much narrower than either κ's interval
  // (the two predictions share most of their rows' errors).
  assert.ok(d.difference.high - d.difference.low < d.a.high - d.a.low);
  // Identical predictions differ by exactly zero in every resample.
  const same = pairedKappa(gold, pred, pred);
  assert.deepEqual([same.difference.estimate, same.difference.low, same.difference.high], [0, 0, 0]);
});

test('undefined resamples are counted, and an empty list gives NaN bounds', () => {
  const one = kappaInterval(['a', 'a', 'a'], ['a', 'a', 'a']);
  assert.ok(Number.isNaN(one.estimate));
  assert.equal(one.undefined, one.resamples);
  const none = kappaInterval([], []);
  assert.ok(Number.isNaN(none.low) && Number.isNaN(none.high));
  assert.throws(() => kappaInterval(['a'], []), /differ in length/);
});

test('quantiles interpolate between order statistics', () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([0, 10], 0.25), 2.5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

// Round 7 additions to the stacking of src/classify/models/stack.ts: the combiner's learned member
// weighting (it sees each member's own probabilities, not only their average), the split of a stack
// into auxiliary training and the combiner's fit, and that the combiner's settings and its held-out
// probabilities come from held-out rows only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCombiner, fitStack, memberLogs, noAuxiliary, readStack, stackProbabilities, writeStack, type AuxTraining } from '../../src/classify/models/stack.ts';
import { readContainer, SectionWriter } from '../../src/classify/models/binary.ts';
import { argmax, rng } from '../../src/classify/embedded/sparse.ts';

const X = { idx: new Int32Array(0), val: new Float64Array(0) };

/** Two members over K = 2: the first knows the class (0.85 / 0.15), the second is a coin. Their average is what the model gives. */
function plantedMembers(n: number, seed: number) {
  const rand = rng(seed);
  const y: number[] = [];
  const members: Float64Array[][] = [[], []];
  const probs: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const c = rand() < 0.5 ? 0 : 1;
    const right = rand() < 0.9 ? c : 1 - c;
    const good = Float64Array.from(right === 0 ? [0.85, 0.15] : [0.15, 0.85]);
    const coin = rand();
    const noise = Float64Array.from([coin, 1 - coin]);
    members[0]!.push(good);
    members[1]!.push(noise);
    probs.push(Float64Array.from([(good[0]! + noise[0]!) / 2, (good[1]! + noise[1]!) / 2]));
    y.push(c);
  }
  return { y, members, probs };
}

test('member weighting: the combiner weights up the member that knows the class and down the one that guesses', () => {
  const { y, members, probs } = plantedMembers(300, 11);
  const lp = probs.map((p) => Float64Array.from(p, Math.log));
  const z = probs.map(() => new Float64Array(0));
  const mem = probs.map((_, i) => memberLogs([members[0]![i]!, members[1]![i]!]));
  const { a } = fitCombiner(lp, z, y, 2, 0.001, 0, mem);
  assert.ok(a && a.length === 2, 'one weight per member');
  assert.ok(a[0]! > 0.3, `informative member's weight ${a[0]}`);
  // the coin is in the average the model gives: its own weight takes it back out (at most zero)
  assert.ok(a[1]! <= 0 && a[0]! > a[1]! + 0.5, `weights ${Array.from(a)}`);
  // without members' probabilities there are no member weights
  assert.equal(fitCombiner(lp, z, y, 2, 0.001, 0).a, undefined);
});

test('fitStack: held-out probabilities come from combiners that did not see the row (a memorisable input does not help)', () => {
  // each row has its own one-hot input: a combiner could memorise every training row with it, but a
  // row's held-out probability comes from a combiner fitted on the other folds, where its input never fired
  const rand = rng(3);
  const n = 60;
  const y = Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
  const rows = Array.from({ length: n }, (_, i) => ({ text: `t${i}`, x: X, group: `doc${i % 12}` }));
  const own: AuxTraining = { ...noAuxiliary(rows), z: rows.map((_, i) => Float64Array.from({ length: n }, (_, d) => (d === i ? 1 : 0))) };
  const held = { probs: rows.map(() => Float64Array.from([0.5, 0.5])), y, rows: rows.map((_, i) => i) };
  const memo = fitStack(own, held, 2)!;
  assert.ok(memo.stack.heldKappa < 0.3, `held-out κ ${memo.stack.heldKappa} from memorised rows`);
  // the same rows with an input that carries the class: the held-out κ sees it
  const signal: AuxTraining = { ...own, z: y.map((c) => Float64Array.from(c === 0 ? [0.8, 0.2] : [0.2, 0.8])) };
  const learnt = fitStack(signal, held, 2)!;
  assert.ok(learnt.stack.heldKappa > 0.9, `held-out κ ${learnt.stack.heldKappa}`);
  assert.equal(learnt.heldProbs.length, n);
  assert.ok(learnt.heldProbs.every((p, i) => argmax(p) === y[i]));
});

test('a stack over the members only: fitted on held-out rows, applied to new rows, and kept by its model file', () => {
  const { y, members, probs } = plantedMembers(240, 5);
  const rows = probs.map((_, i) => ({ text: `t${i}`, x: X, group: `doc${i % 20}` }));
  const held = { probs, y, rows: rows.map((_, i) => i), members };
  const fitted = fitStack(noAuxiliary(rows), held, 2, { members: true })!;
  assert.ok(fitted.stack.a, 'member weights');
  assert.equal(fitted.stack.D, 0);
  // on new rows: the stacked decision follows the informative member more than the plain average does
  const fresh = plantedMembers(400, 99);
  const acc = (pick: (i: number) => number) => fresh.y.filter((c, i) => pick(i) === c).length / fresh.y.length;
  const stacked = acc((i) => argmax(stackProbabilities(fitted.stack, fresh.probs[i]!, X, [fresh.members[0]![i]!, fresh.members[1]![i]!])));
  const plain = acc((i) => argmax(fresh.probs[i]!));
  assert.ok(stacked >= plain, `stacked ${stacked} < plain ${plain}`);
  assert.ok(stacked > 0.85, `stacked accuracy ${stacked}`);
  assert.throws(() => stackProbabilities(fitted.stack, fresh.probs[0]!, X), /member weights/);
  // through a model file: the same probabilities
  const w = new SectionWriter();
  const stored = writeStack(w, fitted.stack);
  const back = readStack(readContainer(w.build({ stored }), 'test'), stored, 'test');
  const m = [fresh.members[0]![0]!, fresh.members[1]![0]!];
  assert.deepEqual(Array.from(stackProbabilities(back, fresh.probs[0]!, X, m)), Array.from(stackProbabilities(fitted.stack, fresh.probs[0]!, X, m)));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedMemo } from '../../src/util/memo.ts';

test('boundedMemo computes each input once while it is kept, and forgets all when full', () => {
  const calls: string[] = [];
  const len = boundedMemo((s: string) => {
    calls.push(s);
    return s.length;
  }, 2);
  assert.equal(len('ab'), 2);
  assert.equal(len('ab'), 2);
  assert.equal(len('abc'), 3);
  assert.deepEqual(calls, ['ab', 'abc']);
  // The table holds two entries: a third input empties it first, so 'ab' is computed again.
  assert.equal(len('abcd'), 4);
  assert.equal(len('ab'), 2);
  assert.deepEqual(calls, ['ab', 'abc', 'abcd', 'ab']);
});

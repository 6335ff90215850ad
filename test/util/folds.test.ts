// The shared fold assignment and κ of src/util/folds.ts (used by `models cv`, the stacks' inner folds
// and the bootstrap of src/eval).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldsOfGroups, kappaOfClasses } from '../../src/util/folds.ts';
import { cohenKappa } from '../../src/eval/metrics.ts';
import { rng } from '../../src/classify/embedded/sparse.ts';

test('groups go whole into folds of similar size, the largest ones into different folds, the same way every time', () => {
  const groups = [...Array(40).fill('big'), ...Array(35).fill('large'), ...Array(30).fill('wide'), ...Array.from({ length: 60 }, (_, i) => `small${i % 20}`)];
  const f = foldsOfGroups(groups, 3);
  const again = foldsOfGroups([...groups].reverse(), 3);
  for (const g of new Set(groups)) assert.equal(again.get(g), f.get(g), `group ${g}: the order of the rows must not matter`);
  assert.equal(new Set(['big', 'large', 'wide'].map((g) => f.get(g))).size, 3);
  const load = [0, 1, 2].map((k) => groups.filter((g) => f.get(g) === k).length);
  assert.ok(Math.max(...load) - Math.min(...load) <= 3, `fold sizes ${load}`);
});

test('κ of class indices: Cohen\u2019s κ, on all rows or a subset; undefined (NaN) without rows or when chance agreement is 1', () => {
  const rand = rng(1);
  const g = Int32Array.from({ length: 200 }, () => Math.floor(rand() * 4));
  const p = Int32Array.from(g, (c) => (rand() < 0.6 ? c : Math.floor(rand() * 4)));
  assert.ok(Math.abs(kappaOfClasses(g, p, 4) - cohenKappa(Array.from(g, String), Array.from(p, String))) < 1e-12);
  const idx = Int32Array.from({ length: 50 }, (_, i) => i * 4);
  assert.ok(Math.abs(kappaOfClasses(g, p, 4, idx) - cohenKappa(Array.from(idx, (i) => String(g[i])), Array.from(idx, (i) => String(p[i])))) < 1e-12);
  assert.ok(Number.isNaN(kappaOfClasses([1, 1, 1], [1, 1, 1], 2)));
  assert.ok(Number.isNaN(kappaOfClasses([], [], 2)));
});

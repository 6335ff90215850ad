// Fuzz, second part: see fuzz.test.ts and fuzz-lib.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from './fixture.ts';
import { fuzz, fuzzRoutes, ROUNDS } from './fuzz-lib.ts';

let t: Awaited<ReturnType<typeof openTestApp>>;
before(async () => {
  t = await openTestApp();
});
after(async () => {
  await t?.close();
});

test(`[${ENGINE}] fuzz: ${ROUNDS} random or hostile parameter sets per public GET route (pages, second half), never a 500`, async () => {
  assert.deepEqual(await fuzz(t, fuzzRoutes(t, 'more')), []);
});

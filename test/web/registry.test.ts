// Routes are registered from an explicit list (src/web/routes/index.ts), so that the compiled build
// has exactly the routes of the sources. This test fails when a route file is missing from the list.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { ROUTE_MODULES } from '../../src/web/routes/index.ts';

test('every route module in src/web/routes is registered, once, page cache first', () => {
  const dir = new URL('../../src/web/routes/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  const listed = ROUTE_MODULES.map((m) => m.name);
  assert.deepEqual([...listed].sort(), files, 'src/web/routes/index.ts must list every route file');
  assert.equal(new Set(listed).size, listed.length, 'no route module is listed twice');
  assert.equal(listed[0], '_cache', 'the page cache wraps every later route, so it is registered first');
  for (const m of ROUTE_MODULES) assert.equal(typeof m.register, 'function', `${m.name} exports register()`);
});

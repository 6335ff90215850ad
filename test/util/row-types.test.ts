// Types from one schema (issue #15): code under src/ never casts query rows to a hand-written
// shape. `Db.query` returns untyped rows; the generic overload that casts exists for tests,
// benchmarks and scripts only, and only the database adapters (which define the interface and
// call the drivers) may name a type argument on a query.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { sourceFiles } from '../../scripts/dev/long-functions.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const ADAPTERS = new Set(['src/store/db.ts', 'src/store/db-thread-worker.ts']);

/** Calls or declarations of `query<…>` in a source text, with their line numbers. */
export function typedQueries(src: string): number[] {
  const lines: number[] = [];
  for (const m of src.matchAll(/\bquery\s*<[^>(]*>\s*\(/g)) lines.push(src.slice(0, m.index).split('\n').length);
  return lines;
}

test('the scanner finds a typed query call and ignores an untyped one', () => {
  assert.deepEqual(typedQueries('const a = await db.query<{ id: string }>(`SELECT id`);\nconst b = await db.query(`SELECT 1`);\nx.query <Row> (s)'), [1, 3]);
});

test('no code under src/ (outside the database adapters) casts query rows with query<T>', () => {
  const found: string[] = [];
  for (const f of sourceFiles(`${ROOT}src`)) {
    const rel = relative(ROOT, f);
    if (ADAPTERS.has(rel)) continue;
    for (const line of typedQueries(readFileSync(f, 'utf8'))) found.push(`${rel}:${line}`);
  }
  assert.deepEqual(found, [], 'parse rows through a schema (src/store/schema: queryRows, queryRow, parseRows, checkRows)');
});

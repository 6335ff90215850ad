// checkRows: a sampled schema check for bulk reads; a misfit row in the sample names its row and
// column, and a schema that would transform rows is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { checkRows, RowShapeError } from '../../src/store/schema/columns.ts';

const Row = z.object({ id: z.string(), n: z.number().int() });

test('checkRows returns the rows when the sample fits', () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, n: i }));
  assert.equal(checkRows(Row, rows, 'q'), rows);
});

test('checkRows names the row and column of a misfit in the sample, and checks the last row', () => {
  const rows: unknown[] = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, n: i }));
  rows[3] = { id: 's3', n: 'x' };
  assert.throws(() => checkRows(Row, rows, 'ids'), (e: unknown) => e instanceof RowShapeError && /ids, row 4: column "n"/.test(e.message));
  rows[3] = { id: 's3', n: 3 };
  rows[199] = { id: 7, n: 1 };
  assert.throws(() => checkRows(Row, rows, 'ids'), /row 200: column "id"/);
});

test('checkRows refuses schemas that transform, and rows with columns the schema does not name', () => {
  const T = z.object({ n: z.string().transform(Number) });
  assert.throws(() => checkRows(T, [{ n: '1' }], 'q'), /use parseRows/);
  assert.throws(() => checkRows(Row, [{ id: 'a', n: 1, extra: true }], 'q'), /use parseRows/);
});

test('checkRows does not care in which order the query gives the columns', () => {
  assert.deepEqual(checkRows(Row, [{ n: 1, id: 'a' }], 'q'), [{ n: 1, id: 'a' }]);
  assert.throws(() => checkRows(Row, [{ n: 1, id: 'a', other: 2 }], 'q'), /use parseRows/);
});

// Every table schema in src/store/schema matches the live database: the same columns (apart from
// those marked internal), the same SQL types, and the same nullability, on PGlite and PostgreSQL.
// A migration that adds, drops, retypes or changes the nullability of a column fails here until
// the schema (and so the row types and the read models that parse rows) follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import type { Store } from '../../src/store/index.ts';
import { TABLES } from '../../src/store/schema/tables.ts';
import { bigint, int, parseRows, queryRow, queryRows, row, RowShapeError } from '../../src/store/schema/columns.ts';
import { documents } from '../../src/store/schema/tables.ts';
import { buildFixture } from '../web/fixture.ts';

let store: Store;
before(async () => {
  store = await openTestStore();
  await buildFixture(store);
});
after(async () => {
  await store?.close();
});

const ColumnInfo = z.object({ column_name: z.string(), data_type: z.string(), is_nullable: z.enum(['YES', 'NO']) });

for (const t of TABLES) {
  test(`[${ENGINE}] schema of table ${t.name} matches the database`, async () => {
    const cols = parseRows(
      ColumnInfo,
      await store.db.query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [t.name],
      ),
      'information_schema.columns',
    );
    assert.ok(cols.length > 0, `table ${t.name} does not exist`);
    const live = new Map(cols.map((c) => [c.column_name, c]));
    const defined = Object.keys(t.columns);
    const missing = cols.map((c) => c.column_name).filter((c) => !defined.includes(c) && !t.internal.includes(c));
    assert.deepEqual(missing, [], `columns of ${t.name} with no schema`);
    const extra = defined.filter((c) => !live.has(c));
    assert.deepEqual(extra, [], `schema columns of ${t.name} that the database does not have`);
    for (const [name, col] of Object.entries(t.columns)) {
      const info = live.get(name)!;
      assert.equal(col.sql, info.data_type, `${t.name}.${name}: type`);
      const acceptsNull = col.schema.safeParse(null).success;
      assert.equal(acceptsNull, info.is_nullable === 'YES', `${t.name}.${name}: nullable in the database is ${info.is_nullable}`);
    }
  });
}

test(`[${ENGINE}] every table of the migrations has a schema`, async () => {
  const live = await queryRows(
    store.db,
    z.object({ table_name: z.string() }),
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    [],
    'information_schema.tables',
  );
  const names = live.map((r) => r.table_name);
  assert.ok(names.includes('documents') && names.includes('jobs'), 'the migrated tables are listed');
  const defined = new Set<string>(TABLES.map((t) => t.name));
  assert.deepEqual(names.filter((n) => !defined.has(n)), [], 'tables with no schema in src/store/schema/tables.ts');
});

test(`[${ENGINE}] rows read from the database parse through their schema; a row of the wrong shape names its column`, async () => {
  for (const t of TABLES) {
    const sample = await store.db.query(`SELECT ${Object.keys(t.columns).join(', ')} FROM ${t.name} LIMIT 20`);
    parseRows(t.row, sample, t.name);
    if (['documents', 'statements', 'classifications', 'datasets'].includes(t.name)) assert.ok(sample.length > 0, `no ${t.name} rows to check`);
  }
  assert.throws(
    () => parseRows(documents.row.pick({ id: true, year: true }), [{ id: 'D0001', year: 'nineteen' }], 'documents test'),
    (e: unknown) => e instanceof RowShapeError && /documents test, row 1: column "year"/.test((e as Error).message),
  );
});

test(`[${ENGINE}] queryRows and queryRow parse what the database returns and name the query when a row does not fit`, async () => {
  const ids = await queryRows(store.db, documents.row.pick({ id: true, year: true }), 'SELECT id, year FROM documents ORDER BY id LIMIT 3', [], 'some documents');
  assert.ok(ids.length > 0 && ids.every((r) => typeof r.id === 'string' && (r.year === null || Number.isInteger(r.year))));
  const none = await queryRow(store.db, documents.row.pick({ id: true }), 'SELECT id FROM documents WHERE id = $1', ['D9999999'], 'no document');
  assert.equal(none, undefined);
  // A count without ::int arrives as a bigint (a string on PostgreSQL); the bigint column type reads it as a number.
  const counted = await queryRow(store.db, row({ n: bigint() }), 'SELECT count(*) AS n FROM documents', [], 'document count');
  assert.equal(typeof counted!.n, 'number');
  await assert.rejects(
    queryRows(store.db, row({ id: int() }), 'SELECT id FROM documents LIMIT 1', [], 'ids as numbers'),
    (e: unknown) => e instanceof RowShapeError && /ids as numbers, row 1: column "id"/.test((e as Error).message),
  );
});

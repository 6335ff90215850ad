// Two processes migrating one PostgreSQL database at the same moment (web processes and workers
// starting together, an upgrade): every migration is applied exactly once, by one of them, and
// neither fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/store/db.ts';
import { listMigrations, migrate } from '../../src/store/migrate.ts';
import { ENGINE } from '../helpers/store.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const skip = ENGINE === 'postgres' ? false : 'concurrent migrators need PostgreSQL (set DATABASE_URL); PGlite is opened by one process only';

test('two concurrent migrators on PostgreSQL do not collide; each migration is applied once', { skip }, async () => {
  const schema = 't_' + randomBytes(6).toString('hex');
  const url = process.env.DATABASE_URL!;
  const dbs: Db[] = [];
  try {
    dbs.push(await openDb({ databaseUrl: url, schema }), await openDb({ databaseUrl: url, schema, dropSchemaOnClose: true }));
    const [a, b] = await Promise.all(dbs.map((db) => migrate(db)));
    const all = listMigrations().map((m) => m.version);
    const applied = [...a!, ...b!].map((m) => m.version).sort();
    assert.deepEqual(applied, all, 'every migration applied exactly once across the two migrators');
    const rows = parseRows(z.object({ n: z.coerce.number() }), await dbs[0]!.query('SELECT count(*)::int AS n FROM schema_migrations'), 'test rows');
    assert.equal(rows[0]!.n, all.length);
    // and a third run applies nothing
    assert.deepEqual(await migrate(dbs[1]!), []);
  } finally {
    for (const db of dbs) await db.close();
  }
});

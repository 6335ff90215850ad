// Applies the SQL migrations in src/store/migrations in order, each in its own transaction,
// recording them in schema_migrations. Running it again applies nothing.
//
// Several processes may start at once against one PostgreSQL (web processes, workers, an upgrade
// run): every step takes the same transaction-scoped advisory lock, so exactly one process applies
// each migration and the others wait, then find it recorded and skip it.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';
import { queryRows } from './schema/columns.ts';
import { schemaMigrations } from './schema/tables.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.slice(0, 4), name: f.slice(5, -4), sql: readFileSync(dir + f, 'utf8') }));
}

export interface MigrationStatus {
  applied: { version: string; name: string; appliedAt: Date }[];
  pending: Migration[];
}

/** The advisory lock every migrator takes (in its transaction) before it looks or writes. */
export const MIGRATION_LOCK = 7710203;

async function ensureTable(db: Db): Promise<void> {
  // Under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can collide in the catalogue.
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
}

export async function migrationStatus(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  await ensureTable(db);
  const rows = await queryRows(db, schemaMigrations.row, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version', [], 'schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  return {
    applied: rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at })),
    pending: listMigrations(dir).filter((m) => !done.has(m.version)),
  };
}

/** Apply pending migrations; returns the ones applied. Safe to run concurrently on PostgreSQL. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<Migration[]> {
  await ensureTable(db);
  const applied: Migration[] = [];
  for (const m of listMigrations(dir)) {
    const done = await db.transaction(async (tx) => {
      // Serialise concurrent migrators (several web processes starting at once).
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length) return false;
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new Error(`Migration ${m.version}_${m.name}.sql failed: ${(e as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m);
  }
  return applied;
}

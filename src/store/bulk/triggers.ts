// Bulk COPYs of rows whose foreign keys hold by construction, without the database's per-row
// triggers. Most of the server's work in a large import was the foreign-key check each new row
// fires (one index probe and row lock per row and key: statements → documents, parents, same_as;
// statement_norms, topic links and link states → statements). Where the rows come from one
// transaction that has just written or locked every row they point at, the caller checks that
// set-wise instead and COPYs them with session_replication_role = replica (the setting bulk
// loaders use: row triggers, foreign-key triggers included, do not fire; unique, primary-key,
// NOT NULL and CHECK constraints still do). Only a superuser may change the setting: elsewhere
// (or with GOVNAV_BULK_TRIGGERS=1) the rows go in with every trigger, as before.
//
// What the skipped triggers did, and who does it instead:
// - foreign keys: the caller (see `lockReferenced`, `checkSubset`; src/store/corpus.ts,
//   src/topics/match-bulk.ts);
// - statements' BEFORE INSERT trigger (the search vector when none is sent, migration 0945): rows
//   without a vector are never written this way;
// - the statement-level triggers (search_changes, the data-change notification): `fireStatementTriggers`.
import type { Db } from '../db.ts';
import { z } from 'zod';
import { parseRows } from '../schema/columns.ts';
import { ignoreWhile } from '../../util/errors.ts';

const allowed = new WeakMap<Db, boolean>();

/** Whether COPYs in this transaction may run without row triggers (superuser, and not turned off). */
export async function canSkipRowTriggers(db: Db): Promise<boolean> {
  if (process.env.GOVNAV_BULK_TRIGGERS === '1' || !db.inTransaction) return false;
  let ok = allowed.get(db);
  if (ok === undefined) {
    const [row] = parseRows(z.object({ ok: z.boolean() }), await db.query(`SELECT current_setting('is_superuser') = 'on' AS ok`), 'superuser check');
    ok = row?.ok === true;
    allowed.set(db, ok);
  }
  return ok;
}

/**
 * Run `fn` (COPYs on this transaction's connection, nothing else meanwhile) with row triggers off,
 * then turn them on again. The setting is transaction-local: a failure rolls it back with the rest.
 */
export async function withoutRowTriggers<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await db.query(`SELECT set_config('session_replication_role', 'replica', true)`);
  try {
    return await fn();
  } finally {
    // After a failed COPY the transaction is aborted and this fails too; the rollback restores the setting.
    await db.query(`SELECT set_config('session_replication_role', 'origin', true)`).catch(ignoreWhile('turning row triggers on again (the transaction is being rolled back)'));
  }
}

/**
 * Row triggers off and on again across several COPYs on one transaction's connection, switching
 * only when the next write needs the other state (a bulk write of many chunks switches twice, not
 * twice per chunk). Nothing else may run on the connection while they are off; `on()` must follow
 * the last write (after a failure the rollback restores the setting).
 */
export class RowTriggerSwitch {
  private off_ = false;
  constructor(private readonly db: Db) {}

  async off(): Promise<void> {
    if (this.off_) return;
    await this.db.query(`SELECT set_config('session_replication_role', 'replica', true)`);
    this.off_ = true;
  }

  async on(): Promise<void> {
    if (!this.off_) return;
    await this.db.query(`SELECT set_config('session_replication_role', 'origin', true)`);
    this.off_ = false;
  }
}

/**
 * Fire the statement-level triggers of `tables` (search_changes, the data-change notification),
 * which did not fire for COPYs without row triggers: a DELETE that matches no row fires them
 * exactly as the COPY would have (they do not look at rows).
 */
export async function fireStatementTriggers(db: Db, tables: readonly string[]): Promise<void> {
  for (const t of tables) await db.query(`DELETE FROM ${t} WHERE false`);
}

/**
 * Lock the rows (by text primary key `id`) that new rows will point at, FOR KEY SHARE as each
 * row's foreign-key check would (a concurrent delete waits for this transaction), and fail unless
 * all exist. `table` is one of the store's tables, never input.
 */
export async function lockReferenced(db: Db, table: 'documents' | 'topics', ids: Iterable<string>, where: string): Promise<void> {
  const want = [...new Set(ids)];
  if (!want.length) return;
  const rows = parseRows(z.object({ id: z.string() }), await db.query(`SELECT id FROM ${table} WHERE id = ANY($1::text[]) FOR KEY SHARE`, [want]), `${table} referenced`);
  if (rows.length === want.length) return;
  const found = new Set(rows.map((r) => r.id));
  throw new Error(`${where}: ${table} row ${want.find((id) => !found.has(id))} does not exist (was it removed meanwhile?)`);
}

/** Fail unless every value in `values` is in `known` (a foreign key checked set-wise on the client). */
export function checkSubset(values: Iterable<string | null>, known: ReadonlySet<string>, what: string): void {
  for (const v of values) if (v !== null && !known.has(v)) throw new Error(`internal: ${what} "${v}" points at no row written or locked by this transaction`);
}

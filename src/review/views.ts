// A cheap page-view counter for statements, so that the review queue can put much-read statements
// first. A view costs a map increment; counts are added to `statement_views` in one statement per
// batch (every 100 distinct statements or 30 seconds, and before the queue is read). Pages served
// from the rendered-page cache are not counted: the counter is a ranking signal, not analytics.
import type { Db } from '../store/db.ts';
import { logError } from '../util/errors.ts';

const pending = new WeakMap<Db, Map<string, number>>();
const timers = new WeakMap<Db, NodeJS.Timeout>();

/** Count one view of a statement page (never throws, never waits). */
export function noteView(db: Db, statementId: string): void {
  let m = pending.get(db);
  if (!m) pending.set(db, (m = new Map()));
  m.set(statementId, (m.get(statementId) ?? 0) + 1);
  if (m.size >= 100) void flushViews(db).catch((e) => logError('saving statement view counts', e));
  else if (!timers.has(db)) {
    const t = setTimeout(() => {
      timers.delete(db);
      void flushViews(db).catch((e) => logError('saving statement view counts', e));
    }, 30_000);
    t.unref();
    timers.set(db, t);
  }
}

/** Write the counted views (statements that no longer exist are skipped). */
export async function flushViews(db: Db): Promise<void> {
  const m = pending.get(db);
  if (!m || m.size === 0) return;
  pending.set(db, new Map());
  const rows = [...m].map(([statement_id, n]) => ({ statement_id, n }));
  await db.query(
    `INSERT INTO statement_views (statement_id, views, last_viewed_at)
     SELECT x.statement_id, x.n, now() FROM jsonb_to_recordset($1::jsonb) AS x(statement_id text, n int)
     WHERE EXISTS (SELECT 1 FROM statements s WHERE s.id = x.statement_id)
     ON CONFLICT (statement_id) DO UPDATE SET views = statement_views.views + EXCLUDED.views, last_viewed_at = now()`,
    [JSON.stringify(rows)],
  );
}

/** At shutdown: stop the pending timer and write what was counted, while the database is still open. */
export async function stopViews(db: Db): Promise<void> {
  const t = timers.get(db);
  if (t) clearTimeout(t);
  timers.delete(db);
  await flushViews(db);
}

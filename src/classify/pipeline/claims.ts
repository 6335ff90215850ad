// The items one worker has claimed from a run: claimed in batches with FOR UPDATE SKIP LOCKED (so
// several workers share a run without doing an item twice), handed out one at a time, and put back
// when the worker stops before finishing them.
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { queryRows } from '../../store/schema/index.ts';
import { loadInputs } from './inputs.ts';
import type { BatchAware, Outcome, WorkItem } from './types.ts';
import type { Classifier } from '../types.ts';
import { ignoreWhile, logError } from '../../util/errors.ts';

// The candidates are chosen once (a materialised CTE): a subquery in UPDATE … FROM may be
// re-scanned by the planner, which would ignore the LIMIT. Pending items first (index on
// run_id, status, ord); claims whose lease expired only when nothing is pending.
const claimSql = (which: string) =>
  `WITH c AS MATERIALIZED (
     SELECT statement_id, taxonomy FROM classify_run_items
     WHERE run_id = $1 AND ${which}
     ORDER BY ord LIMIT $3 FOR UPDATE SKIP LOCKED)
   UPDATE classify_run_items i SET status = 'claimed', worker = $2, claimed_at = now()
   FROM c WHERE i.run_id = $1 AND i.statement_id = c.statement_id AND i.taxonomy = c.taxonomy
   RETURNING i.statement_id, i.taxonomy, i.ord`;

const claimed = z.object({ statement_id: z.string(), taxonomy: z.string(), ord: z.number().int() });

export interface ClaimOptions {
  db: Db;
  runId: string;
  worker: string;
  classifier: Classifier;
  batchSize: number;
  concurrency: number;
  leaseSeconds: number;
  /** True once the worker should take no new item. */
  stopped: () => boolean;
  /** Items that cannot be done (their statement vanished) are reported here as failures. */
  onUnavailable: (out: Outcome) => void;
}

export class ClaimQueue {
  private queue: WorkItem[] = [];
  /** Claimed by this worker and not finished yet. */
  readonly unfinished = new Set<WorkItem>();
  private exhausted = false;
  private claiming: Promise<void> | undefined;

  constructor(private readonly o: ClaimOptions) {}

  private async claimRows(): Promise<{ statement_id: string; taxonomy: string; ord?: number }[]> {
    const { db, runId, worker, batchSize, concurrency, leaseSeconds } = this.o;
    const n = Math.max(batchSize, concurrency * 2);
    const rows = await queryRows(db, claimed, claimSql(`status = 'pending'`), [runId, worker, n], 'claimed run items');
    if (rows.length) return rows;
    return queryRows(db, claimed, claimSql(`status = 'claimed' AND claimed_at < now() - make_interval(secs => $4)`), [runId, worker, n, leaseSeconds], 'reclaimed run items');
  }

  private async claimMore(): Promise<void> {
    const rows = await this.claimRows();
    if (rows.length === 0) {
      this.exhausted = true;
      return;
    }
    rows.sort((a, b) => (a.ord ?? 0) - (b.ord ?? 0));
    const items = await loadInputs(this.o.db, rows);
    // Items whose statement vanished (deleted) cannot be done: fail them with a reason.
    const found = new Set(items.map((i) => `${i.statementId} ${i.taxonomy}`));
    for (const r of rows)
      if (!found.has(`${r.statement_id} ${r.taxonomy}`))
        this.o.onUnavailable({
          item: { statementId: r.statement_id, taxonomy: r.taxonomy, input: { kind: 'mitigation', name: '', text: '' } },
          kind: 'failed',
          reason: 'statement no longer exists',
        });
    await (this.o.classifier as BatchAware).prepare?.(items)?.catch(ignoreWhile('preparing a batch (each item is classified on its own instead)'));
    for (const it of items) this.unfinished.add(it);
    this.queue.push(...items);
  }

  private startClaim(): Promise<void> {
    return (this.claiming ??= this.claimMore().finally(() => {
      this.claiming = undefined;
    }));
  }

  /** The next item to classify, or undefined when the run has nothing left (or the worker stops). */
  async next(): Promise<WorkItem | undefined> {
    for (;;) {
      if (this.o.stopped()) return undefined;
      const it = this.queue.shift();
      // Claim the next batch before this one runs out, so that workers never wait for it.
      if (!this.exhausted && this.queue.length < this.o.concurrency) void this.startClaim().catch(ignoreWhile('claiming the next batch ahead of time (claimed again when needed)'));
      if (it) return it;
      if (this.exhausted) return undefined;
      await this.startClaim();
    }
  }

  /** Whatever this worker claimed but did not finish goes back to the queue. */
  async releaseUnfinished(): Promise<void> {
    const leftovers = [...this.unfinished];
    if (!leftovers.length) return;
    await this.o.db
      .query(
        `UPDATE classify_run_items i SET status = 'pending', worker = NULL, claimed_at = NULL
         FROM jsonb_to_recordset($2::jsonb) AS x(s text, t text)
         WHERE i.run_id = $1 AND i.statement_id = x.s AND i.taxonomy = x.t AND i.status = 'claimed'`,
        [this.o.runId, JSON.stringify(leftovers.map((l) => ({ s: l.statementId, t: l.taxonomy })))],
      )
      .catch((e) => logError(`run ${this.o.runId}: releasing ${leftovers.length} unfinished claims (the next run reclaims them)`, e));
  }
}

// Running a classification: start or resume a run, let `concurrency` loops classify the items this
// worker claims, write the results in batches, and settle the run's state from its items.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { queryRows, tables } from '../../store/schema/index.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { Classifier } from '../types.ts';
import { isAbort, isFatal } from '../llm/errors.ts';
import { BatchWriter } from './batch.ts';
import { ClaimQueue } from './claims.ts';
import { createRun, findResumableRun, getRun, releaseDeadClaims, runCounts, type RunCounts, type RunRow } from './runs.ts';
import { checkSelection, planItems } from './selection.ts';
import { emptySummary, progressOf, tally, validateResult } from './tally.ts';
import type { BatchAware, Outcome, RunOptions, RunSummary, WorkItem } from './types.ts';

/** The run to work on (resumed or new), made ready: dead claims released, failed items requeued if asked. */
async function openRun(o: RunOptions): Promise<{ run: RunRow; resumed: boolean; before: RunCounts }> {
  const { db, registry } = o;
  const supports = (t: string) => o.classifier.supports(t);
  checkSelection(registry, o.params, supports);
  let run: RunRow | undefined;
  let resumed = false;
  if (typeof o.resume === 'string') {
    run = await getRun(db, o.resume);
    if (!run) throw new Error(`No classification run "${o.resume}". List runs with \`govnav classify --runs\`.`);
    resumed = true;
  } else if (!o.fresh && o.resume !== false) {
    run = await findResumableRun(db, o.params);
    resumed = !!run;
  }
  if (!run) run = await createRun(db, o.params, await planItems(db, registry, o.params, supports));
  await releaseDeadClaims(db, run.id);
  if (o.retryFailed) await db.query(`UPDATE classify_run_items SET status = 'pending', error = NULL WHERE run_id = $1 AND status = 'failed'`, [run.id]);
  await db.query(`UPDATE classify_runs SET status = 'running', updated_at = now() WHERE id = $1`, [run.id]);
  return { run, resumed, before: await runCounts(db, run.id) };
}

/** `stop`: take no new items. `hard`: also abort the requests in flight. Both follow the caller's signals. */
function linkSignals(o: RunOptions): { stop: AbortController; hard: AbortController; unlink: () => void } {
  const stop = new AbortController();
  const hard = new AbortController();
  const onHard = () => hard.abort(o.hardSignal?.reason);
  const onStop = () => stop.abort(o.signal?.reason);
  if (o.hardSignal?.aborted) hard.abort(o.hardSignal.reason);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  o.hardSignal?.addEventListener('abort', onHard, { once: true });
  o.signal?.addEventListener('abort', onStop, { once: true });
  return {
    stop,
    hard,
    unlink: () => {
      o.signal?.removeEventListener('abort', onStop);
      o.hardSignal?.removeEventListener('abort', onHard);
    },
  };
}

interface LoopContext {
  registry: TaxonomyRegistry;
  classifier: Classifier;
  claims: ClaimQueue;
  hard: AbortController;
  record: (out: Outcome) => void;
  onFatal: (e: unknown) => void;
}

/** Classify one item; a failure is recorded, a hard stop puts it back (it stays unfinished). */
async function classifyItem(c: LoopContext, item: WorkItem): Promise<void> {
  const t = c.registry.get(item.taxonomy);
  try {
    const result = await c.classifier.classify(item.input, item.taxonomy, c.hard.signal);
    const invalid = validateResult(result, t);
    if (invalid) return c.record({ item, kind: 'failed', reason: invalid });
    const code = result.code === t.data.abstainCode ? null : result.code;
    c.record({ item, kind: code === null ? 'abstained' : 'labelled', result, code });
  } catch (e) {
    // A hard stop (second Ctrl-C, a fatal provider error, a failed write): the item goes back to pending.
    if (c.hard.signal.aborted || isAbort(e, c.hard.signal)) return;
    if (isFatal(e)) return c.onFatal(e);
    const f = e as { reason?: unknown; usage?: { inputTokens: number; outputTokens: number; costUsd?: number; requests: number } };
    const reason = typeof f.reason === 'string' ? f.reason : (e as Error).message || String(e);
    c.record({ item, kind: 'failed', reason, usage: f.usage });
  }
}

async function workLoop(c: LoopContext): Promise<void> {
  for (;;) {
    const item = await c.claims.next();
    if (!item) return;
    await classifyItem(c, item);
  }
}

/**
 * The run's state follows from its items, decided in one statement (other workers may finish at the
 * same moment): done when nothing is left; running while some worker holds claims; else stopped.
 */
async function settleRun(db: Db, runId: string): Promise<RunRow['status']> {
  const [st] = await queryRows(
    db,
    z.object({ status: tables.classifyRuns.columns.status.schema }),
    `UPDATE classify_runs r SET updated_at = now(),
       status = CASE WHEN x.open = 0 THEN 'done' WHEN x.claimed > 0 THEN 'running' ELSE 'stopped' END,
       finished_at = CASE WHEN x.open = 0 THEN coalesce(r.finished_at, now()) ELSE NULL END
     FROM (SELECT count(*) FILTER (WHERE status IN ('pending', 'claimed'))::int AS open,
                  count(*) FILTER (WHERE status = 'claimed')::int AS claimed
           FROM classify_run_items WHERE run_id = $1) x
     WHERE r.id = $1 RETURNING r.status`,
    [runId],
    'run state',
  );
  return st!.status;
}

/** Start or resume a run and work on it until no item is left to claim (or the signal aborts). */
export async function runClassification(o: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { db, registry, classifier } = o;
  const { run, resumed, before } = await openRun(o);
  o.onStart?.({ run, resumed, counts: before });
  const runId = run.id;
  const worker = o.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const batchSize = Math.max(1, o.batchSize ?? 25);
  const summary = emptySummary(runId, resumed, before);
  const { stop, hard, unlink } = linkSignals(o);
  let fatal: unknown;
  const halt = (e: unknown) => {
    stop.abort(e);
    hard.abort(e);
  };
  const writer = new BatchWriter({ db, registry, runId, worker }, classifier, batchSize, o.flushMs ?? 1000, halt);
  let done = 0;
  const record = (out: Outcome) => {
    claims.unfinished.delete(out.item);
    done++;
    tally(summary, out);
    o.onProgress?.(progressOf(summary, done));
    writer.add(out);
  };
  const claims: ClaimQueue = new ClaimQueue({
    db, runId, worker, classifier, batchSize, concurrency,
    leaseSeconds: o.leaseSeconds ?? 600,
    stopped: () => stop.signal.aborted || hard.signal.aborted,
    onUnavailable: record,
  });
  const onFatal = (e: unknown) => {
    fatal ??= e;
    halt(e);
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, () => workLoop({ registry, classifier, claims, hard, record, onFatal })));
  } finally {
    unlink();
    await writer.close();
    await (classifier as BatchAware).flush?.()?.catch((e: unknown) => {
      writer.error ??= e;
    });
    await claims.releaseUnfinished();
  }
  if (writer.error) throw writer.error;
  summary.duplicates = writer.duplicates;
  summary.unchanged = writer.unchanged;
  summary.status = await settleRun(db, runId);
  const after = await runCounts(db, runId);
  summary.remaining = after.pending + after.claimed;
  summary.stopped = stop.signal.aborted || hard.signal.aborted;
  summary.elapsedMs = performance.now() - started;
  if (fatal) {
    const err = fatal as Error & { summary?: RunSummary };
    err.summary = summary;
    throw err;
  }
  return summary;
}

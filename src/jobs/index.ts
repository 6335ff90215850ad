// The job API used by the CLI, the admin page and tests: submit, follow, cancel, retry, list.
//
// On PostgreSQL a job is queued (pg-boss) and run by any `govnav worker` on any machine with the same
// DATABASE_URL. On PGlite there are no workers (one process owns the database): the submitting
// process runs the job itself, with the same code, rows and progress.
import type { Store } from '../store/index.ts';
import { openQueue } from './queue.ts';
import { runAttempt } from './runner.ts';
import { jobSettings } from './settings.ts';
import { getJob, insertJob, liveWorkers, markCancelled, markRequeued, processWorkerId, setBossId } from './store.ts';
import { FINAL_STATES, JobError, type JobKind, type JobRow } from './types.ts';

export * from './types.ts';
export { getJob, listJobs, processWorkerId } from './store.ts';
export { startWorker, type RunningWorker } from './worker.ts';

export interface SubmitOptions {
  /** PostgreSQL: the connection string pg-boss uses (the store's own). Absent on PGlite. */
  databaseUrl?: string;
  /** Run in this process even on PostgreSQL (the job is still recorded, and `jobs list` shows it). */
  inline?: boolean;
  /** Inline runs: aborting stops the job at its next safe point. */
  signal?: AbortSignal;
}

/** Whether jobs on this store go to the queue (PostgreSQL with a databaseUrl) or run inline. */
export function usesQueue(store: Store, o: SubmitOptions): boolean {
  return store.db.kind === 'postgres' && !!o.databaseUrl && !o.inline;
}

/** Record a job and queue it (PostgreSQL) or run it here and now (PGlite, or `inline`). Returns the job row. */
export async function submitJob(store: Store, kind: JobKind, params: unknown, o: SubmitOptions = {}): Promise<JobRow> {
  const s = jobSettings();
  if (!usesQueue(store, o)) {
    const job = await insertJob(store.db, { kind, params, engine: 'inline', maxAttempts: 1 });
    const r = await runAttempt(store, job.id, { workerId: processWorkerId(), signal: o.signal });
    const after = (await getJob(store.db, job.id))!;
    if (r.error) (r.error as Error & { job?: JobRow }).job = after;
    if (r.error) throw r.error;
    return after;
  }
  const job = await insertJob(store.db, { kind, params, engine: 'queue', maxAttempts: s.attempts });
  const q = await openQueue(store.db, o.databaseUrl!, s);
  try {
    await setBossId(store.db, job.id, await q.send(job.id));
  } finally {
    await q.stop({ graceful: false, timeoutMs: 5000 });
  }
  return (await getJob(store.db, job.id))!;
}

/** Workers that said they were alive recently (PostgreSQL). */
export async function aliveWorkers(store: Store) {
  return liveWorkers(store.db, jobSettings().staleSeconds);
}

/** Poll a job until it reaches a final state; `onChange` sees every new progress or state. */
export async function followJob(store: Store, id: string, onChange: (j: JobRow) => void, o: { everyMs?: number; signal?: AbortSignal } = {}): Promise<JobRow> {
  let last = '';
  for (;;) {
    const j = await getJob(store.db, id);
    if (!j) throw new JobError(`No job "${id}". List jobs with \`govnav jobs list\`.`);
    const sig = `${j.state}|${j.attempts}|${JSON.stringify(j.progress)}`;
    if (sig !== last) {
      last = sig;
      onChange(j);
    }
    if (FINAL_STATES.includes(j.state) || o.signal?.aborted) return j;
    await new Promise((r) => setTimeout(r, o.everyMs ?? 500));
  }
}

/** Cancel a waiting or running job: its worker stops taking new work and keeps what is written. */
export async function cancelJob(store: Store, id: string, o: { databaseUrl?: string } = {}): Promise<JobRow> {
  const j = await getJob(store.db, id);
  if (!j) throw new JobError(`No job "${id}".`);
  const r = await markCancelled(store.db, id);
  if (!r) throw new JobError(`Job ${id} is ${j.state}: only queued, retrying or running jobs can be cancelled.`);
  if (j.engine === 'queue' && j.boss_id && o.databaseUrl && store.db.kind === 'postgres') {
    const q = await openQueue(store.db, o.databaseUrl, jobSettings());
    try {
      await q.cancel(j.boss_id);
    } finally {
      await q.stop({ graceful: false });
    }
  }
  return r;
}

/** Run a failed, dead or cancelled job again (its checkpoint is kept, so finished work is skipped). */
export async function retryJob(store: Store, id: string, o: SubmitOptions = {}): Promise<JobRow> {
  const j = await getJob(store.db, id);
  if (!j) throw new JobError(`No job "${id}".`);
  const s = jobSettings();
  const r = await markRequeued(store.db, id, j.engine === 'queue' ? s.attempts : 1);
  if (!r) throw new JobError(`Job ${id} is ${j.state}: only failed, dead or cancelled jobs can be retried.`);
  if (j.engine === 'queue' && usesQueue(store, o)) {
    const q = await openQueue(store.db, o.databaseUrl!, s);
    try {
      await setBossId(store.db, id, await q.send(id));
    } finally {
      await q.stop({ graceful: false });
    }
    return (await getJob(store.db, id))!;
  }
  const res = await runAttempt(store, id, { workerId: processWorkerId(), signal: o.signal });
  if (res.error) throw res.error;
  return (await getJob(store.db, id))!;
}

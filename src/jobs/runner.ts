// Running one attempt of a job: the same code in a worker process and in-process (PGlite).
import type { Store } from '../store/index.ts';
import { announceDataChange } from '../store/notify.ts';
import { handlerFor } from './handlers/index.ts';
import { endAttempt, startAttempt, writeCheckpoint, writeProgress } from './store.ts';
import type { JobProgress, JobRow, JobState } from './types.ts';
import { logError } from '../util/errors.ts';

export interface AttemptOptions {
  workerId: string;
  /** Aborted by the worker on cancel or shutdown. */
  signal?: AbortSignal;
  /** Minimum time between progress writes. */
  progressEveryMs?: number;
}

export interface AttemptResult {
  /** The job's state after this attempt; undefined when the job was not there to run (cancelled or finished). */
  state?: JobState;
  job?: JobRow;
  error?: Error;
}

function progressWriter(store: Store, id: string, everyMs: number) {
  let last = 0;
  let pending: JobProgress | undefined;
  let chain: Promise<void> = Promise.resolve();
  const write = (p: JobProgress) => {
    chain = chain.then(() => writeProgress(store.db, id, p).catch((e) => logError(`job ${id}: recording progress`, e)));
  };
  return {
    update(p: JobProgress) {
      pending = p;
      const now = Date.now();
      if (now - last >= everyMs) {
        last = now;
        pending = undefined;
        write(p);
      }
    },
    async close() {
      if (pending) write(pending);
      await chain;
    },
  };
}

/** Run one attempt of job `id`. A failure is recorded ('retry' or, on the last attempt, 'dead') and returned, never thrown. */
export async function runAttempt(store: Store, id: string, o: AttemptOptions): Promise<AttemptResult> {
  const job = await startAttempt(store.db, id, o.workerId);
  if (!job) return {};
  const handler = handlerFor(job.kind);
  const progress = progressWriter(store, id, o.progressEveryMs ?? 300);
  const signal = o.signal ?? new AbortController().signal;
  try {
    const result = await handler({
      store,
      job,
      attempt: job.attempts,
      workerId: o.workerId,
      signal,
      progress: (p) => progress.update(p),
      saveCheckpoint: (tx, data) => writeCheckpoint(tx, id, data),
    });
    await progress.close();
    announceDataChange();
    const state = await endAttempt(store.db, id, o.workerId, { state: 'completed', result: result ?? null });
    return { state: state ?? 'cancelled', job };
  } catch (e) {
    await progress.close();
    announceDataChange();
    const error = e instanceof Error ? e : new Error(String(e));
    const last = job.attempts >= job.max_attempts;
    const state = await endAttempt(store.db, id, o.workerId, {
      state: job.engine === 'inline' ? 'failed' : last ? 'dead' : 'retry',
      error: (error.message || String(e)).slice(0, 2000),
    });
    return { state: state ?? 'cancelled', job, error };
  }
}

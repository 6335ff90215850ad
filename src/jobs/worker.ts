// `govnav worker`: take jobs from the queue and run them, `concurrency` at a time. Any number of
// workers on any machine share one queue. Each says it is alive every few seconds (its own row in
// job_workers and its running jobs' heartbeat), notices cancelled jobs, and takes back jobs whose
// worker is gone — a process on this host that no longer exists, or any worker silent for longer
// than GOVNAV_JOB_STALE_SECONDS — so a killed worker's job is retried elsewhere (with backoff).
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import { processAlive } from '../store/db.ts';
import type { Store } from '../store/index.ts';
import { openQueue, QUEUE, type Queue } from './queue.ts';
import { runAttempt } from './runner.ts';
import { jobSettings, type JobSettings } from './settings.ts';
import { heartbeat, lostJobs, processWorkerId, reclaimLost, registerWorker, runningWorkers, unregisterWorker } from './store.ts';
import { ignoreWhile, logError } from '../util/errors.ts';

export interface WorkerOptions {
  store: Store;
  databaseUrl: string;
  concurrency?: number;
  settings?: JobSettings;
  log?: (line: string) => void;
}

export interface RunningWorker {
  id: string;
  /** Jobs running now (ids). */
  running(): string[];
  /** Stop taking jobs, let running ones stop at their next safe point (they are retried elsewhere), and close. */
  stop(): Promise<void>;
}

/** Workers on this host whose process is gone (their ids are host:pid:hex). */
function deadHere(workers: string[]): string[] {
  const host = hostname();
  return workers.filter((w) => {
    const m = /^(.*):(\d+):[0-9a-f]+$/.exec(w);
    return !!m && m[1] === host && Number(m[2]) !== process.pid && !processAlive(Number(m[2]));
  });
}

async function sweepLost(store: Store, q: Queue, s: JobSettings, log: (l: string) => void): Promise<void> {
  const dead = deadHere(await runningWorkers(store.db));
  for (const job of await lostJobs(store.db, s.staleSeconds, dead)) {
    const reason = `worker ${job.worker} stopped answering during attempt ${job.attempts}`;
    const state = await reclaimLost(store.db, job, reason);
    if (!state) continue; // another worker took it back first, or it finished
    log(`job ${job.id}: ${reason}; ${state === 'dead' ? 'no attempt left (dead)' : 'retrying'}`);
    if (job.boss_id) await q.fail(job.boss_id, reason).catch((e) => logError(`job ${job.id}: telling the queue the attempt failed`, e));
  }
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const s = o.settings ?? jobSettings();
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const id = processWorkerId();
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const q = await openQueue(o.store.db, o.databaseUrl, s, { supervise: true });
  await registerWorker(o.store.db, { id, host: hostname(), pid: process.pid, concurrency });
  const running = new Map<string, AbortController>();
  const shutdown = new AbortController();

  const handle = async ([bj]: PgBoss.Job<{ jobId: string }>[]) => {
    if (!bj) return;
    const jobId = bj.data.jobId;
    const ac = new AbortController();
    const onShutdown = () => ac.abort(new Error('worker shutting down'));
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    running.set(jobId, ac);
    log(`job ${jobId}: started`);
    try {
      const r = await runAttempt(o.store, jobId, { workerId: id, signal: ac.signal });
      log(`job ${jobId}: ${r.state ?? 'not runnable (cancelled or finished)'}${r.error ? `: ${r.error.message}` : ''}`);
      // pg-boss retries (with backoff) or dead-letters a job whose handler throws.
      if (r.error && r.state !== 'cancelled') throw r.error;
    } finally {
      running.delete(jobId);
      shutdown.signal.removeEventListener('abort', onShutdown);
    }
  };
  const workIds: string[] = [];
  for (let i = 0; i < concurrency; i++) workIds.push(await q.boss.work(QUEUE, { batchSize: 1, pollingIntervalSeconds: s.pollSeconds }, handle));

  let beating = false;
  const beat = async () => {
    if (beating) return;
    beating = true;
    try {
      const states = await heartbeat(o.store.db, id, [...running.keys()]);
      for (const [jobId, state] of states) if (state === 'cancelled') running.get(jobId)?.abort(new Error('cancelled'));
      await sweepLost(o.store, q, s, log);
    } catch (e) {
      log(`heartbeat: ${(e as Error).message}`);
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), s.heartbeatMs);
  await beat();

  return {
    id,
    running: () => [...running.keys()],
    stop: async () => {
      clearInterval(timer);
      shutdown.abort();
      for (const w of workIds) await q.boss.offWork({ id: w }).catch(ignoreWhile('stopping a queue subscription at shutdown'));
      await q.stop({ graceful: true, timeoutMs: 60_000 });
      await unregisterWorker(o.store.db, id).catch((e) => logError(`worker ${id}: unregistering at shutdown`, e));
    },
  };
}

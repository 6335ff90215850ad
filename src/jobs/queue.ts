// pg-boss on PostgreSQL: one queue for every govnav job, with retries (exponential backoff) and a
// dead-letter queue. Its tables live in their own schema (see bossSchema). pg-boss carries only the
// job id; parameters, state and progress are in govnav's `jobs` table.
import type PgBossType from 'pg-boss';
import type { Db } from '../store/db.ts';
import { bossSchema, type JobSettings } from './settings.ts';
import { logError } from '../util/errors.ts';

export const QUEUE = 'govnav-jobs';
export const DEAD_LETTER = 'govnav-jobs-dead';

export interface Queue {
  boss: PgBossType;
  schema: string;
  send(jobId: string): Promise<string>;
  cancel(bossId: string): Promise<void>;
  fail(bossId: string, reason: string): Promise<void>;
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

export async function openQueue(db: Db, databaseUrl: string, s: JobSettings, opts: { supervise?: boolean } = {}): Promise<Queue> {
  const { default: PgBoss } = await import('pg-boss');
  const schema = await bossSchema(db);
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema,
    max: 4,
    application_name: 'govnav-jobs',
    supervise: opts.supervise ?? false,
    schedule: false,
  });
  boss.on('error', (e: Error) => {
    if (process.env.GOVNAV_DEBUG) process.stderr.write(`pg-boss: ${e.message}\n`);
  });
  await boss.start();
  const queueOpts = {
    retryLimit: s.attempts - 1,
    retryDelay: s.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: s.expireSeconds,
  };
  try {
    await ensureQueues(db, boss, queueOpts);
  } catch (e) {
    // A started pg-boss keeps timers and connections open: stop it, or the process would linger
    // after reporting the error instead of ending.
    await boss.stop({ graceful: false, wait: true, timeout: 5_000 }).catch((e2) => logError('stopping the job queue after its start failed', e2));
    throw e;
  }
  return {
    boss,
    schema,
    send: async (jobId) => {
      const id = await boss.send(QUEUE, { jobId }, queueOpts);
      if (!id) throw new Error(`The job queue did not accept job ${jobId}.`);
      return id;
    },
    cancel: (bossId) => boss.cancel(QUEUE, bossId),
    fail: (bossId, reason) => boss.fail(QUEUE, bossId, { reason }),
    stop: (o = {}) => boss.stop({ graceful: o.graceful ?? true, timeout: o.timeoutMs ?? 30_000, wait: true }),
  };
}

/** The advisory lock under which a process looks for govnav's queues and creates the missing ones. */
export const QUEUE_LOCK = 7710204;
const RETRYABLE = new Set(['40P01', '55P03', '40001']); // deadlock, lock timeout, serialization failure

/**
 * Create the queue and its dead-letter queue once. pg-boss creates a queue as a partition of its
 * job table (DDL that locks the table), without a lock of its own: processes starting together
 * (two workers, a worker and a CLI) could deadlock each other, or a maintenance query of a process
 * already running. So creators take turns under an advisory lock, a queue that exists is left
 * alone (no DDL after the first start), and a creation chosen as a deadlock victim is retried.
 */
export async function ensureQueues(db: Db, boss: PgBossType, queueOpts: Record<string, unknown>, attempts = 6): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${QUEUE_LOCK})`);
        if (!(await boss.getQueue(DEAD_LETTER))) await boss.createQueue(DEAD_LETTER, { name: DEAD_LETTER });
        if (!(await boss.getQueue(QUEUE))) await boss.createQueue(QUEUE, { name: QUEUE, ...queueOpts, deadLetter: DEAD_LETTER });
      });
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.floor(Math.random() * 100)));
    }
  }
}

/** Drop pg-boss's schema (tests). */
export async function dropQueueSchema(db: Db): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${await bossSchema(db)} CASCADE`);
}

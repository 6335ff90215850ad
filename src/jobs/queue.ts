// pg-boss on PostgreSQL: one queue for every govnav job, with retries (exponential backoff) and a
// dead-letter queue. Its tables live in their own schema (see bossSchema). pg-boss carries only the
// job id; parameters, state and progress are in govnav's `jobs` table.
import type PgBossType from 'pg-boss';
import type { Db } from '../store/db.ts';
import { bossSchema, type JobSettings } from './settings.ts';

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
  await boss.createQueue(DEAD_LETTER, { name: DEAD_LETTER });
  await boss.createQueue(QUEUE, { name: QUEUE, ...queueOpts, deadLetter: DEAD_LETTER });
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

/** Drop pg-boss's schema (tests). */
export async function dropQueueSchema(db: Db): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${await bossSchema(db)} CASCADE`);
}

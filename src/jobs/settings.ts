// Job settings, from the environment (all optional): where pg-boss keeps its tables, attempts and
// backoff, and how a lost worker is noticed.
import type { Db } from '../store/db.ts';
import { currentSchema } from '../store/notify.ts';

export interface JobSettings {
  /** Attempts per job (the first and its retries): GOVNAV_JOB_ATTEMPTS, default 4. */
  attempts: number;
  /** Seconds before the first retry, doubled each time (pg-boss backoff): GOVNAV_JOB_RETRY_DELAY, default 5. */
  retryDelaySeconds: number;
  /** How often a worker says it is alive: GOVNAV_JOB_HEARTBEAT_MS, default 5000. */
  heartbeatMs: number;
  /** A running job whose worker has not said so for this long is retried elsewhere: GOVNAV_JOB_STALE_SECONDS, default 300 (a worker on this host that is gone is noticed at once). */
  staleSeconds: number;
  /** pg-boss's own limit on one attempt: GOVNAV_JOB_EXPIRE_SECONDS, default 6 hours. */
  expireSeconds: number;
  /** How often an idle worker looks for jobs (pg-boss polling): GOVNAV_JOB_POLL_SECONDS, default 2. */
  pollSeconds: number;
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, not "${raw}".`);
  return n;
}

export function jobSettings(env: NodeJS.ProcessEnv = process.env): JobSettings {
  return {
    attempts: Math.round(num(env, 'GOVNAV_JOB_ATTEMPTS', 4, 1)),
    retryDelaySeconds: Math.round(num(env, 'GOVNAV_JOB_RETRY_DELAY', 5, 1)),
    heartbeatMs: num(env, 'GOVNAV_JOB_HEARTBEAT_MS', 5000, 100),
    staleSeconds: num(env, 'GOVNAV_JOB_STALE_SECONDS', 300, 1),
    expireSeconds: Math.round(num(env, 'GOVNAV_JOB_EXPIRE_SECONDS', 6 * 3600, 60)),
    pollSeconds: num(env, 'GOVNAV_JOB_POLL_SECONDS', 2, 0.5),
  };
}

/**
 * The schema pg-boss keeps its tables in: GOVNAV_JOBS_SCHEMA, else derived from the store's own
 * schema (`govnav_jobs` for public, `<schema>_jobs` otherwise), so that stores in separate schemas
 * of one database (tests) have separate queues.
 */
export async function bossSchema(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const s = env.GOVNAV_JOBS_SCHEMA || ((await currentSchema(db)) === 'public' ? 'govnav_jobs' : `${await currentSchema(db)}_jobs`);
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(s)) throw new Error(`GOVNAV_JOBS_SCHEMA must be a lower-case SQL name, not "${s}".`);
  return s;
}

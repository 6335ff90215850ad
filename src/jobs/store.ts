// The `jobs` and `job_workers` tables (migration 0900): every read and write of a job's row.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../store/db.ts';
import { z } from 'zod';
import { queryRow, queryRows, row, text } from '../store/schema/columns.ts';
import { jobs, jobWorkers } from '../store/schema/tables.ts';
import { JOB_KINDS, type JobKind, type JobProgress, type JobRow, type JobState } from './types.ts';

/** A job's row: the table's columns, with the kinds govnav knows and the progress it writes. */
const JobRowSchema = jobs.row.extend({
  kind: z.enum(JOB_KINDS),
  progress: z.looseObject({ done: z.number().optional(), total: z.number().optional(), message: z.string().optional() }),
});
const JobStateRow = jobs.row.pick({ state: true });
type JobWorkerRecord = z.infer<typeof jobWorkers.row>;

async function jobRow(db: Db, sql: string, params: unknown[]): Promise<JobRow | undefined> {
  return queryRow(db, JobRowSchema, sql, params, 'job');
}

/** This process as a job worker: host:pid:random (other workers on the host can tell when it is gone). */
export function processWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
}

export function newJobId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `job-${d}-${randomBytes(3).toString('hex')}`;
}

export async function insertJob(
  db: Db,
  j: { id?: string; kind: JobKind; params: unknown; engine: 'queue' | 'inline'; maxAttempts: number },
): Promise<JobRow> {
  const row = await jobRow(
    db,
    `INSERT INTO jobs (id, kind, params, engine, max_attempts) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING *`,
    [j.id ?? newJobId(), j.kind, JSON.stringify(j.params ?? {}), j.engine, j.maxAttempts],
  );
  return row!;
}

export async function setBossId(db: Db, id: string, bossId: string): Promise<void> {
  await db.query('UPDATE jobs SET boss_id = $2, updated_at = now() WHERE id = $1', [id, bossId]);
}

export async function getJob(db: Db, id: string): Promise<JobRow | undefined> {
  return jobRow(db, 'SELECT * FROM jobs WHERE id = $1', [id]);
}

export async function listJobs(db: Db, o: { limit?: number; state?: JobState; kind?: JobKind } = {}): Promise<JobRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (o.state) where.push(`state = $${params.push(o.state)}`);
  if (o.kind) where.push(`kind = $${params.push(o.kind)}`);
  params.push(o.limit ?? 50);
  return queryRows(
    db,
    JobRowSchema,
    `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
    'jobs',
  );
}

/** Begin an attempt: only a job that is waiting (or was running on a worker now gone) starts. */
export async function startAttempt(db: Db, id: string, worker: string): Promise<JobRow | undefined> {
  const r = await jobRow(
    db,
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = $2, heartbeat_at = now(), error = NULL,
       started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = $1 AND state IN ('queued', 'retry', 'running') RETURNING *`,
    [id, worker],
  );
  return r;
}

export async function writeProgress(db: Db, id: string, p: JobProgress): Promise<void> {
  await db.query(`UPDATE jobs SET progress = $2::jsonb, heartbeat_at = now(), updated_at = now() WHERE id = $1 AND state = 'running'`, [
    id,
    JSON.stringify(p),
  ]);
}

export async function writeCheckpoint(tx: Db, id: string, data: Record<string, unknown>): Promise<void> {
  await tx.query(`UPDATE jobs SET checkpoint = checkpoint || $2::jsonb, updated_at = now() WHERE id = $1`, [id, JSON.stringify(data)]);
}

/** Finish an attempt. A job cancelled meanwhile stays cancelled. Returns the state written, if any. */
export async function endAttempt(
  db: Db,
  id: string,
  worker: string,
  outcome: { state: Extract<JobState, 'completed' | 'retry' | 'dead' | 'failed'>; result?: unknown; error?: string },
): Promise<JobState | undefined> {
  const final = outcome.state !== 'retry';
  const r = await queryRow(
    db,
    JobStateRow,
    `UPDATE jobs SET state = $3, result = coalesce($4::jsonb, result), error = $5, updated_at = now(),
       finished_at = CASE WHEN $6 THEN now() ELSE NULL END, worker = CASE WHEN $6 THEN worker ELSE NULL END
     WHERE id = $1 AND state = 'running' AND (worker = $2 OR worker IS NULL) RETURNING state`,
    [id, worker, outcome.state, outcome.result === undefined ? null : JSON.stringify(outcome.result), outcome.error ?? null, final],
    'end of attempt',
  );
  return r?.state;
}

export async function markCancelled(db: Db, id: string): Promise<JobRow | undefined> {
  const r = await jobRow(
    db,
    `UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now()
     WHERE id = $1 AND state IN ('queued', 'retry', 'running') RETURNING *`,
    [id],
  );
  return r;
}

/** Put a failed, dead or cancelled job back in the queue (its checkpoint is kept: done work is skipped). */
export async function markRequeued(db: Db, id: string, attempts: number): Promise<JobRow | undefined> {
  const r = await jobRow(
    db,
    `UPDATE jobs SET state = 'queued', error = NULL, finished_at = NULL, worker = NULL, updated_at = now(),
       max_attempts = attempts + $2
     WHERE id = $1 AND state IN ('failed', 'dead', 'cancelled') RETURNING *`,
    [id, attempts],
  );
  return r;
}

// ---------------------------------------------------------------- workers and heartbeats

export async function registerWorker(db: Db, w: { id: string; host: string; pid: number; concurrency: number }): Promise<void> {
  await db.query(
    `INSERT INTO job_workers (id, host, pid, concurrency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
    [w.id, w.host, w.pid, w.concurrency],
  );
}

export async function unregisterWorker(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM job_workers WHERE id = $1', [id]);
}

/** Refresh this worker's heartbeat and its running jobs'; return the states of those jobs (to notice cancels). */
export async function heartbeat(db: Db, worker: string, jobIds: string[]): Promise<Map<string, JobState>> {
  await db.query('UPDATE job_workers SET heartbeat_at = now() WHERE id = $1', [worker]);
  if (!jobIds.length) return new Map();
  const rows = await queryRows(
    db,
    jobs.row.pick({ id: true, state: true }),
    `UPDATE jobs SET heartbeat_at = CASE WHEN state = 'running' AND worker = $1 THEN now() ELSE heartbeat_at END
     WHERE id = ANY($2::text[]) RETURNING id, state`,
    [worker, jobIds],
    'heartbeat',
  );
  return new Map(rows.map((r) => [r.id, r.state]));
}

export async function liveWorkers(db: Db, staleSeconds: number): Promise<JobWorkerRecord[]> {
  await db.query(`DELETE FROM job_workers WHERE heartbeat_at < now() - make_interval(secs => $1 * 10)`, [staleSeconds]);
  return queryRows(
    db,
    jobWorkers.row,
    `SELECT * FROM job_workers WHERE heartbeat_at >= now() - make_interval(secs => $1) ORDER BY started_at`,
    [staleSeconds],
    'live workers',
  );
}

/** Running queue jobs whose worker stopped answering (no heartbeat for `staleSeconds`, or in `deadWorkers`). */
export async function lostJobs(db: Db, staleSeconds: number, deadWorkers: string[]): Promise<JobRow[]> {
  return queryRows(
    db,
    JobRowSchema,
    `SELECT * FROM jobs WHERE state = 'running' AND engine = 'queue'
       AND (heartbeat_at < now() - make_interval(secs => $1) OR worker = ANY($2::text[]))`,
    [staleSeconds, deadWorkers],
    'lost jobs',
  );
}

/** Running jobs' distinct workers (to check which of them are processes on this host that are gone). */
export async function runningWorkers(db: Db): Promise<string[]> {
  const rows = await queryRows(db, row({ worker: text() }), `SELECT DISTINCT worker FROM jobs WHERE state = 'running' AND worker IS NOT NULL`, [], 'running workers');
  return rows.map((r) => r.worker);
}

/** Take a lost job back from its worker (compare-and-set on the worker): 'retry', or 'dead' when no attempt is left. */
export async function reclaimLost(db: Db, job: JobRow, reason: string): Promise<JobState | undefined> {
  const r = await queryRow(
    db,
    JobStateRow,
    `UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'retry' END, error = $3, updated_at = now(),
       finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END
     WHERE id = $1 AND state = 'running' AND worker IS NOT DISTINCT FROM $2 RETURNING state`,
    [job.id, job.worker, reason],
    'reclaim a lost job',
  );
  return r?.state;
}

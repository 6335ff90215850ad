// Jobs: long work (classify, ingest, topic linking, releases) recorded as rows in `jobs` and run by a
// worker process (PostgreSQL, delivered by pg-boss) or by the submitting process (PGlite).
import type { Db } from '../store/db.ts';
import type { Store } from '../store/index.ts';

export const JOB_KINDS = ['classify', 'ingest', 'topics-link', 'release'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['queued', 'running', 'retry', 'completed', 'failed', 'dead', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job does not leave by itself. */
export const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'dead', 'cancelled'];

export interface JobProgress {
  done?: number;
  total?: number;
  /** A short line saying what is happening (e.g. "classify: 120 labelled · 3 failed"). */
  message?: string;
}

export interface JobRow {
  id: string;
  kind: JobKind;
  params: Record<string, unknown>;
  state: JobState;
  engine: 'queue' | 'inline';
  boss_id: string | null;
  progress: JobProgress;
  checkpoint: Record<string, unknown>;
  result: unknown;
  error: string | null;
  attempts: number;
  max_attempts: number;
  worker: string | null;
  heartbeat_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface JobContext {
  store: Store;
  job: JobRow;
  /** This attempt's number (1 for the first). */
  attempt: number;
  workerId: string;
  /** Aborted when the job is cancelled or the worker shuts down: stop taking new work. */
  signal: AbortSignal;
  /** Record progress (written at most every few hundred milliseconds; the last call always lands). */
  progress(p: JobProgress): void;
  /** Write the job's checkpoint inside the caller's transaction (`tx`), together with the work it records. */
  saveCheckpoint(tx: Db, data: Record<string, unknown>): Promise<void>;
}

/** A job's work. Its result (JSON) is stored with the job. Writes must be transactions keyed so that a retry skips what is done. */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export class JobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

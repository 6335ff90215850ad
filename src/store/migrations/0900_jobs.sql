-- Jobs: long work (classify, ingest, topic linking, releases) as rows that any worker process can
-- run. On PostgreSQL, delivery, retries with backoff and the dead-letter queue are pg-boss's (in its
-- own schema); this table is govnav's view of every job on both engines: parameters, state,
-- progress, result, the worker running it and its heartbeat, and a checkpoint that is written in
-- the same transaction as the work it records (so a retried job skips what is done).
CREATE TABLE IF NOT EXISTS jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'retry', 'completed', 'failed', 'dead', 'cancelled')),
  -- 'queue': delivered by pg-boss to `govnav worker` processes; 'inline': run by the submitting process
  engine text NOT NULL CHECK (engine IN ('queue', 'inline')),
  boss_id text,
  progress jsonb NOT NULL DEFAULT '{}',
  checkpoint jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error text,
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 1,
  worker text,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at DESC);
CREATE INDEX IF NOT EXISTS jobs_running ON jobs (state, heartbeat_at) WHERE state = 'running';

-- Worker processes say they are alive here (the CLI submits to the queue only when one is).
CREATE TABLE IF NOT EXISTS job_workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid int NOT NULL,
  concurrency int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Classification runs (resumable, shareable by several workers) and the LLM response cache.

-- One answer of a provider per distinct request. `key` hashes (provider:host, model, prompt version,
-- input hash); the columns beside it are kept for inspection and clean-up.
CREATE TABLE IF NOT EXISTS llm_cache (
  key text PRIMARY KEY,
  provider text NOT NULL,
  model text NOT NULL,
  prompt_version text NOT NULL,
  input_hash text NOT NULL,
  response text NOT NULL,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  finish_reason text,
  answered_by text,
  hits integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_hit_at timestamptz
);
CREATE INDEX IF NOT EXISTS llm_cache_prompt_idx ON llm_cache (prompt_version, model);

-- A run: what was asked (params, with a hash to find an unfinished run with the same parameters).
CREATE TABLE IF NOT EXISTS classify_runs (
  id text PRIMARY KEY,
  params jsonb NOT NULL,
  params_hash text NOT NULL,
  provider text NOT NULL,
  model text,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'stopped')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS classify_runs_params_idx ON classify_runs (params_hash, status);

-- One (statement, taxonomy) pair of a run. Workers claim pending items with FOR UPDATE SKIP LOCKED;
-- a claim older than its lease can be taken over (the worker died).
CREATE TABLE IF NOT EXISTS classify_run_items (
  run_id text NOT NULL REFERENCES classify_runs(id) ON DELETE CASCADE,
  statement_id text NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  taxonomy text NOT NULL,
  ord integer NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'claimed', 'labelled', 'abstained', 'failed')),
  worker text,
  claimed_at timestamptz,
  code text,
  error text,
  cached boolean NOT NULL DEFAULT false,
  requests integer NOT NULL DEFAULT 0,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_usd double precision,
  finished_at timestamptz,
  PRIMARY KEY (run_id, statement_id, taxonomy)
);
CREATE INDEX IF NOT EXISTS classify_run_items_todo_idx ON classify_run_items (run_id, status, ord);

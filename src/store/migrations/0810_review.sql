-- Review in the browser for a team (issue #13): the queue's indexes, a cheap view counter that
-- puts much-read statements first, readers' and contributors' proposals, blind double coding with
-- adjudication. Decisions themselves stay in `classifications`; who did what is in `audit_log`.

-- An adjudicated label: the gold a third person settled after two coders disagreed (source human).
ALTER TABLE classifications DROP CONSTRAINT IF EXISTS classifications_review_status_check;
ALTER TABLE classifications ADD CONSTRAINT classifications_review_status_check
  CHECK (review_status IN ('unreviewed', 'accepted', 'rejected', 'corrected', 'adjudicated'));

-- The queue is "current machine labels nobody reviewed", lowest confidence first. Partial indexes
-- hold exactly those rows, so a page of the queue is an index range scan, not a sort.
CREATE INDEX IF NOT EXISTS classifications_queue_idx
  ON classifications ((coalesce(confidence, 0)), id)
  WHERE is_current AND NOT human AND review_status = 'unreviewed';
CREATE INDEX IF NOT EXISTS classifications_queue_taxonomy_idx
  ON classifications (taxonomy, (coalesce(confidence, 0)), id)
  WHERE is_current AND NOT human AND review_status = 'unreviewed';

-- Page views of statements, counted in memory and added here in batches (src/review/views.ts).
CREATE TABLE IF NOT EXISTS statement_views (
  statement_id text PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
  views bigint NOT NULL DEFAULT 0,
  last_viewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS statement_views_views_idx ON statement_views (views DESC, statement_id);

-- "Suggest a different label": a reader's or contributor's proposal, open until a reviewer
-- accepts it (it becomes a human label) or rejects it. Never deleted.
CREATE TABLE IF NOT EXISTS review_proposals (
  id bigserial PRIMARY KEY,
  statement_id text NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  taxonomy text NOT NULL,
  code text NOT NULL,
  -- the label the proposal contests (the current one when it was made), if any
  contested_label_id bigint REFERENCES classifications(id) ON DELETE SET NULL,
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 3 AND 2000),
  -- reader (anonymous), contributor or reviewer (an account)
  origin text NOT NULL CHECK (origin IN ('reader', 'contributor', 'reviewer')),
  user_id integer REFERENCES users(id),
  username text,
  client_hash text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  decided_by text,
  decided_at timestamptz,
  -- the human label an accepted proposal became
  label_id bigint REFERENCES classifications(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (taxonomy, code) REFERENCES taxonomy_nodes (taxonomy, code)
);
CREATE INDEX IF NOT EXISTS review_proposals_open_idx ON review_proposals (id) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS review_proposals_statement_idx ON review_proposals (statement_id, taxonomy);
CREATE INDEX IF NOT EXISTS review_proposals_user_idx ON review_proposals (user_id, id);

-- Double coding: one statement and taxonomy given to two reviewers who decide blind. Both codes
-- equal: the statement gets that code as a human label (status 'agreed'); different: the
-- assignment waits for adjudication, whose label is the gold (status 'adjudicated').
CREATE TABLE IF NOT EXISTS review_assignments (
  id bigserial PRIMARY KEY,
  statement_id text NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  taxonomy text NOT NULL,
  coder_a integer NOT NULL REFERENCES users(id),
  coder_b integer NOT NULL REFERENCES users(id),
  assigned_by integer REFERENCES users(id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'agreed', 'disputed', 'adjudicated')),
  gold_label_id bigint REFERENCES classifications(id) ON DELETE SET NULL,
  adjudicator text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (coder_a <> coder_b),
  UNIQUE (statement_id, taxonomy)
);
CREATE INDEX IF NOT EXISTS review_assignments_a_idx ON review_assignments (coder_a, status, id);
CREATE INDEX IF NOT EXISTS review_assignments_b_idx ON review_assignments (coder_b, status, id);
CREATE INDEX IF NOT EXISTS review_assignments_status_idx ON review_assignments (status, id);

CREATE TABLE IF NOT EXISTS review_codings (
  assignment_id bigint NOT NULL REFERENCES review_assignments(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id),
  username text NOT NULL,
  code text NOT NULL,
  reason text CHECK (reason IS NULL OR char_length(reason) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assignment_id, user_id)
);

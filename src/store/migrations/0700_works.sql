-- Works: one work, however many documents carry it. A document imported from two datasets and
-- ingested from its PDF is three documents (each keeps its own id, provenance and statements) and
-- one work (W0001…, never reused). Statements with the same normalised text within one work are
-- one statement for counting and listing: the earliest is canonical, the others point to it with
-- same_as (they keep their ids and pages).

CREATE TABLE IF NOT EXISTS works (
  id text PRIMARY KEY,
  title text NOT NULL,
  year integer,
  doi text,
  -- set when the work was merged into another: its id then redirects there and is never reused
  merged_into text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE documents ADD COLUMN IF NOT EXISTS work_id text REFERENCES works(id);
-- how the document came to its work: own | doi | title | statements | human
ALTER TABLE documents ADD COLUMN IF NOT EXISTS work_match text;
CREATE INDEX IF NOT EXISTS documents_work_idx ON documents (work_id);

ALTER TABLE statements ADD COLUMN IF NOT EXISTS same_as text REFERENCES statements(id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS statements_same_as_idx ON statements (same_as) WHERE same_as IS NOT NULL;

-- The normalised text of each statement (hash), kept up to date incrementally by content hash.
CREATE TABLE IF NOT EXISTS statement_norms (
  statement_id text PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
  content_hash text NOT NULL,
  norm_hash text
);
CREATE INDEX IF NOT EXISTS statement_norms_hash_idx ON statement_norms (norm_hash);

-- Maintainers' decisions: two documents are the same work, or not. Auto-detection never merges a
-- pair marked 'different' and never separates documents (only `documents split` does).
CREATE TABLE IF NOT EXISTS work_decisions (
  doc_a text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  doc_b text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  decision text NOT NULL CHECK (decision IN ('same', 'different')),
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (doc_a, doc_b),
  CHECK (doc_a < doc_b)
);

-- govnav core schema: datasets, documents, statements, taxonomy nodes, classifications,
-- feedback and releases. Public ids (D0001, M000001, ...) are allocated from id_counters and
-- never reused: rows that disappear from a newer dataset version are retired, not deleted.

CREATE TABLE IF NOT EXISTS id_counters (
  prefix text PRIMARY KEY,
  next integer NOT NULL
);

CREATE TABLE IF NOT EXISTS datasets (
  id text PRIMARY KEY,
  version text NOT NULL,
  licence text NOT NULL,
  attribution text NOT NULL,
  source_url text,
  imported_at timestamptz NOT NULL DEFAULT now(),
  meta jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS documents (
  id text PRIMARY KEY,
  dataset text NOT NULL,
  source_key text NOT NULL,
  title text NOT NULL,
  authors text,
  organisation text,
  date text,
  year integer,
  doc_type text NOT NULL DEFAULT 'other',
  jurisdiction text,
  language text NOT NULL DEFAULT 'en',
  legislative_status text,
  url text,
  doi text,
  abstract text,
  item_type text,
  dataset_version text NOT NULL,
  licence text NOT NULL,
  attribution text NOT NULL,
  source_url text,
  meta jsonb NOT NULL DEFAULT '{}',
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  UNIQUE (dataset, source_key)
);

CREATE TABLE IF NOT EXISTS statements (
  id text PRIMARY KEY,
  document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  source_key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('mitigation', 'principle', 'risk')),
  parent_id text REFERENCES statements(id) DEFERRABLE INITIALLY DEFERRED,
  ord integer NOT NULL,
  name text NOT NULL DEFAULT '',
  text text NOT NULL DEFAULT '',
  heading_path text[] NOT NULL DEFAULT '{}',
  page integer,
  page_end integer,
  char_start integer,
  char_end integer,
  locator_ref text,
  language text NOT NULL DEFAULT 'en',
  meta jsonb NOT NULL DEFAULT '{}',
  search_text text NOT NULL DEFAULT '',
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  UNIQUE (document_id, source_key)
);
CREATE INDEX IF NOT EXISTS statements_document_idx ON statements (document_id, ord);
CREATE INDEX IF NOT EXISTS statements_parent_idx ON statements (parent_id);
CREATE INDEX IF NOT EXISTS statements_kind_idx ON statements (kind);
CREATE INDEX IF NOT EXISTS statements_search_idx ON statements USING gin (search_vector);

CREATE TABLE IF NOT EXISTS taxonomy_nodes (
  taxonomy text NOT NULL,
  code text NOT NULL,
  version text NOT NULL,
  parent text,
  level integer NOT NULL,
  ord integer NOT NULL,
  name_en text NOT NULL,
  name_zh text,
  description_en text,
  description_zh text,
  special text,
  project_label boolean NOT NULL DEFAULT false,
  retired boolean NOT NULL DEFAULT false,
  PRIMARY KEY (taxonomy, code)
);

CREATE TABLE IF NOT EXISTS classifications (
  id bigserial PRIMARY KEY,
  statement_id text NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  taxonomy text NOT NULL,
  taxonomy_version text NOT NULL,
  code text NOT NULL,
  secondary text[] NOT NULL DEFAULT '{}',
  source text NOT NULL CHECK (source IN ('human', 'llm', 'embedded', 'imported')),
  human boolean NOT NULL DEFAULT false,
  model text,
  model_version text,
  prompt_version text,
  reasoning text CHECK (reasoning IS NULL OR char_length(reasoning) <= 500),
  confidence real CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
  review_status text NOT NULL DEFAULT 'unreviewed'
    CHECK (review_status IN ('unreviewed', 'accepted', 'rejected', 'corrected')),
  reviewer text,
  reviewed_at timestamptz,
  source_value text,
  run_id text,
  is_current boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (taxonomy, code) REFERENCES taxonomy_nodes (taxonomy, code)
);
CREATE INDEX IF NOT EXISTS classifications_statement_idx ON classifications (statement_id, taxonomy);
CREATE INDEX IF NOT EXISTS classifications_current_idx ON classifications (taxonomy, code) WHERE is_current;
CREATE UNIQUE INDEX IF NOT EXISTS classifications_one_current
  ON classifications (statement_id, taxonomy) WHERE is_current;

CREATE TABLE IF NOT EXISTS feedback (
  id bigserial PRIMARY KEY,
  page text NOT NULL,
  kind text NOT NULL DEFAULT 'other',
  message text NOT NULL,
  email text,
  client_hash text,
  user_agent text,
  status text NOT NULL DEFAULT 'new',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS releases (
  version text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  manifest jsonb NOT NULL,
  snapshot jsonb NOT NULL DEFAULT '{}',
  path text
);

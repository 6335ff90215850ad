-- Topics (from the topic lexicon, topics/lexicon.json plus user extensions) and the links between
-- statements and topics, with the score and the terms that matched. topic_link_state records which
-- version of a statement and of the lexicon each statement was last linked with, so that
-- `govnav topics link` only links what is new or changed.

CREATE TABLE IF NOT EXISTS topics (
  id text PRIMARY KEY,
  ord integer NOT NULL,
  name_en text NOT NULL,
  name_zh text,
  description_en text NOT NULL,
  description_zh text,
  terms jsonb NOT NULL DEFAULT '[]',
  lexicon_version text NOT NULL,
  retired boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS statement_topics (
  statement_id text NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  topic_id text NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  score real NOT NULL CHECK (score > 0),
  matched_terms jsonb NOT NULL DEFAULT '[]',
  lexicon_version text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (statement_id, topic_id)
);
CREATE INDEX IF NOT EXISTS statement_topics_topic_idx ON statement_topics (topic_id, statement_id);

CREATE TABLE IF NOT EXISTS topic_link_state (
  statement_id text PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
  content_hash text NOT NULL,
  lexicon_version text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now()
);

-- Ingest: the extracted text of every ingested document (statement locators point into it), and
-- MinHash signatures of statements for near-duplicate detection across documents.

CREATE TABLE IF NOT EXISTS document_texts (
  document_id text PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  format text NOT NULL,
  text text NOT NULL,
  -- sha256 of the text with all whitespace removed (NFKC, lower case): equal for trivially different copies
  fingerprint text NOT NULL,
  -- MinHash signature (128 uint32) of the whole text, for matching near-identical copies
  minhash jsonb NOT NULL DEFAULT '[]',
  chars integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS document_texts_fingerprint_idx ON document_texts (fingerprint);

CREATE TABLE IF NOT EXISTS statement_minhash (
  statement_id text PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
  document_id text NOT NULL,
  -- statements.content_hash when the signature was made (a changed statement gets a new one)
  content_hash text NOT NULL,
  signature jsonb NOT NULL,
  bands text[] NOT NULL
);
CREATE INDEX IF NOT EXISTS statement_minhash_bands_idx ON statement_minhash USING gin (bands);
CREATE INDEX IF NOT EXISTS statement_minhash_document_idx ON statement_minhash (document_id);

-- Extraction: the outline of every ingested document (each block the reader found, with the role the
-- extraction gave it and why) and the maintainers' corrections to it. Blocks point into
-- document_texts.text by character span; they never copy the text. The outline of a document is
-- replaced as a whole in the transaction that writes its statements. Corrections are only ever
-- added: when two disagree, the later one wins.

CREATE TABLE IF NOT EXISTS document_blocks (
  document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  -- position in the reader's block list (0-based)
  ord integer NOT NULL,
  -- blockAnchor(text): stable across re-extractions of the same document
  anchor text NOT NULL,
  -- heading | paragraph | item | table-row
  kind text NOT NULL,
  -- heading level (headings) or list depth (items)
  level integer,
  marker text,
  ordered boolean,
  page integer,
  page_end integer,
  printed_page text,
  -- what the reader knew from layout alone: toc | caption | running | footnote | reference | cover
  hint text,
  char_start integer NOT NULL,
  char_end integer NOT NULL,
  -- table rows: {"cells": [...], "header": [...], "table": n}
  cells jsonb,
  heading_path text[] NOT NULL DEFAULT '{}',
  role text NOT NULL CHECK (role IN ('mitigation', 'risk', 'principle', 'context', 'apparatus')),
  role_source text NOT NULL CHECK (role_source IN ('embedded', 'llm', 'human')),
  confidence real NOT NULL DEFAULT 0,
  reason text NOT NULL DEFAULT '',
  -- the statement the block belongs to (statement roles only)
  statement_id text REFERENCES statements(id) ON DELETE SET NULL,
  PRIMARY KEY (document_id, ord)
);
CREATE INDEX IF NOT EXISTS document_blocks_statement_idx ON document_blocks (statement_id);
CREATE INDEX IF NOT EXISTS document_blocks_anchor_idx ON document_blocks (document_id, anchor);

CREATE TABLE IF NOT EXISTS extraction_corrections (
  id bigserial PRIMARY KEY,
  document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  op text NOT NULL CHECK (op IN ('set-role', 'merge', 'split')),
  anchors text[] NOT NULL,
  -- set-role only
  role text CHECK (role IS NULL OR role IN ('mitigation', 'risk', 'principle', 'context', 'apparatus')),
  author text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS extraction_corrections_document_idx ON extraction_corrections (document_id, id);

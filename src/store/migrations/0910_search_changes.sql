-- The in-process search index (src/search/index.ts) is kept in step with the data: every
-- transaction that writes statements, documents, labels or topic links leaves one row here (its
-- transaction id). A process knows its index is stale when a row exists that its build did not see.
-- One row per writing transaction, never an update of a shared row, so writers never wait on
-- each other here.
CREATE TABLE IF NOT EXISTS search_changes (
  id bigserial PRIMARY KEY,
  xid xid8 NOT NULL UNIQUE,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION govnav_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_changes (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS statements_search_changed ON statements;
CREATE TRIGGER statements_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON statements
  FOR EACH STATEMENT EXECUTE FUNCTION govnav_search_changed();
DROP TRIGGER IF EXISTS documents_search_changed ON documents;
CREATE TRIGGER documents_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON documents
  FOR EACH STATEMENT EXECUTE FUNCTION govnav_search_changed();
DROP TRIGGER IF EXISTS classifications_search_changed ON classifications;
CREATE TRIGGER classifications_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON classifications
  FOR EACH STATEMENT EXECUTE FUNCTION govnav_search_changed();
DROP TRIGGER IF EXISTS statement_topics_search_changed ON statement_topics;
CREATE TRIGGER statement_topics_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON statement_topics
  FOR EACH STATEMENT EXECUTE FUNCTION govnav_search_changed();

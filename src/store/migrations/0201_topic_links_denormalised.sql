-- Topic pages and the coverage matrix aggregate the links of one topic by document. Keeping the
-- statement's document, kind and order on each link (they are part of the statement's content
-- hash, so a change makes the statement pending and relinks it) lets those queries run on
-- statement_topics and documents alone, without scanning statements.
-- A trigger removes the links (and link state) of a statement when it is retired, so that links
-- only ever point at live statements; a revived statement is then pending and gets relinked.

ALTER TABLE statement_topics ADD COLUMN IF NOT EXISTS document_id text;
ALTER TABLE statement_topics ADD COLUMN IF NOT EXISTS kind text;
ALTER TABLE statement_topics ADD COLUMN IF NOT EXISTS ord integer;
UPDATE statement_topics st SET document_id = s.document_id, kind = s.kind, ord = s.ord
  FROM statements s WHERE s.id = st.statement_id AND st.document_id IS NULL;
DELETE FROM statement_topics st USING statements s WHERE s.id = st.statement_id AND s.retired_at IS NOT NULL;
ALTER TABLE statement_topics ALTER COLUMN document_id SET NOT NULL;
ALTER TABLE statement_topics ALTER COLUMN kind SET NOT NULL;
ALTER TABLE statement_topics ALTER COLUMN ord SET NOT NULL;

DROP INDEX IF EXISTS statement_topics_topic_idx;
CREATE INDEX IF NOT EXISTS statement_topics_topic_doc_idx ON statement_topics (topic_id, document_id, ord);
CREATE INDEX IF NOT EXISTS statement_topics_document_idx ON statement_topics (document_id, topic_id);

CREATE OR REPLACE FUNCTION govnav_unlink_retired_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN
    DELETE FROM statement_topics WHERE statement_id = NEW.id;
    DELETE FROM topic_link_state WHERE statement_id = NEW.id;
  END IF;
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS statements_unlink_retired ON statements;
CREATE TRIGGER statements_unlink_retired AFTER UPDATE OF retired_at ON statements
  FOR EACH ROW EXECUTE FUNCTION govnav_unlink_retired_statement();

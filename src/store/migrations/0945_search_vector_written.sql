-- statements.search_vector was a generated column (to_tsvector('simple', search_text)). Computing
-- it is most of the server's work when an import writes many statements, and the application
-- already has the words: bulk writes now send the vector for texts made only of plain ASCII words
-- and numbers (src/store/bulk/tsvector.ts builds exactly what to_tsvector('simple', …) gives).
-- Every other write leaves it out (NULL) and this trigger computes it as the generated column did;
-- an update that changes search_text without sending a new vector gets it recomputed too.
ALTER TABLE statements ALTER COLUMN search_vector DROP EXPRESSION;

CREATE OR REPLACE FUNCTION govnav_statement_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := to_tsvector('simple', NEW.search_text);
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS statements_search_vector_insert ON statements;
CREATE TRIGGER statements_search_vector_insert BEFORE INSERT ON statements
  FOR EACH ROW WHEN (NEW.search_vector IS NULL) EXECUTE FUNCTION govnav_statement_search_vector();
DROP TRIGGER IF EXISTS statements_search_vector_update ON statements;
CREATE TRIGGER statements_search_vector_update BEFORE UPDATE ON statements
  FOR EACH ROW WHEN (NEW.search_vector IS NULL
    OR (NEW.search_text IS DISTINCT FROM OLD.search_text AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector))
  EXECUTE FUNCTION govnav_statement_search_vector();

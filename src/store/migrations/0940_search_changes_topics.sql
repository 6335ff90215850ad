-- The search index also carries the topics' names (the topic facet of the search page shows them),
-- so a write to topics leaves a change in search_changes like a write to statements or labels does:
-- an index built before it is not used after it (src/store/search-index.ts).
DROP TRIGGER IF EXISTS topics_search_changed ON topics;
CREATE TRIGGER topics_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON topics
  FOR EACH STATEMENT EXECUTE FUNCTION govnav_search_changed();

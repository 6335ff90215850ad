-- Every transaction that changes what pages show sends one notification on the channel
-- govnav_data when it commits (PostgreSQL folds identical notifications of one transaction into
-- one). Each web process LISTENs and drops its cached pages at once, so no process serves a page
-- older than a write made by another process. The payload is the schema, so that several govnav
-- stores in one database (tests) can tell their notifications apart.
CREATE OR REPLACE FUNCTION govnav_notify_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('govnav_data', TG_TABLE_SCHEMA);
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['documents', 'statements', 'classifications', 'statement_topics', 'works', 'topics'] LOOP
    IF to_regclass(t) IS NOT NULL THEN
      EXECUTE format('DROP TRIGGER IF EXISTS govnav_data_changed ON %I', t);
      EXECUTE format('CREATE TRIGGER govnav_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                      FOR EACH STATEMENT EXECUTE FUNCTION govnav_notify_data()', t);
    END IF;
  END LOOP;
END $$;

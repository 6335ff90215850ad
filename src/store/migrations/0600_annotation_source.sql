-- Labels from govnav's own annotated set (annotations/, imported as the dataset govnav-annotations)
-- get their own source, 'annotation': this project's annotation, never shown as human-coded.
ALTER TABLE classifications DROP CONSTRAINT IF EXISTS classifications_source_check;
ALTER TABLE classifications ADD CONSTRAINT classifications_source_check
  CHECK (source IN ('human', 'llm', 'embedded', 'imported', 'annotation'));

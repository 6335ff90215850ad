-- Near-duplicate signatures, lighter to write. A statement's MinHash signature was a jsonb array of
-- 128 numbers and its 16 LSH band keys text ("3:1x9k2f") under a GIN index: writing 10,000 of them
-- took seconds, most of it parsing the jsonb and indexing text keys. Now the signature is text (8 hex
-- digits per hash, never parsed by the database) and the band keys are bigints (band × 2^32 + the
-- band's 32-bit hash: the same keys, as numbers) under a GIN index.
-- The rows are derived data: they are dropped here and made again by the next ingest, which writes
-- a signature for every live statement that has none (src/ingest/index.ts, backfillSignatures).
DROP INDEX IF EXISTS statement_minhash_bands_idx;
DELETE FROM statement_minhash;
ALTER TABLE statement_minhash
  ALTER COLUMN signature TYPE text USING '',
  ALTER COLUMN bands TYPE bigint[] USING '{}';
CREATE INDEX IF NOT EXISTS statement_minhash_bands_idx ON statement_minhash USING gin (bands);

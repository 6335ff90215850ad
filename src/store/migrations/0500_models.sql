-- Persisted classifier models (issue 12): a label whose calibrated confidence is below the model's
-- threshold is stored as a SUGGESTION: never the current label, shown as "suggested" with its
-- confidence, until a person accepts or corrects it. Labels may carry their reasoning in Chinese too.
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS suggested boolean NOT NULL DEFAULT false;
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS reasoning_zh text
  CHECK (reasoning_zh IS NULL OR char_length(reasoning_zh) <= 500);
CREATE INDEX IF NOT EXISTS classifications_suggested_idx ON classifications (taxonomy, code) WHERE suggested;

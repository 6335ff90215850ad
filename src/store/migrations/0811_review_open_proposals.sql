-- The review queue asks, for every label it looks at, whether an open proposal contests it: a
-- partial index of the open proposals makes that a probe instead of a scan of every proposal.
CREATE INDEX IF NOT EXISTS review_proposals_open_pair_idx ON review_proposals (statement_id, taxonomy) WHERE status = 'open';

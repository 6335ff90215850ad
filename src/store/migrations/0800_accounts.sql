-- Accounts, server-side sessions, server secrets and the audit log (issue #13).
-- Readers need no account. Accounts have one role: admin (users, datasets, releases), reviewer
-- (decide labels) or contributor (propose corrections). Accounts are disabled, never deleted, so
-- every audit row keeps pointing at a real account.

CREATE TABLE IF NOT EXISTS users (
  id serial PRIMARY KEY,
  -- lower case; letters, digits and . _ @ - (checked with a clear message in src/store/users.ts)
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,99}$'),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'reviewer', 'contributor')),
  -- scrypt$<log2 N>$<r>$<p>$<salt>$<key> (parameters kept per hash so they can be raised); NULL for
  -- accounts that only sign in through OpenID Connect
  password_hash text,
  oidc_issuer text,
  oidc_subject text,
  disabled_at timestamptz,
  -- sign-in throttling per account: consecutive failures and the lockout they caused
  failed_signins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  password_changed_at timestamptz,
  last_signin_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (oidc_issuer, oidc_subject)
);

-- One row per signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a
-- copy of this table cannot be replayed as cookies.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  -- absolute end of the session; the idle limit is checked against last_seen_at
  expires_at timestamptz NOT NULL,
  client_hash text,
  user_agent text
);
CREATE INDEX IF NOT EXISTS sessions_user_idx ON sessions (user_id);

-- Random keys the server makes for itself on first use (e.g. the CSRF token key), shared by every
-- web process on the same database.
CREATE TABLE IF NOT EXISTS server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every decision, role change, proposal and sign-in: who, when, what, before and after.
-- Append-only: a trigger refuses UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id integer REFERENCES users(id),
  -- the actor's username at the time, or 'cli:<os user>' / 'system' / 'anonymous'
  actor text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  before jsonb,
  after jsonb,
  detail text,
  client_hash text
);
CREATE INDEX IF NOT EXISTS audit_target_idx ON audit_log (target_type, target_id, id);
CREATE INDEX IF NOT EXISTS audit_actor_idx ON audit_log (actor_id, id);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The console's people, sessions and sign-in guards (API.md, "People in the browser: the
-- console"). See schema/70-console.sql for what each table is for.

CREATE TABLE console_credentials (
  principal_id        uuid PRIMARY KEY REFERENCES principals(id),
  password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  -- iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext; null when the person has no second factor.
  totp_secret_sealed  bytea CHECK (length(totp_secret_sealed) > 28),
  -- The time step of the last code accepted: a code is good once (RFC 6238 §5.2).
  totp_last_step      bigint,
  enrolled_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE console_invitations (
  token_hash    bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  principal_id  uuid NOT NULL REFERENCES principals(id),
  -- Null when the host's command line invited (the bootstrap of the first admin).
  invited_by    uuid REFERENCES principals(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz,
  ended_how     text CHECK (ended_how IN ('accepted', 'superseded')),
  CONSTRAINT console_invitations_ended CHECK ((ended_at IS NULL) = (ended_how IS NULL))
);
CREATE INDEX console_invitations_open ON console_invitations (principal_id) WHERE ended_at IS NULL;

CREATE TABLE console_sessions (
  id_hash       bytea PRIMARY KEY CHECK (length(id_hash) = 32),
  principal_id  uuid NOT NULL REFERENCES principals(id),
  stage         text NOT NULL CHECK (stage IN ('second_factor', 'signed_in')),
  method        text NOT NULL CHECK (method IN ('password', 'oidc')),
  -- Sent back with every state-changing form; compared in constant time.
  csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_principal ON console_sessions (principal_id);

CREATE TABLE console_login_failures (
  email      text NOT NULL CHECK (length(email) BETWEEN 1 AND 254),
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_login_failures_email ON console_login_failures (email, failed_at);

CREATE TABLE console_login_locks (
  email         text PRIMARY KEY CHECK (length(email) BETWEEN 1 AND 254),
  locked_until  timestamptz NOT NULL
);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    GRANT DELETE ON console_sessions, console_login_failures, console_login_locks TO aid_escrow_app;
  END IF;
END $$;

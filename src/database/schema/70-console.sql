-- People in the browser (src/console): how a principal with an email signs in to the console.
-- Nothing here is a key of the API: the console's sessions act through the same services, and a
-- principal revoked in identities (10-identity.sql) can no longer use any of these rows.

-- A person's credentials: an argon2id password hash (PHC string, salt inside) and, once
-- enrolled, a TOTP secret (RFC 6238). The secret is sealed with AES-256-GCM under the console's
-- key (CONSOLE_SECRET_KEY, else a key file in DATA_DIR): a copy of the database alone cannot
-- produce codes. Replaced whenever the person accepts a new invitation.
CREATE TABLE console_credentials (
  principal_id        uuid PRIMARY KEY REFERENCES principals(id),
  password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  -- iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext; null when the person has no second factor.
  totp_secret_sealed  bytea CHECK (length(totp_secret_sealed) > 28),
  -- The time step of the last code accepted: a code is good once (RFC 6238 §5.2).
  totp_last_step      bigint,
  enrolled_at         timestamptz NOT NULL DEFAULT now()
);

-- One-use invitations to set a password and enroll TOTP (72 hours). Only the SHA-256 of the
-- token is stored: the URL is shown once, to the admin who asked for it.
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
-- A new invitation supersedes the person's open ones.
CREATE INDEX console_invitations_open ON console_invitations (principal_id) WHERE ended_at IS NULL;

-- Sessions live here, not in an instance: any instance serves any request. The cookie holds a
-- random secret; its SHA-256 is the key. `second_factor`: the password was right and a TOTP code
-- is awaited; `signed_in`: the session acts. Idle and absolute expiry are judged by the
-- database's clock (30 minutes since last_seen_at, 12 hours since created_at).
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

-- Wrong passwords and codes, by the email typed (lower case), known or not: 5 within 15 minutes
-- lock that email's sign-in for 15 minutes.
CREATE TABLE console_login_failures (
  email      text NOT NULL CHECK (length(email) BETWEEN 1 AND 254),
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_login_failures_email ON console_login_failures (email, failed_at);

CREATE TABLE console_login_locks (
  email         text PRIMARY KEY CHECK (length(email) BETWEEN 1 AND 254),
  locked_until  timestamptz NOT NULL
);

-- Sessions end (sign-out, expiry, a new invitation accepted), failures and locks age out:
-- the console deletes from these.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    GRANT DELETE ON console_sessions, console_login_failures, console_login_locks TO aid_escrow_app;
  END IF;
END $$;

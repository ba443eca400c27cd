-- Who acts: organizations, and the principals (API keys) that act for them.

-- A donor, recipient, monitor, administrator or auditor body. Identified by its id, not its
-- name: POST /v1/organizations answers 201 for any valid name, and two bodies may well share one
-- (two branches of one relief society).
CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type        text NOT NULL CHECK (type IN ('donor','recipient','monitor','admin','auditor')),
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- The CLI's `--org NAME` finds an organization by name: the oldest one so named
-- (PrincipalsRepository.findOrCreateOrganizationNamed), hence (name, created_at, id).
CREATE INDEX organizations_name ON organizations (name, created_at, id);

-- Roles bind to organization types, so a type changed afterwards would re-qualify every
-- principal in it (a donor's people becoming monitors of their own money): it is fixed.
CREATE FUNCTION organizations_type_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IS DISTINCT FROM OLD.type THEN
    RAISE EXCEPTION 'an organization''s type is fixed at creation' USING ERRCODE = 'ID001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER organizations_type_is_fixed BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_type_is_fixed();

-- One person or system and what it may do (its role), on behalf of one organization. Made
-- through the API it is requested by one admin (pending_approval), approved by another (or, in
-- a donor organization with members, by one of them), then claimed once with a token, which is
-- when its key comes to exist. The command line's bootstrap makes it active with its key at once.
CREATE TABLE principals (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role             text NOT NULL CHECK (role IN ('admin','donor','monitor','auditor')),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  -- SHA-256 of the key; the key itself is shown once, at the claim, and stored nowhere.
  -- Unique: every request authenticates by looking its key's hash up here. Null until claimed.
  api_key_hash     bytea UNIQUE,
  -- A revoked principal stays (journal bodies and sign-offs name it) but no longer authenticates.
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- A person who signs in to the console; lower case, so one address is one person.
  email            text CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  status           text NOT NULL CHECK (status IN ('pending_approval', 'active', 'revoked')),
  requested_by     uuid REFERENCES principals(id),
  approved_by      uuid REFERENCES principals(id),
  approved_at      timestamptz,
  -- SHA-256 of the one-time claim token; cleared when spent or revoked.
  claim_token_hash bytea UNIQUE CHECK (length(claim_token_hash) = 32),
  claimed_at       timestamptz,
  CONSTRAINT principals_revoked_at_status CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  -- Only a principal past approval may hold a key: the key comes with the claim.
  CONSTRAINT principals_key_after_approval CHECK (api_key_hash IS NULL OR status <> 'pending_approval')
);
-- One person, one live principal: an email may not stand behind two keys at once (a person
-- holding keys in two organizations could act as both).
CREATE UNIQUE INDEX principals_one_live_per_email ON principals (email) WHERE status <> 'revoked';
-- "Does this donor organization have members?" decides who approves its newcomers.
CREATE INDEX principals_organization ON principals (organization_id) WHERE status = 'active';

-- A principal's Ed25519 key for signed statements (API.md, "Signed statements"), registered by
-- the principal itself and journaled (signing_key_registered). From then on its sign-offs,
-- release approvals and findings must carry a signature by it, and verification re-checks each
-- against the key the journal registered. One key per principal, fixed once registered: a key
-- the operator could replace would let the operator sign in the principal's name (a lost key
-- means a new principal, through the governed flow). One key, one principal: a key behind two
-- principals would be one person acting as two.
CREATE TABLE principal_signing_keys (
  principal_id  uuid PRIMARY KEY REFERENCES principals (id),
  -- Lowercase hex SHA-256 of the raw key: how statements and the journal name it.
  key_id        text NOT NULL CHECK (key_id ~ '^[0-9a-f]{64}$'),
  public_key    bytea NOT NULL CHECK (length(public_key) = 32),
  registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT principal_signing_keys_public_key_key UNIQUE (public_key)
);

-- Append-only, by privilege (the journal holds the same facts, and verification trusts only it).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON principal_signing_keys FROM aid_escrow_app;
  END IF;
END $$;

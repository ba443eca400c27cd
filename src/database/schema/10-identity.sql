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

-- One API key and what it may do (its role), on behalf of one organization.
CREATE TABLE principals (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role             text NOT NULL CHECK (role IN ('admin','donor','monitor','auditor')),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  -- SHA-256 of the key; the key itself is shown once, at creation, and stored nowhere.
  -- Unique: every request authenticates by looking its key's hash up here.
  api_key_hash     bytea NOT NULL UNIQUE,
  -- A revoked key stays (its principal is named by journal bodies and sign-offs) but no longer
  -- authenticates.
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);

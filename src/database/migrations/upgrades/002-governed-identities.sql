-- Governed identities (API.md, "Governance"): principals requested, approved, claimed; one live
-- principal per email; an organization's type fixed at creation. See schema/10-identity.sql.

CREATE FUNCTION organizations_type_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IS DISTINCT FROM OLD.type THEN
    RAISE EXCEPTION 'an organization''s type is fixed at creation' USING ERRCODE = 'ID001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER organizations_type_is_fixed BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_type_is_fixed();

ALTER TABLE principals
  ALTER COLUMN api_key_hash DROP NOT NULL,
  ADD COLUMN email            text CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  -- Every principal of 0.1.0 had its key at once: active, or revoked.
  ADD COLUMN status           text NOT NULL DEFAULT 'active' CHECK (status IN ('pending_approval', 'active', 'revoked')),
  ADD COLUMN requested_by     uuid REFERENCES principals(id),
  ADD COLUMN approved_by      uuid REFERENCES principals(id),
  ADD COLUMN approved_at      timestamptz,
  ADD COLUMN claim_token_hash bytea UNIQUE CHECK (length(claim_token_hash) = 32),
  ADD COLUMN claimed_at       timestamptz;
UPDATE principals SET status = 'revoked' WHERE revoked_at IS NOT NULL;
ALTER TABLE principals ALTER COLUMN status DROP DEFAULT;
ALTER TABLE principals
  ADD CONSTRAINT principals_revoked_at_status CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  ADD CONSTRAINT principals_key_after_approval CHECK (api_key_hash IS NULL OR status <> 'pending_approval');

CREATE UNIQUE INDEX principals_one_live_per_email ON principals (email) WHERE status <> 'revoked';
CREATE INDEX principals_organization ON principals (organization_id) WHERE status = 'active';

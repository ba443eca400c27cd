import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governed identities (API.md, "Governance"): a principal made through the API is requested by
 * one admin and approved by another (or, in a donor organization with members, by one of them),
 * then claimed once with a token; its key exists only from the claim. One person, one live
 * principal (by email). An organization's type never changes after creation, since every role
 * and every control is judged by it.
 */
export class GovernedIdentities1764000005000 implements MigrationInterface {
  name = 'GovernedIdentities1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE principals
        ADD COLUMN email            text CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        ADD COLUMN status           text NOT NULL DEFAULT 'active' CHECK (status IN ('pending_approval', 'active', 'revoked')),
        ADD COLUMN requested_by     uuid REFERENCES principals(id),
        ADD COLUMN approved_by      uuid REFERENCES principals(id),
        ADD COLUMN approved_at      timestamptz,
        ADD COLUMN claim_token_hash bytea UNIQUE CHECK (length(claim_token_hash) = 32),
        ADD COLUMN claimed_at       timestamptz,
        ALTER COLUMN api_key_hash DROP NOT NULL;
      UPDATE principals SET status = 'revoked' WHERE revoked_at IS NOT NULL;
      ALTER TABLE principals ALTER COLUMN status DROP DEFAULT;
      ALTER TABLE principals
        ADD CONSTRAINT principals_revoked_at_status CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
        -- Only a principal that is not pending may hold a key; the key comes with the claim.
        ADD CONSTRAINT principals_key_after_approval CHECK (api_key_hash IS NULL OR status <> 'pending_approval');

      -- One person, one live principal: an email may not stand behind two keys at once.
      CREATE UNIQUE INDEX principals_one_live_per_email ON principals (email) WHERE status <> 'revoked';
      CREATE INDEX principals_organization ON principals (organization_id) WHERE status = 'active';

      -- Roles bind to organization types; a type changed afterwards would re-qualify every
      -- principal in it (a donor's people becoming monitors of their own money).
      CREATE FUNCTION organizations_type_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type IS DISTINCT FROM OLD.type THEN
          RAISE EXCEPTION 'an organization''s type is fixed at creation' USING ERRCODE = 'ID001';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER organizations_type_is_fixed BEFORE UPDATE ON organizations
        FOR EACH ROW EXECUTE FUNCTION organizations_type_is_fixed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER organizations_type_is_fixed ON organizations;
      DROP FUNCTION organizations_type_is_fixed();
      DROP INDEX principals_organization;
      DROP INDEX principals_one_live_per_email;
      DELETE FROM principals WHERE api_key_hash IS NULL;
      ALTER TABLE principals
        DROP CONSTRAINT principals_key_after_approval,
        DROP CONSTRAINT principals_revoked_at_status,
        DROP COLUMN claimed_at, DROP COLUMN claim_token_hash, DROP COLUMN approved_at,
        DROP COLUMN approved_by, DROP COLUMN requested_by, DROP COLUMN status, DROP COLUMN email,
        ALTER COLUMN api_key_hash SET NOT NULL;
    `);
  }
}

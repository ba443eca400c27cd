-- Release policy (API.md, "Release policy"): instalments, a retained share freed by a
-- final_audit benchmark, approval tiers per account changed four-eyes, release deadlines, and
-- each donor's running totals per account. See schema/30-escrow.sql.
--
-- Data of release 0.1.0 and step 002 stays what it was: a tranche released whole has released
-- all of its amount, a cancelled one returned all of it; a request was for the whole tranche
-- under the one-approval default; an approved request's one approval is its decider's.

-- Tranches: instalments, retention, deadline, and status `expired`.
ALTER TABLE tranches DROP CONSTRAINT tranches_status_check;
ALTER TABLE tranches ADD CONSTRAINT tranches_status_check
  CHECK (status IN ('allocated','release_pending','released','cancelled','expired'));
ALTER TABLE tranches
  ADD COLUMN released_amount    numeric NOT NULL DEFAULT 0 CHECK (released_amount >= 0),
  ADD COLUMN returned_amount    numeric NOT NULL DEFAULT 0 CHECK (returned_amount >= 0),
  ADD COLUMN retention_percent  integer NOT NULL DEFAULT 0 CHECK (retention_percent BETWEEN 0 AND 50),
  ADD COLUMN retention_amount   numeric NOT NULL DEFAULT 0 CHECK (retention_amount >= 0),
  ADD COLUMN release_by         timestamptz;
UPDATE tranches SET released_amount = amount WHERE status = 'released';
UPDATE tranches SET returned_amount = amount WHERE status = 'cancelled';
ALTER TABLE tranches
  ADD CONSTRAINT tranches_amounts_within CHECK (released_amount + returned_amount <= amount AND retention_amount <= amount),
  ADD CONSTRAINT tranches_open_while_remaining CHECK ((status IN ('allocated','release_pending')) = (released_amount + returned_amount < amount));
CREATE INDEX tranches_release_by ON tranches (release_by) WHERE release_by IS NOT NULL AND status IN ('allocated','release_pending');

ALTER TABLE benchmarks DROP CONSTRAINT benchmarks_kind_check;
ALTER TABLE benchmarks ADD CONSTRAINT benchmarks_kind_check
  CHECK (kind IN ('humanitarian_access','anti_corruption','final_audit'));

-- Release requests: an amount and the tier they were made under.
ALTER TABLE release_requests
  ADD COLUMN amount                  numeric CHECK (amount > 0),
  ADD COLUMN required_approvals      integer NOT NULL DEFAULT 1 CHECK (required_approvals BETWEEN 1 AND 5),
  ADD COLUMN distinct_organizations  boolean NOT NULL DEFAULT false;
UPDATE release_requests r SET amount = t.amount FROM tranches t WHERE t.id = r.tranche_id;
ALTER TABLE release_requests
  ALTER COLUMN amount SET NOT NULL,
  ALTER COLUMN required_approvals DROP DEFAULT,
  ALTER COLUMN distinct_organizations DROP DEFAULT;
CREATE INDEX release_requests_tranche ON release_requests (tranche_id, created_at);
CREATE INDEX release_requests_pending ON release_requests (created_at, id) WHERE status = 'pending';

CREATE TABLE release_approvals (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_request_id      uuid NOT NULL REFERENCES release_requests(id),
  principal_id            uuid NOT NULL REFERENCES principals(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT release_approvals_once UNIQUE (release_request_id, principal_id)
);
INSERT INTO release_approvals (release_request_id, principal_id, organization_id, journal_transaction_id, created_at)
SELECT r.id, r.decided_by, p.organization_id, r.journal_transaction_id, r.decided_at
  FROM release_requests r JOIN principals p ON p.id = r.decided_by
 WHERE r.status = 'approved'
 ORDER BY r.decided_at, r.id;

-- Approval policies.
CREATE TABLE approval_policy_changes (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  escrow_account_id  uuid NOT NULL REFERENCES escrow_accounts(id),
  tiers              jsonb NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  proposed_by        uuid NOT NULL REFERENCES principals(id),
  decided_by         uuid REFERENCES principals(id),
  reason             text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  decided_at         timestamptz
);
CREATE INDEX approval_policy_changes_escrow ON approval_policy_changes (escrow_account_id, created_at);
ALTER TABLE escrow_accounts
  ADD COLUMN approval_tiers  jsonb NOT NULL DEFAULT '[{"minAmount": "0", "approvals": 1, "distinctOrganizations": false}]',
  ADD COLUMN approval_policy_change_id  uuid;
ALTER TABLE escrow_accounts ADD CONSTRAINT escrow_accounts_approval_policy_change
  FOREIGN KEY (approval_policy_change_id) REFERENCES approval_policy_changes(id);

-- Running totals, from what 0.1.0 recorded (every tranche then was whole or nothing).
CREATE TABLE escrow_donor_totals (
  escrow_account_id  uuid NOT NULL REFERENCES escrow_accounts(id),
  organization_id    uuid NOT NULL REFERENCES organizations(id),
  deposited  numeric NOT NULL DEFAULT 0 CHECK (deposited >= 0),
  allocated  numeric NOT NULL DEFAULT 0 CHECK (allocated >= 0),
  released   numeric NOT NULL DEFAULT 0 CHECK (released >= 0),
  refunded   numeric NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  repaid     numeric NOT NULL DEFAULT 0 CHECK (repaid >= 0),
  CONSTRAINT escrow_donor_totals_pkey PRIMARY KEY (escrow_account_id, organization_id),
  CONSTRAINT escrow_donor_totals_unallocated_non_negative CHECK (deposited + repaid - allocated - released - refunded >= 0)
);
INSERT INTO escrow_donor_totals (escrow_account_id, organization_id, deposited, allocated, released, refunded)
SELECT escrow_account_id, organization_id, sum(deposited), sum(allocated), sum(released), sum(refunded)
  FROM (
    SELECT escrow_account_id, organization_id, amount AS deposited, 0 AS allocated, 0 AS released, 0 AS refunded FROM deposits
    UNION ALL
    SELECT escrow_account_id, donor_organization_id, 0, amount - released_amount - returned_amount, released_amount, 0 FROM tranches
    UNION ALL
    SELECT escrow_account_id, organization_id, 0, 0, 0, amount FROM refunds
  ) AS movements
 GROUP BY escrow_account_id, organization_id;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON release_approvals FROM aid_escrow_app;
  END IF;
END $$;

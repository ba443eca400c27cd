-- What the escrow domain keeps so that oversight (src/oversight) can stop money and claw it back
-- without escrow knowing anything of cases: holds that block releases in a scope, the snap-back
-- mark that voids earlier sign-offs of a tranche, and repayments of recovered money. Written only
-- through escrow's exported ReleaseHoldsService and RepaymentsService (src/escrow/holds), each
-- change journaled in the same transaction. `case_id` names the violation case that asked for
-- it (60-oversight.sql); deliberately no foreign key: escrow does not depend on oversight.

-- A verified violation's stop on releases. While `lifted_at` is null, no release request and no
-- approval succeeds on a tranche in the scope (VIOLATION_VERIFIED, the first rule checked), and an
-- account in an escrow_account or country scope cannot be resumed.
CREATE TABLE release_holds (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id                    uuid NOT NULL,
  scope                      text NOT NULL CHECK (scope IN ('escrow_account','recipient','tranche','country')),
  escrow_account_id          uuid REFERENCES escrow_accounts(id),
  recipient_organization_id  uuid REFERENCES organizations(id),
  tranche_id                 uuid REFERENCES tranches(id),
  country                    char(2),
  placed_by                  uuid NOT NULL REFERENCES principals(id),
  placed_at                  timestamptz NOT NULL DEFAULT now(),
  lifted_by                  uuid REFERENCES principals(id),
  lifted_at                  timestamptz,
  -- Exactly the one target its scope names.
  CONSTRAINT release_holds_target CHECK (
    (scope = 'escrow_account') = (escrow_account_id IS NOT NULL) AND
    (scope = 'recipient') = (recipient_organization_id IS NOT NULL) AND
    (scope = 'tranche') = (tranche_id IS NOT NULL) AND
    (scope = 'country') = (country IS NOT NULL)),
  CONSTRAINT release_holds_lifted CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
-- One standing hold per case.
CREATE UNIQUE INDEX release_holds_one_per_case ON release_holds (case_id) WHERE lifted_at IS NULL;
-- The release gate asks "is anything holding this tranche?" on every request and approval.
CREATE INDEX release_holds_standing_account ON release_holds (escrow_account_id) WHERE lifted_at IS NULL;
CREATE INDEX release_holds_standing_recipient ON release_holds (recipient_organization_id) WHERE lifted_at IS NULL;
CREATE INDEX release_holds_standing_tranche ON release_holds (tranche_id) WHERE lifted_at IS NULL;
CREATE INDEX release_holds_standing_country ON release_holds (country) WHERE lifted_at IS NULL;

-- Snap-back: sign-offs of this tranche's benchmarks with an id up to `signoffs_void_through`
-- (benchmark_signoffs.id) no longer count. Set when a hold is placed, for every tranche of the
-- scope not yet released; raised, never lowered, by a later hold.
CREATE TABLE signoff_snapbacks (
  tranche_id             uuid PRIMARY KEY REFERENCES tranches(id),
  signoffs_void_through  bigint NOT NULL CHECK (signoffs_void_through >= 0),
  case_id                uuid NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now()
);

-- Money a recipient paid back under a recovery claim: recipient → the tranche donor's
-- unallocated funds in the tranche's account (journal_transaction_id). Counted in the account's
-- `repaid` figure through escrow_donor_totals (30-escrow.sql); this table keeps them per case.
CREATE TABLE repayments (
  id                         uuid PRIMARY KEY,
  case_id                    uuid NOT NULL,
  escrow_account_id          uuid NOT NULL REFERENCES escrow_accounts(id),
  tranche_id                 uuid NOT NULL REFERENCES tranches(id),
  donor_organization_id      uuid NOT NULL REFERENCES organizations(id),
  recipient_organization_id  uuid NOT NULL REFERENCES organizations(id),
  amount                     numeric NOT NULL CHECK (amount > 0),
  currency                   char(3) NOT NULL,
  reference                  text,
  recorded_by                uuid NOT NULL REFERENCES principals(id),
  journal_transaction_id     uuid NOT NULL,
  created_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repayments_escrow ON repayments (escrow_account_id, donor_organization_id);
CREATE INDEX repayments_case_tranche ON repayments (case_id, tranche_id);

-- The escrow workflow: accounts that hold donors' money, and what moves it (deposits,
-- tranches released in instalments on benchmarks signed off by monitors, release requests
-- approved by as many admins as the account's approval tiers ask, refunds, expiries).
--
-- These rows are the workflow's state; the money itself is in the ledger (20-ledger.sql), and
-- every change here is journaled by ledger_post in the same transaction. Rows that record a
-- money movement name their journal transaction (journal_transaction_id = journal_transactions.id).
-- Amounts are positive `numeric` in the account's currency, checked to its minor units by the
-- application.

-- One escrow (e.g. one reconstruction programme), in one currency.
CREATE TABLE escrow_accounts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  currency     char(3) NOT NULL,
  -- ISO 3166-1 alpha-2 of the country the aid goes to, when there is one (IATI reports it).
  country      char(2),
  description  text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','closed')),
  created_by   uuid NOT NULL REFERENCES principals(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- How many admins must approve a release request of a given amount (API.md, "Release
  -- policy"): [{minAmount, approvals, distinctOrganizations}], ascending. A request copies its
  -- tier when it is made, so a later change applies only to requests made afterwards. Changed
  -- only by an approved approval_policy_changes row (four eyes), named here; NULL: the default.
  approval_tiers  jsonb NOT NULL DEFAULT '[{"minAmount": "0", "approvals": 1, "distinctOrganizations": false}]',
  approval_policy_change_id  uuid,
  -- The emergency and the appeal a humanitarian account answers, when given (IATI
  -- humanitarian-scope, which OCHA's FTS imports): the GLIDE number (EQ-2015-000048-NPL) and the
  -- humanitarian response plan code (FNPL15, HCOVD20).
  glide_number        text CHECK (glide_number ~ '^[A-Z]{2}-[0-9]{4}-[0-9]{6}-([A-Z]{3}|[0-9]{3})$'),
  response_plan_code  text CHECK (response_plan_code ~ '^[A-Z][A-Z0-9]{2,19}$')
);

-- Money a donor organization paid in. The id is the client-visible deposit id, chosen by the
-- application before it posts, so the journal body can name it.
CREATE TABLE deposits (
  id                      uuid PRIMARY KEY,
  escrow_account_id       uuid NOT NULL REFERENCES escrow_accounts(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  principal_id            uuid NOT NULL REFERENCES principals(id),
  amount                  numeric NOT NULL CHECK (amount > 0),
  currency                char(3) NOT NULL,
  -- The donor's own reference (a bank transfer id, say), shown back, never interpreted.
  reference               text,
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
-- Per-donor totals of an escrow account (AccountsRepository.donorTotals).
CREATE INDEX deposits_escrow ON deposits (escrow_account_id, organization_id);

-- A donor organization's unallocated money paid back to it when the account closes.
CREATE TABLE refunds (
  id                      uuid PRIMARY KEY,
  escrow_account_id       uuid NOT NULL REFERENCES escrow_accounts(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  amount                  numeric NOT NULL CHECK (amount > 0),
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_escrow ON refunds (escrow_account_id);

-- Each donor's running totals in an account, what GET /v1/escrow-accounts shows: updated in the
-- same transaction as every deposit, allocation, release, cancellation, expiry and refund, so a
-- read costs one row per donor instead of a sum over every tranche. `allocated` is what the
-- donor's open tranches still hold (their remaining amounts), `released` what was paid out of
-- them. `repaid` is what recipients paid back under recovery claims (oversight). Unallocated is
-- derived: deposited + repaid - allocated - released - refunded, never negative.
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

-- A donor's money earmarked for one recipient, for one category and phase of the work, released
-- in one or more instalments, each once its benchmarks are met and a release request approved;
-- or cancelled, or expired at release_by: then what remains goes back to the donor's unallocated
-- funds. remaining = amount - released_amount - returned_amount, and a tranche is open
-- (allocated or release_pending) exactly while something remains.
CREATE TABLE tranches (
  id                         uuid PRIMARY KEY,
  escrow_account_id          uuid NOT NULL REFERENCES escrow_accounts(id),
  donor_organization_id      uuid NOT NULL REFERENCES organizations(id),
  recipient_organization_id  uuid NOT NULL REFERENCES organizations(id),
  category   text NOT NULL CHECK (category IN ('utilities','shelters','clinics','infrastructure','livelihoods')),
  phase      integer NOT NULL CHECK (phase >= 1),
  amount     numeric NOT NULL CHECK (amount > 0),
  currency   char(3) NOT NULL,
  status     text NOT NULL DEFAULT 'allocated'
             CHECK (status IN ('allocated','release_pending','released','cancelled','expired')),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Paid to the recipient so far (the sum of the approved instalments).
  released_amount    numeric NOT NULL DEFAULT 0 CHECK (released_amount >= 0),
  -- Given back to the donor's unallocated funds by a cancellation or an expiry.
  returned_amount    numeric NOT NULL DEFAULT 0 CHECK (returned_amount >= 0),
  retention_percent  integer NOT NULL DEFAULT 0 CHECK (retention_percent BETWEEN 0 AND 50),
  -- The share held back until a final_audit benchmark is met: retention_percent of amount,
  -- rounded up to the currency's minor unit, fixed when the tranche is made.
  retention_amount   numeric NOT NULL DEFAULT 0 CHECK (retention_amount >= 0),
  -- Past this instant nothing more is released, and the remainder goes back to the donor.
  release_by         timestamptz,
  CONSTRAINT tranches_amounts_within CHECK (released_amount + returned_amount <= amount AND retention_amount <= amount),
  CONSTRAINT tranches_open_while_remaining CHECK ((status IN ('allocated','release_pending')) = (released_amount + returned_amount < amount))
);
-- An escrow account's tranches in the public pages' keyset order (phase, category, id); its
-- prefix serves the phase-order checks.
CREATE INDEX tranches_escrow_page ON tranches (escrow_account_id, phase, category, id);
-- What the deadline sweeper looks for: open tranches with a deadline, soonest first.
CREATE INDEX tranches_release_by ON tranches (release_by) WHERE release_by IS NOT NULL AND status IN ('allocated','release_pending');

-- A condition a tranche's release waits on, met once `required_approvals` monitors approve.
-- humanitarian_access and anti_corruption gate every instalment; final_audit only the retained share.
CREATE TABLE benchmarks (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id          uuid NOT NULL REFERENCES tranches(id),
  kind                text NOT NULL CHECK (kind IN ('humanitarian_access','anti_corruption','final_audit')),
  description         text NOT NULL,
  required_approvals  integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 10),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benchmarks_tranche ON benchmarks (tranche_id);

-- A monitor's decision on a benchmark. Every decision is kept, in order (id); a monitor's later
-- decision replaces its earlier one in the benchmark's status.
CREATE TABLE benchmark_signoffs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_id     uuid NOT NULL REFERENCES benchmarks(id),
  principal_id     uuid NOT NULL REFERENCES principals(id),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  decision         text NOT NULL CHECK (decision IN ('approve','reject')),
  evidence         text,
  comment          text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- SHA-256 (hex) of the evidence files cited (55-evidence.sql; checked to exist when cited).
  evidence_files   text[] NOT NULL DEFAULT '{}'
);
-- Each monitor's latest decision on a benchmark: DISTINCT ON (principal_id) ... ORDER BY
-- principal_id, id DESC (BenchmarksRepository).
CREATE INDEX benchmark_signoffs_benchmark ON benchmark_signoffs (benchmark_id, principal_id, id);

-- Maker and checkers: one admin requests the release of `amount` of a tranche (an instalment),
-- `required_approvals` other admins approve it (from distinct organizations when
-- `distinct_organizations`), both copied from the account's tier when the request is made. The
-- last approval moves the money (journal_transaction_id); a rejection moves none. A request
-- rejected by the deadline sweeper has no decided_by.
CREATE TABLE release_requests (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id              uuid NOT NULL REFERENCES tranches(id),
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  requested_by            uuid NOT NULL REFERENCES principals(id),
  decided_by              uuid REFERENCES principals(id),
  reason                  text,
  journal_transaction_id  uuid,
  created_at              timestamptz NOT NULL DEFAULT now(),
  decided_at              timestamptz,
  amount                  numeric NOT NULL CHECK (amount > 0),
  required_approvals      integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 5),
  distinct_organizations  boolean NOT NULL
);
-- At most one open request per tranche: two concurrent requests cannot both be pending.
CREATE UNIQUE INDEX release_requests_one_pending ON release_requests (tranche_id) WHERE status = 'pending';
-- A tranche's instalments; and the approval queue, oldest first.
CREATE INDEX release_requests_tranche ON release_requests (tranche_id, created_at);
CREATE INDEX release_requests_pending ON release_requests (created_at, id) WHERE status = 'pending';

-- One admin's approval of a release request, each its own journal transaction. An admin
-- approves a request once (the unique constraint backs 409 ALREADY_APPROVED); whether an
-- approval still counts (its admin still active) is judged when the next one comes.
-- Append-only: an approval is never edited.
CREATE TABLE release_approvals (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_request_id      uuid NOT NULL REFERENCES release_requests(id),
  principal_id            uuid NOT NULL REFERENCES principals(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT release_approvals_once UNIQUE (release_request_id, principal_id)
);

-- Four eyes on the approval policy itself: one admin proposes an account's new tiers, another
-- approves them (status approved, and escrow_accounts.approval_tiers takes them) or any admin
-- rejects them.
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
ALTER TABLE escrow_accounts ADD CONSTRAINT escrow_accounts_approval_policy_change
  FOREIGN KEY (approval_policy_change_id) REFERENCES approval_policy_changes(id);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON release_approvals FROM aid_escrow_app;
  END IF;
END $$;

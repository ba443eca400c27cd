-- The escrow workflow: accounts that hold donors' money, and what moves it (deposits,
-- tranches released on benchmarks signed off by monitors, four-eyes release requests, refunds).
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

-- A donor's money earmarked for one recipient, for one category and phase of the work, released
-- once its benchmarks are met and a release request approved; or cancelled, back to the donor's
-- unallocated funds.
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
             CHECK (status IN ('allocated','release_pending','released','cancelled')),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- An escrow account's tranches, in phase order.
CREATE INDEX tranches_escrow ON tranches (escrow_account_id, phase);

-- A condition a tranche's release waits on, met once `required_approvals` monitors approve.
CREATE TABLE benchmarks (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id          uuid NOT NULL REFERENCES tranches(id),
  kind                text NOT NULL CHECK (kind IN ('humanitarian_access','anti_corruption')),
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

-- Four eyes: one admin requests a tranche's release, another decides. An approval moves the
-- money (journal_transaction_id); a rejection moves none.
CREATE TABLE release_requests (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id              uuid NOT NULL REFERENCES tranches(id),
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  requested_by            uuid NOT NULL REFERENCES principals(id),
  decided_by              uuid REFERENCES principals(id),
  reason                  text,
  journal_transaction_id  uuid,
  created_at              timestamptz NOT NULL DEFAULT now(),
  decided_at              timestamptz
);
-- At most one open request per tranche: two concurrent requests cannot both be pending.
CREATE UNIQUE INDEX release_requests_one_pending ON release_requests (tranche_id) WHERE status = 'pending';

-- Oversight (API.md, "Oversight" and "Evidence files"): evidence files cited by hash from
-- sign-offs; escrow's release holds, sign-off snap-back marks and repayments; reports, violation
-- cases, recovery claims and inspections. See schema/30-escrow.sql, 35-escrow-holds.sql,
-- 55-evidence.sql, 60-oversight.sql.

ALTER TABLE benchmark_signoffs ADD COLUMN evidence_files text[] NOT NULL DEFAULT '{}';

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

CREATE TABLE evidence_files (
  sha256       bytea PRIMARY KEY CHECK (length(sha256) = 32),
  size         bigint NOT NULL CHECK (size > 0),
  -- Decided from the bytes (src/evidence/media-type.ts), never from the uploader's word.
  media_type   text NOT NULL CHECK (media_type IN ('application/pdf','image/png','image/jpeg','image/webp','text/plain','text/csv')),
  -- The first uploader's file name, cleaned; what a download suggests.
  filename     text,
  content      bytea NOT NULL,
  uploaded_by  uuid NOT NULL REFERENCES principals(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT evidence_files_size CHECK (size = length(content))
);
-- Photos and PDFs are compressed already: stored out of line as they are, not compressed again.
ALTER TABLE evidence_files ALTER COLUMN content SET STORAGE EXTERNAL;
-- Bytes never change under their hash: the service may add files, never alter one.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON evidence_files FROM aid_escrow_app;
  END IF;
END $$;

CREATE TABLE reports (
  id            uuid PRIMARY KEY,
  receipt_hash  bytea NOT NULL UNIQUE CHECK (length(receipt_hash) = 32),
  status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received','under_review','case_opened','closed')),
  ciphertext    bytea NOT NULL,
  iv            bytea NOT NULL CHECK (length(iv) = 12),
  auth_tag      bytea NOT NULL CHECK (length(auth_tag) = 16),
  -- Which key encrypted it (the first 8 bytes of the key's SHA-256, hex): a wrong key is named, not guessed at.
  key_id        text NOT NULL,
  content_hash  bytea NOT NULL CHECK (length(content_hash) = 32),
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_received ON reports (received_at, id);

-- The conversation between a reporter (by receipt) and the monitors, encrypted like the report.
CREATE TABLE report_messages (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id     uuid NOT NULL REFERENCES reports(id),
  sender        text NOT NULL CHECK (sender IN ('reporter','monitor')),
  -- The monitor who wrote it; never set for the reporter.
  principal_id  uuid REFERENCES principals(id),
  ciphertext    bytea NOT NULL,
  iv            bytea NOT NULL CHECK (length(iv) = 12),
  auth_tag      bytea NOT NULL CHECK (length(auth_tag) = 16),
  key_id        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT report_messages_sender CHECK ((sender = 'monitor') = (principal_id IS NOT NULL))
);
CREATE INDEX report_messages_report ON report_messages (report_id, id);

-- An alleged violation in a scope: one escrow account, one recipient (across every account), one
-- tranche, or a country (every account there). Its status moves by the findings of monitors of
-- `required_verifications` distinct organizations (CASE_QUORUM when it was opened).
CREATE TABLE violation_cases (
  id                         uuid PRIMARY KEY,
  scope                      text NOT NULL CHECK (scope IN ('escrow_account','recipient','tranche','country')),
  escrow_account_id          uuid REFERENCES escrow_accounts(id),
  recipient_organization_id  uuid REFERENCES organizations(id),
  tranche_id                 uuid REFERENCES tranches(id),
  country                    char(2),
  allegation                 text NOT NULL,
  evidence_files             text[] NOT NULL DEFAULT '{}',
  status                     text NOT NULL DEFAULT 'alleged' CHECK (status IN ('alleged','verified','dismissed','resolved')),
  required_verifications     integer NOT NULL CHECK (required_verifications >= 1),
  opened_by                  uuid NOT NULL REFERENCES principals(id),
  -- Opened by a `violation` finding of this inspection, if so.
  inspection_id              uuid,
  opened_at                  timestamptz NOT NULL DEFAULT now(),
  -- Findings with an id above this one are the lift round (case_findings.id at verification).
  verified_through_finding   bigint,
  verified_at                timestamptz,
  decided_at                 timestamptz,
  CONSTRAINT violation_cases_target CHECK (
    (scope = 'escrow_account') = (escrow_account_id IS NOT NULL) AND
    (scope = 'recipient') = (recipient_organization_id IS NOT NULL) AND
    (scope = 'tranche') = (tranche_id IS NOT NULL) AND
    (scope = 'country') = (country IS NOT NULL))
);
CREATE INDEX violation_cases_status ON violation_cases (status);

-- Reports a case was opened on.
CREATE TABLE case_reports (
  case_id    uuid NOT NULL REFERENCES violation_cases(id),
  report_id  uuid NOT NULL REFERENCES reports(id),
  PRIMARY KEY (case_id, report_id)
);

-- A monitor's finding on a case: verify or dismiss while alleged, lift while verified. Every
-- finding is kept, in order; a monitor's latest counts.
CREATE TABLE case_findings (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES violation_cases(id),
  principal_id     uuid NOT NULL REFERENCES principals(id),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  decision         text NOT NULL CHECK (decision IN ('verify','dismiss','lift')),
  comment          text,
  evidence_files   text[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_findings_case ON case_findings (case_id, id);

-- A claim on a recipient for money released under a tranche in a verified case's scope. The
-- claims on one tranche, over every case, never exceed what it released.
CREATE TABLE case_recoveries (
  id                      uuid PRIMARY KEY,
  case_id                 uuid NOT NULL REFERENCES violation_cases(id),
  tranche_id              uuid NOT NULL REFERENCES tranches(id),
  amount                  numeric NOT NULL CHECK (amount > 0),
  currency                char(3) NOT NULL,
  claimed_by              uuid NOT NULL REFERENCES principals(id),
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_recoveries_tranche ON case_recoveries (tranche_id);
CREATE INDEX case_recoveries_case ON case_recoveries (case_id, tranche_id);

-- A random draw of inspections: the candidates (tranches with money allocated and not yet
-- released, weighted by that amount) and the seed, committed in the journal at the draw
-- (SHA-256 of the seed) and revealed with each inspection's finding.
CREATE TABLE inspection_draws (
  id          uuid PRIMARY KEY,
  seed        bytea NOT NULL CHECK (length(seed) = 32),
  drawn_by    uuid NOT NULL REFERENCES principals(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A snap inspection of a scope by one monitor. `nonce` makes the journal's commitment
-- (inspection_scheduled) hide the target until the finding reveals it; an unannounced
-- inspection is visible only to admins and the assigned monitor until then.
CREATE TABLE inspections (
  id                         uuid PRIMARY KEY,
  scope                      text NOT NULL CHECK (scope IN ('escrow_account','recipient','tranche','country')),
  escrow_account_id          uuid REFERENCES escrow_accounts(id),
  recipient_organization_id  uuid REFERENCES organizations(id),
  tranche_id                 uuid REFERENCES tranches(id),
  country                    char(2),
  assigned_monitor_id        uuid NOT NULL REFERENCES principals(id),
  due_by                     timestamptz NOT NULL,
  announced                  boolean NOT NULL,
  nonce                      text NOT NULL CHECK (nonce ~ '^[0-9a-f]{32,}$'),
  commitment                 text NOT NULL CHECK (commitment ~ '^[0-9a-f]{64}$'),
  draw_id                    uuid REFERENCES inspection_draws(id),
  draw_index                 integer CHECK (draw_index >= 0),
  scheduled_by               uuid NOT NULL REFERENCES principals(id),
  scheduled_at               timestamptz NOT NULL DEFAULT now(),
  outcome                    text CHECK (outcome IN ('satisfactory','concerns','violation')),
  comment                    text,
  evidence_files             text[] NOT NULL DEFAULT '{}',
  case_id                    uuid REFERENCES violation_cases(id),
  completed_at               timestamptz,
  CONSTRAINT inspections_target CHECK (
    (scope = 'escrow_account') = (escrow_account_id IS NOT NULL) AND
    (scope = 'recipient') = (recipient_organization_id IS NOT NULL) AND
    (scope = 'tranche') = (tranche_id IS NOT NULL) AND
    (scope = 'country') = (country IS NOT NULL)),
  CONSTRAINT inspections_draw CHECK ((draw_id IS NULL) = (draw_index IS NULL)),
  CONSTRAINT inspections_completed CHECK ((outcome IS NULL) = (completed_at IS NULL))
);
CREATE INDEX inspections_monitor ON inspections (assigned_monitor_id);

-- Interoperability (API.md, "IATI", "Webhooks"): organizations' IATI identity and escrow
-- accounts' humanitarian scope, for the IATI export; webhook endpoints and their delivery log.
-- See schema/10-identity.sql, schema/30-escrow.sql, schema/80-webhooks.sql.

ALTER TABLE organizations
  ADD COLUMN iati_ref    text CHECK (iati_ref ~ '^[A-Z]{2}(_[A-Z]{2})?-[A-Z0-9_]+-[^[:space:]/&|?]+$' AND length(iati_ref) <= 200),
  ADD COLUMN iati_type   text CHECK (iati_type ~ '^[0-9]{2}$');

ALTER TABLE escrow_accounts
  ADD COLUMN glide_number        text CHECK (glide_number ~ '^[A-Z]{2}-[0-9]{4}-[0-9]{6}-([A-Z]{3}|[0-9]{3})$'),
  ADD COLUMN response_plan_code  text CHECK (response_plan_code ~ '^[A-Z][A-Z0-9]{2,19}$');

-- One receiver: where to POST, which journal kinds it takes, its signing secret(s) and where it
-- stands in the chain. Made by an admin (journaled as webhook_endpoint_created).
CREATE TABLE webhook_endpoints (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  url                         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  -- Journal kinds, or {*} for every kind.
  events                      text[] NOT NULL CHECK (cardinality(events) >= 1),
  -- The HMAC-SHA256 key (shown once as whsec_<base64>). The service must hold the key itself
  -- to sign; it is never shown again and never leaves the database but in signatures.
  secret                      bytea NOT NULL CHECK (length(secret) BETWEEN 24 AND 64),
  -- After a rotation, the previous key also signs until it expires (zero-downtime rotation).
  previous_secret             bytea CHECK (length(previous_secret) BETWEEN 24 AND 64),
  previous_secret_expires_at  timestamptz,
  status                      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  -- Why it was disabled: by an admin, a 410 Gone, or every retry of one event failed.
  disabled_reason             text,
  -- Every chain index up to this one is done for this endpoint: delivered, or of a kind it does
  -- not take. -1: nothing yet. Set to the chain's end when the endpoint is made (it hears of
  -- what comes after), and only ever moves forward.
  delivered_through           bigint NOT NULL CHECK (delivered_through >= -1),
  -- The next event's failed attempts so far, and when to try it (or the next one) again.
  failed_attempts             integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  next_attempt_at             timestamptz NOT NULL DEFAULT now(),
  -- A dispatcher's claim on the endpoint: one delivery at a time per endpoint, in order. A
  -- dispatcher that dies (kill -9) leaves its claim, which runs out at lease_until.
  lease_token                 uuid,
  lease_until                 timestamptz,
  created_by                  uuid NOT NULL REFERENCES principals(id),
  created_at                  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_endpoints_previous_secret CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL)),
  CONSTRAINT webhook_endpoints_disabled_reason CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL))
);
-- The dispatcher's scan for endpoints due.
CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at) WHERE status = 'active';

-- Every delivery attempt, appended once its outcome is known (append-only: a log, not state).
CREATE TABLE webhook_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints(id),
  chain_index      bigint NOT NULL,
  -- The journal transaction delivered: the webhook-id header, the same for every attempt.
  message_id       uuid NOT NULL,
  event_type       text NOT NULL,
  attempt          integer NOT NULL CHECK (attempt >= 1),
  attempted_at     timestamptz NOT NULL,
  duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
  -- delivered: a 2xx; failed: any other answer, a timeout, a network error; refused: the target
  -- resolved to an address webhooks may not reach (SSRF protection), nothing was sent.
  outcome          text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'refused')),
  status_code      integer,
  error            text,
  -- When this event is tried again (null: delivered, or given up on with the endpoint disabled).
  next_attempt_at  timestamptz
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON webhook_deliveries FROM aid_escrow_app;
  END IF;
END $$;

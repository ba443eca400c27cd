-- Interoperability (API.md, "IATI", "Webhooks"): organizations' IATI identity and escrow
-- accounts' humanitarian scope, for the IATI export; webhook endpoints and their delivery log.
-- See schema/10-identity.sql, schema/30-escrow.sql, schema/80-webhooks.sql.

ALTER TABLE organizations
  ADD COLUMN iati_ref    text CHECK (iati_ref ~ '^[A-Z]{2}(_[A-Z]{2})?-[A-Z0-9_]+-[^[:space:]/&|?]+$' AND length(iati_ref) <= 200),
  ADD COLUMN iati_type   text CHECK (iati_type ~ '^[0-9]{2}$');

ALTER TABLE escrow_accounts
  ADD COLUMN glide_number        text CHECK (glide_number ~ '^[A-Z]{2}-[0-9]{4}-[0-9]{6}-([A-Z]{3}|[0-9]{3})$'),
  ADD COLUMN response_plan_code  text CHECK (response_plan_code ~ '^[A-Z][A-Z0-9]{2,19}$');

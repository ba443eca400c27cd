-- Public tranche pages (API.md, "Resources": GET /v1/public/escrow-accounts/:id/tranches) walk an
-- account's tranches by keyset in (phase, category, id) order. The wider index replaces
-- tranches_escrow (escrow_account_id, phase), whose every use its prefix still serves.

DROP INDEX tranches_escrow;
CREATE INDEX tranches_escrow_page ON tranches (escrow_account_id, phase, category, id);

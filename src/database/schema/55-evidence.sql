-- Evidence files (audit reports, site photos, signed minutes): stored in the database so that
-- instances stay stateless, addressed by the SHA-256 of their bytes, one row per distinct file.
-- Sign-offs, case findings, cases and inspections cite them by that hash, and the journal
-- records the hashes: a file can be proven to be the one that was cited.

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

-- Verifiable with standard tools (API.md): checkpoints as C2SP signed notes with the witnesses'
-- cosignatures (schema/40-attestation.sql), and principals' keys for signed statements
-- (schema/10-identity.sql). Checkpoints signed before this step get their note from the
-- checkpoint producer's next run.

CREATE TABLE principal_signing_keys (
  principal_id  uuid PRIMARY KEY REFERENCES principals (id),
  key_id        text NOT NULL CHECK (key_id ~ '^[0-9a-f]{64}$'),
  public_key    bytea NOT NULL CHECK (length(public_key) = 32),
  registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT principal_signing_keys_public_key_key UNIQUE (public_key)
);

CREATE TABLE checkpoint_notes (
  tree_size   bigint PRIMARY KEY REFERENCES checkpoints (tree_size),
  origin      text NOT NULL CHECK (length(origin) BETWEEN 1 AND 255),
  note        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE checkpoint_cosignatures (
  tree_size     bigint NOT NULL REFERENCES checkpoint_notes (tree_size),
  witness_vkey  text NOT NULL,
  signature     bytea NOT NULL CHECK (length(signature) = 72),
  cosigned_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT checkpoint_cosignatures_pkey PRIMARY KEY (tree_size, witness_vkey)
);
CREATE INDEX checkpoint_cosignatures_by_witness ON checkpoint_cosignatures (witness_vkey, tree_size);

CREATE TRIGGER checkpoint_notes_no_update_delete BEFORE UPDATE OR DELETE ON checkpoint_notes
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_notes_no_truncate BEFORE TRUNCATE ON checkpoint_notes
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_cosignatures_no_update_delete BEFORE UPDATE OR DELETE ON checkpoint_cosignatures
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_cosignatures_no_truncate BEFORE TRUNCATE ON checkpoint_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON principal_signing_keys, checkpoint_notes, checkpoint_cosignatures FROM aid_escrow_app;
  END IF;
END $$;

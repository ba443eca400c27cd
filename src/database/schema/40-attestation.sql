-- Attestation: the RFC 9162 Merkle tree over the sealed chain (journal_chain, 20-ledger.sql), the
-- signed checkpoints (tree heads) that outsiders hold and check the ledger against, the same
-- checkpoints as C2SP signed notes, and the cosignatures of the witnesses.
--
-- Both are append-only like the journal: a node or a signed head, once written, is a fact
-- outsiders may already hold.

-- Hash of the perfect subtree over leaves [idx·2^level, (idx+1)·2^level) of the chain.
-- Only levels from 4 up are stored (one row per 16 leaves, about n/8 rows in all); the lower
-- levels are recomputed from at most 16 chain rows. Derived from the chain: a cache that may
-- grow, never change.
CREATE TABLE merkle_nodes (
  level  smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx    bigint NOT NULL CHECK (idx >= 0),
  hash   bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- A signed tree head: {treeSize, rootHash, timestamp} as RFC 8785 JSON, signed with Ed25519.
-- One per tree size: a size is signed once, and its root can never change.
CREATE TABLE checkpoints (
  tree_size   bigint PRIMARY KEY CHECK (tree_size > 0),
  root_hash   bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at   timestamptz NOT NULL,
  signature   bytea NOT NULL CHECK (length(signature) = 64),
  -- The key that signed it, kept with each head so that a head can be checked on its own.
  public_key  bytea NOT NULL CHECK (length(public_key) = 32),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): the origin (LOG_ORIGIN), the
-- tree size, the base64 root hash, a blank line and the log's Ed25519 signature line under the
-- key name = origin. Signed by the producer with its checkpoint, in the same transaction; for a
-- checkpoint signed before notes existed, by the producer afterwards. What GET /checkpoint
-- serves, with the witnesses' cosignature lines appended.
CREATE TABLE checkpoint_notes (
  tree_size   bigint PRIMARY KEY REFERENCES checkpoints (tree_size),
  origin      text NOT NULL CHECK (length(origin) BETWEEN 1 AND 255),
  note        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A witness's cosignature (c2sp.org/tlog-cosignature, cosignature/v1: 8-byte timestamp and an
-- Ed25519 signature) of a checkpoint note, verified with the witness's vkey before it is stored.
-- One per witness and size (a repeat is ignored). Per witness, the largest size is the one it
-- cosigned last: the next submission's consistency proof starts there.
CREATE TABLE checkpoint_cosignatures (
  tree_size     bigint NOT NULL REFERENCES checkpoint_notes (tree_size),
  witness_vkey  text NOT NULL,
  signature     bytea NOT NULL CHECK (length(signature) = 72),
  -- The time the witness put in its cosignature (the signed timestamp).
  cosigned_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT checkpoint_cosignatures_pkey PRIMARY KEY (tree_size, witness_vkey)
);
CREATE INDEX checkpoint_cosignatures_by_witness ON checkpoint_cosignatures (witness_vkey, tree_size);

-- Append-only, by trigger (as journal_append_only, in words that do not say "journal").
CREATE FUNCTION transparency_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'LG100';
END $$;

CREATE TRIGGER merkle_nodes_no_update_delete BEFORE UPDATE OR DELETE ON merkle_nodes
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_notes_no_update_delete BEFORE UPDATE OR DELETE ON checkpoint_notes
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_notes_no_truncate BEFORE TRUNCATE ON checkpoint_notes
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_cosignatures_no_update_delete BEFORE UPDATE OR DELETE ON checkpoint_cosignatures
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoint_cosignatures_no_truncate BEFORE TRUNCATE ON checkpoint_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();

-- Append-only, by privilege: the app role reads and appends, never updates (00-roles.sql).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON merkle_nodes, checkpoints, checkpoint_notes, checkpoint_cosignatures FROM aid_escrow_app;
  END IF;
END $$;

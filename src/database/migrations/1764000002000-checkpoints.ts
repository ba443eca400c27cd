import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1764000001000-ledger-app-role';

const APPEND_ONLY_TABLES = ['merkle_nodes', 'checkpoints'];

/**
 * Transparency: the stored nodes of the RFC 9162 Merkle tree over the sealed chain, and the
 * signed checkpoints (tree heads). Both are append-only like the journal: a node or a signed
 * head, once written, is a fact outsiders may already hold.
 */
export class Checkpoints1764000002000 implements MigrationInterface {
  name = 'Checkpoints1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Hash of the perfect subtree over leaves [idx·2^level, (idx+1)·2^level) of the chain.
      -- Only levels from 4 up are stored (one row per 16 leaves, about n/8 rows in all); the
      -- lower levels are recomputed from at most 16 chain rows.
      CREATE TABLE merkle_nodes (
        level  smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx    bigint NOT NULL CHECK (idx >= 0),
        hash   bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      );

      -- A signed tree head: {treeSize, rootHash, timestamp} as RFC 8785 JSON, signed with Ed25519.
      CREATE TABLE checkpoints (
        tree_size   bigint PRIMARY KEY CHECK (tree_size > 0),
        root_hash   bytea NOT NULL CHECK (length(root_hash) = 32),
        signed_at   timestamptz NOT NULL,
        signature   bytea NOT NULL CHECK (length(signature) = 64),
        public_key  bytea NOT NULL CHECK (length(public_key) = 32),
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      );

      CREATE FUNCTION transparency_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'LG100';
      END $$;
    `);
    for (const table of APPEND_ONLY_TABLES) {
      await q.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
      `);
    }
    // The app role gets SELECT/INSERT/UPDATE on new tables by default privileges: take UPDATE back.
    const [{ exists }] = await q.query(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists`, [APP_ROLE]);
    if (exists) await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY_TABLES.join(', ')} FROM "${APP_ROLE}"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkpoints, merkle_nodes; DROP FUNCTION transparency_append_only;`);
  }
}

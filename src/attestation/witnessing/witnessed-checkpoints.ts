import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../../database/database';
import { cosignatureTimestamp } from '../../tlog/c2sp/cosignature';
import { formatNote, NoteSignature, parseNote } from '../../tlog/c2sp/signed-note';
import { LogIdentity } from './log-identity';

/** A checkpoint as a C2SP signed note, with the cosignatures of the configured witnesses. */
export interface CheckpointNote {
  treeSize: number;
  /** The note: checkpoint text, the log's signature line, then the witnesses' cosignature lines. */
  note: string;
  /** The vkeys of the witnesses whose cosignatures it carries, in configuration order. */
  cosignedBy: string[];
}

/** How the latest checkpoint stands with the witnesses, for the public dashboard. */
export interface WitnessStatus {
  /** How many witnesses the log submits its checkpoints to (WITNESSES). */
  configured: number;
  /** How many must cosign a checkpoint before GET /checkpoint serves it (WITNESS_QUORUM). */
  quorum: number;
  /** The latest checkpoint's tree size (null before the first). */
  treeSize: number | null;
  /** How many of the configured witnesses cosigned it. */
  cosigned: number;
  /** The tree size GET /checkpoint serves: the latest checkpoint that has the quorum (null: none yet). */
  witnessedTreeSize: number | null;
}

/**
 * The checkpoint notes and the witnesses' cosignatures (tables checkpoint_notes and
 * checkpoint_cosignatures): what GET /checkpoint serves, what the submitter records, and what
 * the dashboard shows. Only cosignatures of the witnesses configured now count and are served.
 */
@Injectable()
export class WitnessedCheckpoints {
  constructor(
    private readonly database: Database,
    private readonly identity: LogIdentity,
  ) {}

  /**
   * The latest checkpoint cosigned by at least WITNESS_QUORUM of the configured witnesses (with
   * no quorum: the latest checkpoint), as a signed note with their cosignatures. A checkpoint
   * short of the quorum is not served: a verifier holding the log's policy would refuse it.
   */
  async served(db: EntityManager = this.database.reader): Promise<CheckpointNote | undefined> {
    const size = await this.witnessedSize(db);
    return size === undefined ? undefined : this.noteAt(db, size);
  }

  /** The note of the checkpoint of `treeSize` with the configured witnesses' cosignatures. */
  async noteAt(db: EntityManager, treeSize: number): Promise<CheckpointNote | undefined> {
    const [row] = await db.query(`SELECT note FROM checkpoint_notes WHERE tree_size = $1`, [treeSize]);
    if (!row) return undefined;
    const stored: { witness_vkey: string; signature: Buffer }[] = await db.query(
      `SELECT witness_vkey, signature FROM checkpoint_cosignatures WHERE tree_size = $1 AND witness_vkey = ANY ($2)`,
      [treeSize, this.identity.witnessVkeys()],
    );
    const byVkey = new Map(stored.map((s) => [s.witness_vkey, s.signature]));
    const cosigners = this.identity.witnesses.filter((w) => byVkey.has(w.vkey));
    const cosignatures: NoteSignature[] = cosigners.map((w) => ({ name: w.verifier.name, keyId: w.verifier.keyId, signature: byVkey.get(w.vkey)! }));
    const note = parseNote(row.note as string);
    return { treeSize, note: formatNote({ text: note.text, signatures: [...note.signatures, ...cosignatures] }), cosignedBy: cosigners.map((w) => w.vkey) };
  }

  /** The latest checkpoint note, as signed by the log (without cosignatures). */
  async latestNote(db: EntityManager = this.database.reader): Promise<{ treeSize: number; note: string } | undefined> {
    const [row] = await db.query(`SELECT tree_size::text AS size, note FROM checkpoint_notes ORDER BY tree_size DESC LIMIT 1`);
    return row ? { treeSize: Number(row.size), note: row.note } : undefined;
  }

  /** Per configured witness (by vkey), the largest tree size it cosigned here (absent: none). */
  async lastCosignedSizes(db: EntityManager = this.database.reader): Promise<Map<string, number>> {
    const rows: { vkey: string; size: string | null }[] = await db.query(
      `SELECT v AS vkey, (SELECT max(s.tree_size) FROM checkpoint_cosignatures s WHERE s.witness_vkey = v)::text AS size
         FROM unnest($1::text[]) AS v`,
      [this.identity.witnessVkeys()],
    );
    return new Map(rows.filter((r) => r.size !== null).map((r) => [r.vkey, Number(r.size)]));
  }

  /** Records a cosignature verified with the witness's vkey (a repeat for one size is ignored). */
  async record(db: EntityManager, treeSize: number, witnessVkey: string, cosignature: NoteSignature): Promise<void> {
    const timestamp = cosignatureTimestamp(cosignature);
    if (timestamp === undefined) throw new Error('a cosignature/v1 signature carries a timestamp');
    await db.query(
      `INSERT INTO checkpoint_cosignatures (tree_size, witness_vkey, signature, cosigned_at) VALUES ($1, $2, $3, to_timestamp($4))
       ON CONFLICT (tree_size, witness_vkey) DO NOTHING`,
      [treeSize, witnessVkey, cosignature.signature, timestamp],
    );
  }

  async status(db: EntityManager = this.database.reader): Promise<WitnessStatus> {
    const [row] = await db.query(
      `SELECT (SELECT max(tree_size) FROM checkpoints)::text AS size,
              (SELECT count(*) FROM checkpoint_cosignatures s
                WHERE s.tree_size = (SELECT max(tree_size) FROM checkpoints) AND s.witness_vkey = ANY ($1))::int AS cosigned`,
      [this.identity.witnessVkeys()],
    );
    const witnessed = await this.witnessedSize(db);
    return {
      configured: this.identity.witnesses.length,
      quorum: this.identity.quorum,
      treeSize: row.size === null ? null : Number(row.size),
      cosigned: row.cosigned,
      witnessedTreeSize: witnessed ?? null,
    };
  }

  /**
   * How many cosignatures the latest checkpoint has: with the tree size, what tells two states
   * of the witnessing apart (a cached public document keys on it).
   */
  async latestCosignatureCount(db: EntityManager = this.database.reader): Promise<number> {
    const [row] = await db.query(
      `SELECT count(*)::int AS n FROM checkpoint_cosignatures WHERE tree_size = (SELECT max(tree_size) FROM checkpoint_notes)`,
    );
    return row.n;
  }

  /**
   * The largest size with a note and the quorum of cosignatures. Each witness cosigns growing
   * sizes, so no size above the quorum-th largest of the witnesses' latest sizes can have the
   * quorum: the walk down the (tree_size, witness) key starts there, and normally stops at once.
   */
  private async witnessedSize(db: EntityManager): Promise<number | undefined> {
    const quorum = this.identity.quorum;
    if (quorum === 0) {
      const [row] = await db.query(`SELECT max(tree_size)::text AS size FROM checkpoint_notes`);
      return row.size === null ? undefined : Number(row.size);
    }
    const [row] = await db.query(
      `WITH latest AS (
         SELECT (SELECT max(s.tree_size) FROM checkpoint_cosignatures s WHERE s.witness_vkey = v) AS size FROM unnest($1::text[]) AS v
       ), bound AS (
         SELECT size FROM latest WHERE size IS NOT NULL ORDER BY size DESC OFFSET $2::int - 1 LIMIT 1
       )
       SELECT s.tree_size::text AS size FROM checkpoint_cosignatures s, bound
        WHERE s.tree_size <= bound.size AND s.witness_vkey = ANY ($1)
        GROUP BY s.tree_size HAVING count(*) >= $2::int
        ORDER BY s.tree_size DESC LIMIT 1`,
      [this.identity.witnessVkeys(), quorum],
    );
    return row ? Number(row.size) : undefined;
  }
}

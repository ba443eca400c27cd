import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { tryLockedTransaction } from '../../database/advisory-lock';
import { Database } from '../../database/database';
import { signCheckpoint } from '../../tlog/c2sp/checkpoint';
import { MerkleTreeService, TREE_LOCK } from '../merkle/merkle-tree.service';
import { LogIdentity } from '../witnessing/log-identity';
import { WitnessedCheckpoints, WitnessStatus } from '../witnessing/witnessed-checkpoints';
import { SignedTreeHead, treeHeadMessage } from './signed-tree-head';
import { SigningKeyService } from './signing-key.service';

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  signature: Buffer;
}

// Qualified: an unqualified ORDER BY tree_size would sort by the text alias ("700" > "2011").
const COLUMNS = 'c.tree_size::text AS tree_size, c.root_hash, c.signed_at, c.signature';

/** How often the background producer looks at the chain (at most; less when T is shorter). */
const MAX_TICK_MS = 1000;

/**
 * Signed checkpoints over the sealed chain: every CHECKPOINT_EVERY_TRANSACTIONS sealed
 * transactions, or CHECKPOINT_INTERVAL_MS after the last checkpoint if anything was sealed
 * since. Only growth is signed: a checkpoint's timestamp says when the tree last grew.
 *
 * Each checkpoint is signed twice, in one transaction: as the JSON tree head of the original
 * API, and as a C2SP checkpoint note (origin LOG_ORIGIN) that witnesses cosign and Go's note
 * package verifies (table checkpoint_notes).
 *
 * Any number of instances may run the producer; the advisory lock TREE_LOCK (taken with
 * try-lock, so nobody waits) lets one sign at a time, and the table's primary key on tree_size
 * would refuse a second head for one size. Instances that do not seal (SEALER_INTERVAL_MS=0)
 * do not sign either.
 */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckpointService.name);
  private readonly producesInBackground: boolean;
  private readonly background: PeriodicTask;
  /** Once the latest checkpoint has its note, every later one is signed with its own. */
  private latestHasNote = false;

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly tree: MerkleTreeService,
    private readonly key: SigningKeyService,
    private readonly identity: LogIdentity,
    private readonly witnessed: WitnessedCheckpoints,
  ) {
    this.producesInBackground = config.CHECKPOINT_INTERVAL_MS > 0 && config.SEALER_INTERVAL_MS > 0;
    this.background = new PeriodicTask({
      name: 'checkpoint production',
      everyMs: this.producesInBackground ? Math.min(MAX_TICK_MS, config.CHECKPOINT_INTERVAL_MS) : 0,
      logger: this.logger,
      run: () => this.produce(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.producesInBackground) return;
    this.identity.vkey(); // load or create the key now: a bad key stops the start-up
    this.background.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.background.stop();
  }

  /**
   * Signs a checkpoint of the whole sealed chain when one is due (`force`: whenever the chain
   * grew). Returns it, or undefined when none was due or another instance holds the lock.
   */
  async produce(options: { force?: boolean } = {}): Promise<SignedTreeHead | undefined> {
    // Bring the stored tree up to date first, a chunk per transaction, so the signing
    // transaction below stays short even after a long pause.
    const { sealed } = await this.tree.sizes();
    if (!(await this.tree.ensureCovers(sealed, 0))) return undefined; // another instance is at it

    return tryLockedTransaction(this.database, TREE_LOCK, async (db) => {
      const { sealed: size } = await this.tree.sizes(db);
      const [latest] = await db.query(
        `SELECT c.tree_size::text AS tree_size,
                (extract(epoch FROM clock_timestamp() - c.signed_at) * 1000)::bigint::text AS age_ms
           FROM checkpoints c ORDER BY c.tree_size DESC LIMIT 1`,
      );
      const previousSize = latest ? Number(latest.tree_size) : 0;
      // A checkpoint signed before notes existed (an upgraded database) gets its note now.
      if (latest && !this.latestHasNote) await this.ensureNote(db, previousSize);
      if (size <= previousSize) return undefined;
      const due =
        options.force ||
        !latest ||
        size - previousSize >= this.config.CHECKPOINT_EVERY_TRANSACTIONS ||
        (this.config.CHECKPOINT_INTERVAL_MS > 0 && Number(latest.age_ms) >= this.config.CHECKPOINT_INTERVAL_MS);
      if (!due) return undefined;
      return this.sign(db, size);
    });
  }

  private async sign(db: EntityManager, treeSize: number): Promise<SignedTreeHead> {
    await this.tree.extendWithin(db, treeSize);
    const root = await this.tree.root(db, treeSize);
    const [{ now }] = await db.query(`SELECT date_trunc('milliseconds', clock_timestamp()) AS now`);
    const head = { treeSize, rootHash: root.toString('hex'), timestamp: (now as Date).toISOString() };
    const signature = this.key.sign(treeHeadMessage(head));
    await db.query(
      `INSERT INTO checkpoints (tree_size, root_hash, signed_at, signature, public_key) VALUES ($1, $2, $3, $4, $5)`,
      [treeSize, root, head.timestamp, signature, this.key.publicKeyRaw()],
    );
    await this.insertNote(db, treeSize, root);
    this.logger.log(`signed checkpoint of tree size ${treeSize}`);
    return { ...head, signature: signature.toString('base64') };
  }

  private async ensureNote(db: EntityManager, treeSize: number): Promise<void> {
    const [row] = await db.query(
      `SELECT c.root_hash, n.tree_size IS NOT NULL AS noted FROM checkpoints c LEFT JOIN checkpoint_notes n USING (tree_size) WHERE c.tree_size = $1`,
      [treeSize],
    );
    if (row && !row.noted) await this.insertNote(db, treeSize, row.root_hash);
    this.database.afterCommit(() => (this.latestHasNote = true));
  }

  /** The checkpoint as a C2SP note signed by the log (Ed25519 is deterministic: one note per tree). */
  private async insertNote(db: EntityManager, treeSize: number, root: Buffer): Promise<void> {
    const note = signCheckpoint({ origin: this.identity.origin, size: treeSize, rootHash: root, extensions: [] }, this.identity.noteSigner());
    await db.query(`INSERT INTO checkpoint_notes (tree_size, origin, note) VALUES ($1, $2, $3)`, [treeSize, this.identity.origin, note]);
  }

  /** How many witnesses cosigned the latest checkpoint, of how many, and the quorum (the dashboard shows it). */
  /** The log's C2SP verifier key (as GET /v1/public/checkpoints/key gives it), for pages that point at GET /checkpoint. */
  verifierKey(): string {
    return this.identity.vkey();
  }

  witnessStatus(db: EntityManager = this.database.reader): Promise<WitnessStatus> {
    return this.witnessed.status(db);
  }

  /** The latest checkpoint's cosignature count: changes when a witness cosigns (a public document's cache keys on it). */
  latestCosignatureCount(db: EntityManager = this.database.reader): Promise<number> {
    return this.witnessed.latestCosignatureCount(db);
  }

  /** The tree size of the latest checkpoint (0 before the first). */
  async latestSize(db: EntityManager = this.database.reader): Promise<number> {
    const [row] = await db.query(`SELECT coalesce(max(tree_size), 0)::text AS size FROM checkpoints`);
    return Number(row.size);
  }

  async latest(db: EntityManager = this.database.reader): Promise<SignedTreeHead | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM checkpoints c ORDER BY c.tree_size DESC LIMIT 1`);
    return row ? toSignedTreeHead(row) : undefined;
  }

  async atSize(treeSize: number, db: EntityManager = this.database.reader): Promise<SignedTreeHead | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM checkpoints c WHERE c.tree_size = $1`, [treeSize]);
    return row ? toSignedTreeHead(row) : undefined;
  }
}

function toSignedTreeHead(row: CheckpointRow): SignedTreeHead {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash.toString('hex'),
    timestamp: row.signed_at.toISOString(),
    signature: row.signature.toString('base64'),
  };
}

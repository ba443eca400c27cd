import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { EntityManager } from 'typeorm';
import { Database } from '../../database/database';

/**
 * Where the public ledger stands, from index lookups: the chain head, the number of committed
 * transactions not yet sealed (a short index range behind a running sealer), the latest checkpoint.
 *
 * Why it identifies the visible state: every state change writes a journal transaction in the
 * same database transaction. Everything at or before the chain head in (xid, seq) order is the
 * sealed chain, fixed once written; everything after it is unsealed (the sealer's invariant).
 * While the head stays put, the unsealed set can only grow as writers commit, so its size
 * tells two moments apart; when the sealer moves the head, the head's index changes. Unlike
 * max(seq), this also notices a transaction with a lower seq that commits later.
 */
export interface Watermark {
  /** Stable across instances for the same database state. */
  key: string;
  sealed: number;
  unsealed: number;
  headHash: string | null;
  checkpointSize: number;
}

const HEAD_SQL = `
  SELECT chain_index::text AS head_index, hash AS head_hash, xid::text AS xid, transaction_seq::text AS seq,
         (SELECT coalesce(max(c.tree_size), 0) FROM checkpoints c)::text AS checkpoint_size
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT chain_index, hash, xid, transaction_seq FROM journal_chain
                        ORDER BY chain_index DESC LIMIT 1) AS h ON true`;

/**
 * Counted with the head's values as parameters, so the planner sees how few rows follow the
 * head and walks the (xid, seq) index (a correlated form of this query scans the whole table).
 */
const UNSEALED_SQL = `SELECT count(*)::text AS unsealed FROM journal_transactions WHERE (xid, seq) > ($1::xid8, $2::bigint)`;

const gzipAsync = promisify(gzip);

/** One document at one watermark: its bytes, and their gzip copy once a client has asked for it. */
export interface SnapshotDocument {
  key: string;
  body: Buffer;
  gzipped?: Promise<Buffer>;
}

/**
 * Public documents (dashboard JSON, IATI XML) built from one consistent snapshot and kept in
 * process per watermark: public traffic costs one cheap query per request (and a 304 when the
 * client has the current version); a document is rebuilt only after the ledger moved. Any
 * number of instances agree on ETags, since the key comes from the database alone. The cache
 * holds bytes, and a gzip copy made once per state: a full dashboard is megabytes of JSON
 * that compresses about tenfold, and compressing it per request would cost more than building it.
 */
@Injectable()
export class PublicSnapshotService {
  private readonly entries = new Map<string, SnapshotDocument>();
  private readonly building = new Map<string, Promise<SnapshotDocument>>();

  constructor(private readonly database: Database) {}

  /**
   * Two statements: in READ COMMITTED they may see different moments, which is harmless. The
   * rows after a given head only grow (sealing moves none of them out of the table), so the
   * count read after the head still identifies the state; a moved head changes the key anyway.
   */
  async watermark(db: EntityManager = this.database.reader): Promise<Watermark> {
    const [head] = await db.query(HEAD_SQL);
    const [{ unsealed: counted }] = await db.query(UNSEALED_SQL, [head.xid ?? '0', head.seq ?? '0']);
    const sealed = head.head_index === null ? 0 : Number(head.head_index) + 1;
    const unsealed = Number(counted);
    const checkpointSize = Number(head.checkpoint_size);
    return {
      key: `${sealed}.${unsealed}.${checkpointSize}`,
      sealed,
      unsealed,
      headHash: head.head_hash ? (head.head_hash as Buffer).toString('hex') : null,
      checkpointSize,
    };
  }

  /** The weak ETag of a document at a watermark (weak: `generatedAt` may differ between instances). */
  etag(document: string, key: string): string {
    return `W/"${document}-${key}"`;
  }

  /**
   * The document for the current state: the cached copy when the ledger has not moved since it
   * was built, else built anew in a REPEATABLE READ snapshot (concurrent requests share one build).
   */
  async document(
    document: string,
    current: Watermark,
    build: (db: EntityManager, at: Watermark) => Promise<string>,
  ): Promise<SnapshotDocument> {
    const cached = this.entries.get(document);
    if (cached?.key === current.key) return cached;
    const pendingKey = `${document}@${current.key}`;
    let pending = this.building.get(pendingKey);
    if (!pending) {
      pending = this.database.snapshot(async ({ manager: db }) => {
        // The snapshot may be newer than `current`: key the document by what it was built from.
        const at = await this.watermark(db);
        return { key: at.key, body: Buffer.from(await build(db, at), 'utf8') };
      })
        .then((entry) => {
          this.entries.set(document, entry);
          return entry;
        })
        .finally(() => this.building.delete(pendingKey));
      this.building.set(pendingKey, pending);
    }
    return pending;
  }

  /** The document's gzip copy, compressed off the event loop once and shared by every request. */
  gzipped(entry: SnapshotDocument): Promise<Buffer> {
    entry.gzipped ??= gzipAsync(entry.body);
    return entry.gzipped;
  }
}

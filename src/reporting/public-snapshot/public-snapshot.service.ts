import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { EntityManager } from 'typeorm';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import { Database } from '../../database/database';
import { JournalReaderService } from '../../ledger/journal-reader.service';

/**
 * Where the public ledger stands: the journal's position (JournalReaderService.position, which
 * says why it identifies the visible state) and the latest checkpoint's size.
 */
export interface Watermark {
  /** Stable across instances for the same database state. */
  key: string;
  sealed: number;
  unsealed: number;
  headHash: string | null;
  checkpointSize: number;
}

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

  constructor(
    private readonly database: Database,
    private readonly journal: JournalReaderService,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** Read from the replica when there is one, as the documents are (Database.replicaReader). */
  async watermark(db: EntityManager = this.database.replicaReader): Promise<Watermark> {
    const { sealed, unsealed, headHash } = await this.journal.position(db);
    const checkpointSize = await this.checkpoints.latestSize(db);
    // Witnesses cosign after the checkpoint is signed: the dashboard shows how many did.
    const cosignatures = await this.checkpoints.latestCosignatureCount(db);
    return { key: `${sealed}.${unsealed}.${checkpointSize}.${cosignatures}`, sealed, unsealed, headHash, checkpointSize };
  }

  /** The weak ETag of a document at a watermark (weak: `generatedAt` may differ between instances). */
  etag(document: string, key: string): string {
    return `W/"${document}-${key}"`;
  }

  /**
   * The document for the current state: the cached copy when the ledger has not moved since it
   * was built, else built anew in a REPEATABLE READ snapshot (concurrent requests share one build)
   * on the read replica when there is one. Documents never fall back to the primary when the
   * replica is away (they answer 503): a fallback would pour all public traffic onto the primary
   * just when it is short of help, and a client could see a newer document, then an older one.
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
      pending = this.database.replicaSnapshot(async ({ manager: db }) => {
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

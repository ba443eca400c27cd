import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { tryLockedTransaction } from '../database/advisory-lock';
import { Database } from '../database/database';
import { chainHash, GENESIS_HASH } from './chain-link';

/** Advisory-lock key electing the one sealer among all instances. */
const SEALER_LOCK = 7_404_002;
const BATCH = 5000;

interface Candidate {
  seq: string;
  xid: string;
  content_hash: Buffer;
}

/**
 * The horizon: every transaction of this database with a lower xid has ended. It is the oldest
 * xid the snapshot still sees running, leaving out those known to run in another database of
 * the server (xids are server-wide, but a backend writes only its own database, so another
 * database's long transaction must not stall this chain). An xid whose backend is not found
 * (ended meanwhile, or hidden from an unprivileged role) is kept: the horizon errs low, never high.
 */
const HORIZON_SQL = `
  SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) AS horizon
    FROM pg_snapshot_xip(pg_current_snapshot()) AS x
   WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                      WHERE a.backend_xid = xid(x) AND a.datname <> current_database())`;

/**
 * Sequence, then seal (the Trillian model). Writers insert journal rows tagged with their
 * transaction id and take no global lock. The sealer, elected by an advisory lock, appends to
 * the chain every committed transaction whose xid is below the horizon, in (xid, seq) order.
 * Every transaction still running has an xid at or above the horizon, and so above everything
 * sealed: the chain grows in one total order with no gap and no transaction twice.
 */
@Injectable()
export class SealerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SealerService.name);
  private readonly background: PeriodicTask;

  constructor(
    private readonly database: Database,
    config: AppConfig,
  ) {
    this.background = new PeriodicTask({
      name: 'sealing',
      everyMs: config.SEALER_INTERVAL_MS,
      logger: this.logger,
      run: () => this.sealPending(),
    });
  }

  onApplicationBootstrap(): void {
    this.background.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.background.stop();
  }

  /** Seals everything sealable now; returns how many transactions were chained. */
  async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await tryLockedTransaction(this.database, SEALER_LOCK, (manager) => this.sealBatch(manager));
      if (sealed === undefined) return total; // another instance is sealing
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }

  /** One batch, in a transaction holding SEALER_LOCK. */
  private async sealBatch(manager: EntityManager): Promise<number> {
    const [head] = await manager.query(
      `SELECT chain_index, hash, xid::text AS xid, transaction_seq FROM journal_chain ORDER BY chain_index DESC LIMIT 1`,
    );
    const candidates: Candidate[] = await manager.query(
      // Qualified: a bare ORDER BY xid would sort by the text alias ("1000" before "999").
      `WITH horizon AS MATERIALIZED (${HORIZON_SQL})
       SELECT t.seq, t.xid::text AS xid, t.content_hash FROM journal_transactions t, horizon h
        WHERE t.xid < h.horizon
          ${head ? 'AND (t.xid, t.seq) > ($2::xid8, $3::bigint)' : ''}
        ORDER BY t.xid, t.seq LIMIT $1`,
      head ? [BATCH, head.xid, head.transaction_seq] : [BATCH],
    );
    if (candidates.length === 0) return 0;

    let index = head ? BigInt(head.chain_index) + 1n : 0n;
    let prev: Buffer = head ? head.hash : GENESIS_HASH;
    const rows = { index: [] as string[], seq: [] as string[], xid: [] as string[], prev: [] as Buffer[], hash: [] as Buffer[] };
    for (const candidate of candidates) {
      const hash = chainHash(prev, candidate.content_hash);
      rows.index.push(String(index++));
      rows.seq.push(candidate.seq);
      rows.xid.push(candidate.xid);
      rows.prev.push(prev);
      rows.hash.push(hash);
      prev = hash;
    }
    await manager.query(
      `INSERT INTO journal_chain (chain_index, transaction_seq, xid, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]::xid8[], $4::bytea[], $5::bytea[])`,
      [rows.index, rows.seq, rows.xid, rows.prev, rows.hash],
    );
    return candidates.length;
  }
}

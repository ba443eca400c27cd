import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseUnavailable } from './database-errors';

/**
 * How far the replica's data is behind the primary, in seconds, as the replica sees it:
 * - not in recovery (DATABASE_READ_URL names a primary, or a promoted replica): 0;
 * - everything received is replayed and a WAL receiver is connected: 0. The primary may simply
 *   be idle; `now() - pg_last_xact_replay_timestamp()` alone would grow forever on a quiet ledger;
 * - otherwise (replay behind, paused, or no receiver: cut off from the primary, so it cannot know
 *   what it misses) the age of the last replayed transaction: an upper bound of the staleness,
 *   since anything newer that the replica lacks committed after it. Right after a long quiet
 *   spell the first write briefly reads as the whole quiet time, until it replays.
 * null when nothing was replayed yet and the replica cannot tell. Clocks of the two servers may
 * differ a little: a negative age reads as 0.
 * pg_stat_wal_receiver shows a receiver's row (if not its details) to any role.
 */
const LAG_SQL = `
  SELECT CASE
           WHEN NOT pg_is_in_recovery() THEN 0
           WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
           ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
         END::float8 AS lag`;

export type ReplicaStatus = { status: 'up'; lagSeconds: number | null } | { status: 'down' };

/** The longest /health waits for the replica's answer (API.md: health answers within 5 s). */
const LAG_PROBE_TIMEOUT_MS = 2000;

/**
 * The read replica's pool (DATABASE_READ_URL), or nothing when none is configured. A replica
 * that is away when the service starts does not stop it (writes need only the primary): the
 * pool is opened on first use instead, and until then replica reads answer 503.
 */
export class ReadReplica {
  private readonly logger = new Logger('ReadReplica');
  private dataSource?: DataSource;
  private connecting?: Promise<DataSource>;
  private probe?: Promise<ReplicaStatus>;
  private closed = false;

  constructor(private readonly options?: DataSourceOptions) {}

  get configured(): boolean {
    return this.options !== undefined;
  }

  /** Opens the pool at start-up; a replica that is away is logged, not fatal. */
  async open(): Promise<void> {
    if (!this.configured) return;
    await this.ready().catch((error: Error) =>
      this.logger.warn(`the read replica does not answer (${error.message}); replica reads answer 503 until it does`),
    );
  }

  /** The open pool; while there is none, starts opening it and throws DatabaseUnavailable. */
  current(): DataSource {
    if (this.dataSource) return this.dataSource;
    void this.ready().catch(() => undefined);
    throw new DatabaseUnavailable('the read replica is unavailable, try again shortly');
  }

  /** The open pool, opened now if need be (one attempt at a time, bounded by the connect timeout). */
  async ready(): Promise<DataSource> {
    if (this.dataSource) return this.dataSource;
    if (this.closed || !this.options) throw new DatabaseUnavailable('the read replica is unavailable, try again shortly');
    this.connecting ??= new DataSource(this.options)
      .initialize()
      .then(async (source) => {
        if (this.closed) {
          await source.destroy();
          throw new DatabaseUnavailable('the service is shutting down');
        }
        this.dataSource = source;
        return source;
      })
      .finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /**
   * Whether the replica answers, and its lag in seconds (see LAG_SQL): down when it does not
   * answer within LAG_PROBE_TIMEOUT_MS. Concurrent health checks share one probe, so a replica
   * that hangs holds at most one of the pool's connections for them.
   */
  status(): Promise<ReplicaStatus> {
    this.probe ??= this.probeLag().finally(() => (this.probe = undefined));
    return this.probe;
  }

  private async probeLag(): Promise<ReplicaStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReplicaStatus>((resolve) => (timer = setTimeout(() => resolve({ status: 'down' }), LAG_PROBE_TIMEOUT_MS)));
    const probe = this.ready()
      .then((source) => source.query(LAG_SQL))
      .then(([row]: { lag: number | null }[]): ReplicaStatus => ({
        status: 'up',
        lagSeconds: row.lag === null ? null : Math.max(0, Math.round(row.lag * 1000) / 1000),
      }))
      .catch((): ReplicaStatus => ({ status: 'down' }));
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.dataSource?.destroy();
    this.dataSource = undefined;
  }
}

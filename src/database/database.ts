import { Injectable, Optional } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isRetryable, isUnanswered } from './database-errors';
import { ReadReplica, ReplicaStatus } from './read-replica';

const MAX_ATTEMPTS = 5;
/** The longest a streamed export may take (pg has no "no limit" for a stream). */
const STREAM_TIMEOUT_MS = 6 * 60 * 60 * 1000;

interface OpenTransaction {
  manager: EntityManager;
  afterCommit: (() => void)[];
}

/** What a read-only snapshot offers: plain queries, and large results in batches. */
export interface Snapshot {
  /** For code that takes an executor (repositories). */
  readonly manager: EntityManager;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Rows in batches through a server-side cursor: memory stays flat however large the result.
   * `raw` answers each row as an array of column texts, unparsed (no Date, Buffer or number
   * per value), for readers that parse only what they check.
   */
  cursor<Row>(sql: string, params?: unknown[], options?: { batchSize?: number; raw?: boolean }): AsyncGenerator<Row[]>;
}

/** Every column as the server's text: the cursor's `raw` mode. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

let cursorCounter = 0;

/** TypeORM's PostgreSQL query runner can hand its connection back as broken (not on QueryRunner). */
interface PostgresRunner {
  releasePostgresConnection(error?: Error): Promise<void>;
}

/**
 * The unit of work, and the only owner of the connection pool. Code that changes state runs in
 * `transaction` (commands through the @Command decorator, background tasks directly); `writer`
 * is its manager and throws outside one, so a forgotten transaction fails loudly instead of
 * running a lock or a multi-statement write in autocommit. Reads outside a transaction use
 * `reader`; consistent multi-query reads (audits, public documents) use `snapshot`.
 *
 * With a read replica (DATABASE_READ_URL), `replicaReader`, `replicaSnapshot` and
 * `replicaStream` read from it, for what may be a moment behind: public documents, ledger
 * pages, export, verify. Everything else stays on the primary: writes, every read inside a
 * write (there `replicaReader` is the open transaction's manager and the other two read the
 * primary), and reads that must see the latest commit, such as authentication (a revoked key
 * fails at once, whatever the replica's lag). Without a replica all three are the primary's.
 */
@Injectable()
export class Database {
  private readonly current = new AsyncLocalStorage<OpenTransaction>();
  private readonly replica: ReadReplica;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() replica?: ReadReplica,
  ) {
    this.replica = replica ?? new ReadReplica();
  }

  /** Whether DATABASE_READ_URL is set. */
  get hasReplica(): boolean {
    return this.replica.configured;
  }

  /** The replica's state for /health; undefined without one. */
  replicaStatus(): Promise<ReplicaStatus | undefined> {
    return this.replica.configured ? this.replica.status() : Promise.resolve(undefined);
  }

  /** The open transaction's manager; throws when none is open. */
  get writer(): EntityManager {
    const open = this.open();
    if (!open) throw new Error('a write outside a transaction: run it in Database.transaction (or a @Command route)');
    return open.manager;
  }

  /** For reads: the open transaction's manager (it sees its own writes), else the pool's. */
  get reader(): EntityManager {
    return this.open()?.manager ?? this.dataSource.manager;
  }

  /**
   * For reads that may lag a moment: the open transaction's manager (a read inside a write stays
   * on the primary), else the replica's pool, else (no replica) the primary's. Throws
   * DatabaseUnavailable while a configured replica cannot be reached.
   */
  get replicaReader(): EntityManager {
    return this.open()?.manager ?? (this.replica.configured ? this.replica.current().manager : this.dataSource.manager);
  }

  /**
   * Runs `work` in one READ COMMITTED transaction. Serialization failures and deadlocks roll back
   * and run `work` again, so `work` must have no effect outside the database. Called inside an
   * open transaction, `work` joins it: a unit of work is never split.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.open();
    if (open) return work(open.manager);
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        await runner.startTransaction();
        const transaction: OpenTransaction = { manager: runner.manager, afterCommit: [] };
        const result = await this.current.run(transaction, () => work(runner.manager));
        await runner.commitTransaction();
        for (const callback of transaction.afterCommit) callback();
        return result;
      } catch (error) {
        // A connection whose query got no answer in time may still have it queued on the
        // server: it is ended, not rolled back and handed to the next request.
        if (isUnanswered(error)) {
          await (runner as unknown as PostgresRunner).releasePostgresConnection(error as Error);
          throw error;
        }
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      } finally {
        await runner.release();
      }
    }
  }

  /**
   * Runs one statement as a transaction of its own, in one round trip: PostgreSQL makes a lone
   * statement outside BEGIN atomic, so this is `transaction` without its BEGIN and COMMIT. For a
   * statement that is a whole unit of work (a function that does it all, like deposit_batch);
   * retried like `transaction` on serialization failures and deadlocks. Never joins an open
   * transaction: called inside one, it refuses (it could not be atomic with it).
   */
  async statement<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    if (this.open()) throw new Error('Database.statement inside a transaction: it runs as a transaction of its own');
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        return (await runner.query(sql, params)) as Row[];
      } catch (error) {
        if (isUnanswered(error)) {
          await (runner as unknown as PostgresRunner).releasePostgresConnection(error as Error);
          throw error;
        }
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      } finally {
        if (!runner.isReleased) await runner.release();
      }
    }
  }

  /**
   * Runs `callback` once the open transaction has committed (never if it rolls back): for what
   * must not happen before the change is visible to everyone, like dropping a revoked key from
   * this process's cache.
   */
  afterCommit(callback: () => void): void {
    const open = this.open();
    if (!open) throw new Error('afterCommit outside a transaction');
    open.afterCommit.push(callback);
  }

  /** The transaction this async context runs in, unless it has ended (work left running after it). */
  private open(): OpenTransaction | undefined {
    const open = this.current.getStore();
    return open?.manager.queryRunner?.isTransactionActive ? open : undefined;
  }

  /**
   * Runs `work` in a REPEATABLE READ, READ ONLY transaction of its own: every query sees one
   * consistent moment (an audit or a public document never mixes two).
   */
  snapshot<T>(work: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.snapshotOn(this.dataSource, work);
  }

  /**
   * `snapshot` on the replica (on the primary inside a write, or without a replica). On a hot
   * standby REPEATABLE READ READ ONLY is what a snapshot can be (no SERIALIZABLE there).
   */
  async replicaSnapshot<T>(work: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.snapshotOn(await this.replicaSource(), work);
  }

  /** `stream` on the replica (on the primary inside a write, or without a replica). */
  async replicaStream(sql: string, params: unknown[] = [], batchSize = 500): Promise<Readable> {
    return this.streamOn(await this.replicaSource(), sql, params, batchSize);
  }

  private async replicaSource(): Promise<DataSource> {
    return this.open() || !this.replica.configured ? this.dataSource : this.replica.ready();
  }

  private async snapshotOn<T>(source: DataSource, work: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    const runner = source.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await work(snapshotOf(runner));
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * One query's rows as a stream with back-pressure, in a read-only snapshot of its own without
   * the statement timeout. The connection goes back to the pool at the stream's end; a stream
   * closed early (the client went away) still holds an open cursor, so its connection is
   * discarded instead.
   */
  stream(sql: string, params: unknown[] = [], batchSize = 500): Promise<Readable> {
    return this.streamOn(this.dataSource, sql, params, batchSize);
  }

  private async streamOn(source: DataSource, sql: string, params: unknown[], batchSize: number): Promise<Readable> {
    const runner = source.createQueryRunner();
    let client: PoolClient;
    try {
      client = (await runner.connect()) as PoolClient;
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await runner.query('SET LOCAL statement_timeout = 0');
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
    const query = new QueryStream(sql, params, { batchSize });
    // pg applies its client-side query_timeout to a stream's whole life, which for an export may
    // rightly be minutes; each batch the stream reads is still bounded by the socket's keep-alive.
    (query as unknown as { query_timeout: number }).query_timeout = STREAM_TIMEOUT_MS;
    const rows = client.query(query);
    let released = false;
    const release = async (broken?: Error) => {
      if (released) return;
      released = true;
      // A broken connection must not serve the next request: the pool ends it instead of reusing it.
      await (runner as unknown as PostgresRunner).releasePostgresConnection(broken);
    };
    rows.once('end', () => {
      runner.query('COMMIT').then(() => release(), (error: Error) => release(error));
    });
    rows.once('error', (error) => void release(error));
    rows.once('close', () => setImmediate(() => released || rows.readableEnded || void release(new Error('stream closed before its end'))));
    return rows;
  }
}

/**
 * The snapshot API over a runner whose transaction is open: what Database.snapshot hands out,
 * and what a test that tampers inside its own transaction verifies with.
 */
export function snapshotOf(runner: QueryRunner): Snapshot {
  return {
    manager: runner.manager,
    query: (sql, params) => runner.query(sql, params),
    async *cursor<Row>(sql: string, params: unknown[] = [], options: { batchSize?: number; raw?: boolean } = {}) {
      const name = `snapshot_cursor_${++cursorCounter}`;
      const size = options.batchSize ?? 10_000;
      const client = (await runner.connect()) as PoolClient;
      const fetch = (): Promise<Row[]> => {
        const batch = options.raw
          ? client.query({ text: `FETCH ${size} FROM ${name}`, rowMode: 'array', types: RAW_TEXT }).then((r) => r.rows as Row[])
          : (runner.query(`FETCH ${size} FROM ${name}`) as Promise<Row[]>);
        batch.catch(() => undefined); // awaited below; until then a failure is no unhandled rejection
        return batch;
      };
      await runner.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
      // The next batch is always asked for before this one is handed over: PostgreSQL produces
      // rows while the reader works on the last ones.
      let pending: Promise<Row[]> | undefined = fetch();
      try {
        while (pending) {
          const rows: Row[] = await pending;
          pending = rows.length < size ? undefined : fetch();
          if (rows.length > 0) yield rows;
        }
      } finally {
        await pending?.catch(() => undefined);
        await runner.query(`CLOSE ${name}`).catch(() => undefined);
      }
    },
  };
}

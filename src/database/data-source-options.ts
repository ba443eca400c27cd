import * as pg from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { migrate, MigrationOutcome } from './migrations/migrate';

/**
 * pg, with one change: every pooled connection keeps an 'error' listener for its whole life. A
 * connection the server terminates (pg_terminate_backend, a restart) can emit a second error
 * after TypeORM and the pool have let go of it, and an 'error' event nobody hears ends the
 * process. TypeORM and the pool act on the first one themselves (the request fails with 503,
 * the connection is dropped). Given to TypeORM as its driver, so no pool internals are touched.
 */
class ListeningPool extends pg.Pool {
  constructor(config?: pg.PoolConfig) {
    super(config);
    this.on('connect', (client) => client.on('error', () => undefined));
  }
}
const driver = { ...pg, Pool: ListeningPool };

/** How much longer than the server's statement timeout the client waits for any answer. */
export const QUERY_TIMEOUT_MARGIN_MS = 1000;

export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return poolOptions(config, config.DATABASE_URL, { connectionTimeoutMillis: 5000, applicationName: 'aid-escrow-ledger' });
}

/**
 * The read replica's pool (DATABASE_READ_URL): the same bounds on every statement, and a
 * shorter wait for a connection, so public reads fail fast (503) while the replica is away
 * instead of queueing behind it.
 */
export function replicaDataSourceOptions(config: AppConfig): DataSourceOptions {
  return poolOptions(config, config.DATABASE_READ_URL, { connectionTimeoutMillis: 2000, applicationName: 'aid-escrow-ledger (replica reads)' });
}

function poolOptions(
  config: AppConfig,
  url: string | undefined,
  pool: { connectionTimeoutMillis: number; applicationName: string },
): DataSourceOptions {
  return {
    type: 'postgres',
    driver,
    url,
    synchronize: false,
    logging: false,
    extra: {
      max: config.DB_POOL_SIZE,
      // A request waiting for a connection fails rather than hangs when the database is away.
      connectionTimeoutMillis: pool.connectionTimeoutMillis,
      statement_timeout: config.DB_STATEMENT_TIMEOUT_MS,
      // The statement timeout is enforced by the server; a server that is stuck (stopped, or
      // behind a network black hole) enforces nothing. This bound is the client's own, a little
      // above, so every query ends: a frozen database answers 503, never a hang.
      query_timeout: config.DB_STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS,
      // Dead peers are noticed by TCP itself, not only by the next query.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      idle_in_transaction_session_timeout: 60000,
      application_name: pool.applicationName,
    },
  };
}

/** Key of the advisory lock that lets one of many starting instances migrate at a time. */
const MIGRATION_LOCK = 7_404_001;

/**
 * Brings the schema up to date (see migrations/migrate.ts and README.md); concurrent start-ups
 * wait for each other instead of racing.
 */
export async function runMigrations(dataSource: DataSource): Promise<MigrationOutcome> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await migrate(runner);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

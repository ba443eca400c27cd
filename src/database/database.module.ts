import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, runMigrations } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        keepConnectionErrorsHeard(dataSource);
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}

/**
 * Every pooled connection keeps an 'error' listener for its whole life. A connection the server
 * terminates (pg_terminate_backend, a restart) can emit a second error after TypeORM and the
 * pool have let go of it, and an 'error' event nobody hears ends the process. TypeORM and the
 * pool act on the first one themselves (the request fails with 503, the connection is dropped).
 */
function keepConnectionErrorsHeard(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return;
  const ignore = () => undefined;
  pool.on('connect', (client: PoolClient) => client.on('error', ignore));
  for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) client.on('error', ignore);
}

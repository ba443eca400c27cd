import { Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, replicaDataSourceOptions, runMigrations } from './data-source-options';
import { Database } from './database';
import { ReadReplica } from './read-replica';

/**
 * The pool (through TypeORM), migrations at start-up, the read replica's pool when
 * DATABASE_READ_URL is set (never migrated: a standby replays the primary's schema), and the
 * Database provider: the one way the rest of the code reaches PostgreSQL.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => dataSourceOptions(config),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [
    {
      provide: ReadReplica,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const replica = new ReadReplica(config.DATABASE_READ_URL ? replicaDataSourceOptions(config) : undefined);
        await replica.open();
        return replica;
      },
    },
    Database,
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly replica: ReadReplica) {}

  onApplicationShutdown(): Promise<void> {
    return this.replica.close();
  }
}

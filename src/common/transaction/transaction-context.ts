import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { isRetryable } from '../errors/database-errors';

const MAX_ATTEMPTS = 5;

/**
 * The unit of work of the current request. A state-changing request runs in one database
 * transaction (opened by TransactionInterceptor); services reach it through `manager`, so a
 * state change, its journal record and its idempotency record commit or roll back together.
 */
@Injectable()
export class TransactionContext {
  private readonly storage = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the pool's when no transaction is open (reads). */
  get manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  /**
   * Runs `work` in a new transaction bound to this context. Serialization failures and
   * deadlocks roll back and run `work` again, so `work` must have no effect outside the database.
   */
  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        const result = await this.storage.run(runner.manager, () => work(runner.manager));
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      } finally {
        await runner.release();
      }
    }
  }
}

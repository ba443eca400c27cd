import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Forgets idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS (Stripe keeps them 24 hours):
 * a client retries within minutes, and the table must not grow forever. Any instance may sweep;
 * the DELETE is idempotent, so several sweeping at once is harmless (hence no election).
 */
@Injectable()
export class IdempotencyRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyRetentionService.name);
  private readonly background: PeriodicTask;

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {
    this.background = new PeriodicTask({
      name: 'idempotency sweep',
      everyMs: config.IDEMPOTENCY_KEY_TTL_HOURS === 0 ? 0 : SWEEP_EVERY_MS,
      logger: this.logger,
      run: () => this.sweep(),
    });
  }

  onApplicationBootstrap(): void {
    this.background.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.background.stop();
  }

  /** Deletes expired keys; returns how many. */
  async sweep(): Promise<number> {
    const [, deleted] = await this.database.reader.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [this.config.IDEMPOTENCY_KEY_TTL_HOURS],
    );
    return deleted;
  }
}

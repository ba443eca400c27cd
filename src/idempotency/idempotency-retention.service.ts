import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '../database/database';
import { AppConfig } from '../config/app-config';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Forgets idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS (Stripe keeps them 24 hours):
 * a client retries within minutes, and the table must not grow forever. Any instance may sweep;
 * the DELETE is idempotent, so several sweeping at once is harmless.
 */
@Injectable()
export class IdempotencyRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyRetentionService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.IDEMPOTENCY_KEY_TTL_HOURS === 0) return;
    this.timer = setInterval(() => void this.sweep().catch((err) => this.logger.warn({ err }, 'idempotency sweep failed')), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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

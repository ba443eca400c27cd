import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { IdempotencyRetentionService } from './idempotency-retention.service';
import { IdempotencyStore } from './idempotency-store';

/** Idempotency records of commands (stored in the command's own transaction), and the retention of old keys. */
@Module({
  imports: [DatabaseModule],
  providers: [IdempotencyStore, IdempotencyRetentionService],
  exports: [IdempotencyStore],
})
export class IdempotencyModule {}

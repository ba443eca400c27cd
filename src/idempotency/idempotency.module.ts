import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { IdempotencyRetentionService } from './idempotency-retention.service';
import { IdempotencyStore } from './idempotency-store';
import { UnitOfWork } from './unit-of-work';

/** The command's unit of work, with its idempotency record, and the retention of old keys. */
@Module({
  imports: [DatabaseModule],
  providers: [IdempotencyStore, UnitOfWork, IdempotencyRetentionService],
  exports: [UnitOfWork],
})
export class IdempotencyModule {}

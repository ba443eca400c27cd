import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { UnitOfWork } from './unit-of-work';

/** How a command runs: one transaction with its actor's check and its idempotency record. */
@Module({
  imports: [DatabaseModule, IdempotencyModule, AuthModule],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class CommandsModule {}

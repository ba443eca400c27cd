import { Global, Module } from '@nestjs/common';
import { IdempotencyRetentionService } from './transaction/idempotency-retention.service';
import { IdempotencyService } from './transaction/idempotency.service';
import { TransactionContext } from './transaction/transaction-context';

@Global()
@Module({
  providers: [TransactionContext, IdempotencyService, IdempotencyRetentionService],
  exports: [TransactionContext, IdempotencyService, IdempotencyRetentionService],
})
export class CommonModule {}

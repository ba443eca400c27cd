import { Global, Module } from '@nestjs/common';
import { IdempotencyService } from './transaction/idempotency.service';
import { TransactionContext } from './transaction/transaction-context';

@Global()
@Module({
  providers: [TransactionContext, IdempotencyService],
  exports: [TransactionContext, IdempotencyService],
})
export class CommonModule {}

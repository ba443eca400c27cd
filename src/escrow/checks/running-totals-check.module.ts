import { Module } from '@nestjs/common';
import { LedgerModule } from '../../ledger/ledger.module';
import { RunningTotalsCheck } from './running-totals.check';

/**
 * Escrow's part of every verification, as a module of its own: the command line's verify runs it
 * too without starting the escrow domain (its deadline sweeper, its batcher).
 */
@Module({
  imports: [LedgerModule],
  providers: [RunningTotalsCheck],
})
export class RunningTotalsCheckModule {}

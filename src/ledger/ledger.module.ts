import { Global, Module } from '@nestjs/common';
import { JournalReaderService } from './journal-reader.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { SealerService } from './sealer.service';
import { VerifyService } from './verify.service';

/** Global: every workflow posts through LedgerService; nothing else writes the journal. */
@Global()
@Module({
  controllers: [LedgerController],
  providers: [LedgerService, SealerService, VerifyService, JournalReaderService],
  exports: [LedgerService, SealerService, VerifyService, JournalReaderService],
})
export class LedgerModule {}

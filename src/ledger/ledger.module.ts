import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module';
import { JournalReaderService } from './journal-reader.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { SealerService } from './sealer.service';
import { VerifyService } from './verify.service';

/** The only writer of the journal: every workflow posts through LedgerService, in its own transaction. */
@Module({
  imports: [DatabaseModule, DiscoveryModule],
  controllers: [LedgerController],
  providers: [LedgerService, SealerService, VerifyService, JournalReaderService],
  exports: [LedgerService, SealerService, VerifyService, JournalReaderService],
})
export class LedgerModule {}

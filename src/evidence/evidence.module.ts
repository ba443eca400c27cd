import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { LedgerModule } from '../ledger/ledger.module';
import { EvidenceUploadGuard } from './evidence-upload';
import { EvidenceController } from './evidence.controller';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceService } from './evidence.service';

/**
 * Evidence files: upload, download, and the existence check every citing command makes. Below
 * escrow and oversight (both cite files); depends only on the database and the ledger.
 */
@Module({
  imports: [DatabaseModule, LedgerModule],
  controllers: [EvidenceController],
  providers: [EvidenceRepository, EvidenceService, EvidenceUploadGuard],
  exports: [EvidenceService],
})
export class EvidenceModule {}

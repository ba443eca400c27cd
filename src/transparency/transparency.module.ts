import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { EscrowModule } from '../escrow/escrow.module';
import { LedgerModule } from '../ledger/ledger.module';
import { CheckpointService } from './checkpoints/checkpoint.service';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { SigningKeyService } from './checkpoints/signing-key.service';
import { DashboardService } from './dashboard/dashboard.service';
import { PageAssets } from './dashboard/page-assets';
import { PublicController } from './dashboard/public.controller';
import { IatiService } from './iati/iati.service';
import { MerkleTreeService } from './merkle/merkle-tree.service';
import { PublicSnapshotService } from './public-snapshot/public-snapshot.service';

/**
 * What lets people who do not trust the operator check the ledger: signed checkpoints over an
 * RFC 9162 Merkle tree of the sealed chain with inclusion and consistency proofs, the public
 * dashboard (page and JSON), and the IATI export. Everything here is public (no key) and
 * read-only, except the checkpoint producer, which appends to its own tables.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, AuthModule, EscrowModule],
  controllers: [CheckpointsController, PublicController],
  providers: [
    MerkleTreeService,
    SigningKeyService,
    CheckpointService,
    PublicSnapshotService,
    DashboardService,
    IatiService,
    PageAssets,
  ],
  exports: [MerkleTreeService, CheckpointService, SigningKeyService],
})
export class TransparencyModule {}

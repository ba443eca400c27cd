import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { CheckpointService } from './checkpoints/checkpoint.service';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { SigningKeyService } from './checkpoints/signing-key.service';
import { MerkleTreeService } from './merkle/merkle-tree.service';
import { ProofsController } from './proofs/proofs.controller';

/**
 * What lets people who do not trust the operator check the ledger: signed checkpoints over an
 * RFC 9162 Merkle tree of the sealed chain, inclusion and consistency proofs, and the offline
 * verifier (the CLI's proof:verify). Its endpoints are public (no key) and read-only; the
 * checkpoint producer appends to its own tables. Depends on no other feature module: reporting
 * shows its latest checkpoint, never the reverse.
 */
@Module({
  imports: [DatabaseModule],
  controllers: [CheckpointsController, ProofsController],
  providers: [MerkleTreeService, SigningKeyService, CheckpointService],
  exports: [CheckpointService],
})
export class AttestationModule {}

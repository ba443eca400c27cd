import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { CheckpointService } from './checkpoints/checkpoint.service';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { SigningKeyService } from './checkpoints/signing-key.service';
import { MerkleTreeService } from './merkle/merkle-tree.service';
import { ProofsController } from './proofs/proofs.controller';
import { CheckpointNoteController } from './witnessing/checkpoint-note.controller';
import { LogIdentity } from './witnessing/log-identity';
import { WitnessSubmitter } from './witnessing/witness-submitter';
import { WitnessedCheckpoints } from './witnessing/witnessed-checkpoints';

/**
 * What lets people who do not trust the operator check the ledger: signed checkpoints over an
 * RFC 9162 Merkle tree of the sealed chain (also as C2SP checkpoint notes, GET /checkpoint,
 * cosigned by the witnesses of the monitoring parties), inclusion and consistency proofs (also
 * as C2SP tlog-proof receipts), and the offline verifier (the CLI's proof:verify). Its endpoints are public (no key) and read-only; the
 * checkpoint producer appends to its own tables. Depends on no other feature module: reporting
 * shows its latest checkpoint, never the reverse.
 */
@Module({
  imports: [DatabaseModule],
  controllers: [CheckpointsController, ProofsController, CheckpointNoteController],
  providers: [MerkleTreeService, SigningKeyService, CheckpointService, LogIdentity, WitnessedCheckpoints, WitnessSubmitter],
  exports: [CheckpointService],
})
export class AttestationModule {}

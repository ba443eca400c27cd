import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/roles.decorator';
import { InvalidInput } from '../../common/errors/common-errors';
import { ConsistencyProofQuery, InclusionProofQuery, TreeSizeParam } from '../proofs/proof-queries';
import { MerkleTreeService } from '../merkle/merkle-tree.service';
import { CheckpointService } from './checkpoint.service';
import { SigningKeyService } from './signing-key.service';

/** A proof for given sizes never changes: shared caches may keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

@ApiTags('transparency')
@Public()
@Controller('v1/public')
export class CheckpointsController {
  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly key: SigningKeyService,
    private readonly tree: MerkleTreeService,
  ) {}

  @Get('checkpoints/key')
  publicKey() {
    return { algorithm: 'Ed25519', publicKey: this.key.publicKeyBase64() };
  }

  @Get('checkpoints/latest')
  async latest(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.checkpoints.latest();
    if (!head) throw new NotFoundException('no checkpoint has been signed yet');
    void reply.header('cache-control', 'no-cache');
    return head;
  }

  /** A past checkpoint, e.g. the one a consistency proof starts from. */
  @Get('checkpoints/:treeSize')
  async atSize(@Param() params: TreeSizeParam, @Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.checkpoints.atSize(params.treeSize);
    if (!head) throw new NotFoundException(`no checkpoint was signed at tree size ${params.treeSize}`);
    void reply.header('cache-control', IMMUTABLE);
    return head;
  }

  @Get('proofs/inclusion')
  async inclusion(@Query() query: InclusionProofQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { chainIndex, treeSize } = query;
    await this.assertSealed('treeSize', treeSize);
    if (chainIndex >= treeSize) throw new InvalidInput('chainIndex', `must be below treeSize (${treeSize})`);
    const proof = await this.tree.inclusionProof(chainIndex, treeSize);
    void reply.header('cache-control', IMMUTABLE);
    return { chainIndex, treeSize, leafHash: proof.leafHash.toString('hex'), path: proof.path.map((h) => h.toString('hex')) };
  }

  @Get('proofs/consistency')
  async consistency(@Query() query: ConsistencyProofQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { from, to } = query;
    if (from > to) throw new InvalidInput('from', `must not exceed to (${to})`);
    await this.assertSealed('to', to);
    const path = await this.tree.consistencyProof(from, to);
    void reply.header('cache-control', IMMUTABLE);
    return { from, to, path: path.map((h) => h.toString('hex')) };
  }

  private async assertSealed(field: string, size: number): Promise<void> {
    const { sealed } = await this.tree.sizes();
    if (size > sealed) {
      throw new InvalidInput(field, `is ${size} but the ledger's tree has only ${sealed} sealed transactions so far`);
    }
  }
}

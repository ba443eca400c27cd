import { Controller, Get, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/access/roles.decorator';
import { InvalidInput } from '../../common/errors/common-errors';
import { formatTlogProof } from '../../tlog/c2sp/tlog-proof';
import { WitnessedCheckpoints } from '../witnessing/witnessed-checkpoints';
import { IMMUTABLE } from '../cache-control';
import { MerkleTreeService } from '../merkle/merkle-tree.service';
import { ConsistencyProofQuery, InclusionProofQuery, ReceiptQuery } from './dto/proof-queries';
import { ApiAnswers, ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

/** RFC 9162 inclusion and consistency proofs over the sealed chain, for any sealed tree size. */
@ApiTags('transparency')
@Public()
@Controller('v1/public/proofs')
export class ProofsController {
  constructor(
    private readonly tree: MerkleTreeService,
    private readonly witnessed: WitnessedCheckpoints,
  ) {}

  /**
   * A C2SP tlog-proof: the inclusion proof of the transaction at `chainIndex` against the
   * checkpoint GET /checkpoint serves, that checkpoint's note (with its cosignatures) included,
   * so it is checked offline with the log's policy alone.
   */
  @Get('receipt')
  @ApiAnswers({ status: 200, description: 'c2sp.org/tlog-proof@v1: index, inclusion proof, and the cosigned checkpoint note', schema: { type: 'string' }, mediaTypes: ['text/plain'] })
  @ApiRefusals('NOT_FOUND', 'TREE_BUSY')
  @ApiOperation({ summary: 'Get a C2SP tlog-proof receipt for a transaction' })
  async receipt(@Query() query: ReceiptQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { chainIndex } = query;
    const checkpoint = await this.witnessed.served();
    if (!checkpoint || chainIndex >= checkpoint.treeSize) {
      throw new NotFoundException(
        `chain index ${chainIndex} is not in the latest checkpoint${checkpoint ? ` (tree size ${checkpoint.treeSize})` : ''} yet: try again after the next checkpoint`,
      );
    }
    const proof = await this.tree.inclusionProof(chainIndex, checkpoint.treeSize);
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache');
    return formatTlogProof({ index: chainIndex, inclusionProof: proof.path, checkpoint: checkpoint.note });
  }

  @Get('inclusion')
  @ApiJson(200, 'InclusionProof', 'RFC 9162 inclusion proof')
  @ApiRefusals('TREE_BUSY')
  @ApiOperation({ summary: 'Get an inclusion proof' })
  async inclusion(@Query() query: InclusionProofQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { chainIndex, treeSize } = query;
    await this.assertSealed('treeSize', treeSize);
    if (chainIndex >= treeSize) throw new InvalidInput('chainIndex', `must be below treeSize (${treeSize})`);
    const proof = await this.tree.inclusionProof(chainIndex, treeSize);
    void reply.header('cache-control', IMMUTABLE);
    return { chainIndex, treeSize, leafHash: proof.leafHash.toString('hex'), path: proof.path.map((h) => h.toString('hex')) };
  }

  @Get('consistency')
  @ApiJson(200, 'ConsistencyProof', 'RFC 9162 consistency proof')
  @ApiRefusals('TREE_BUSY')
  @ApiOperation({ summary: 'Get a consistency proof' })
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

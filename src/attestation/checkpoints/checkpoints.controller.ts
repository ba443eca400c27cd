import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/access/roles.decorator';
import { Database } from '../../database/database';
import { IMMUTABLE } from '../cache-control';
import { CheckpointService } from './checkpoint.service';
import { LogIdentity } from '../witnessing/log-identity';
import { SigningKeyService } from './signing-key.service';
import { TreeSizeParam } from './dto/tree-size.param';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

/** Signed checkpoints only read, so they come from the read replica when there is one. */
@ApiTags('transparency')
@Public()
@Controller('v1/public/checkpoints')
export class CheckpointsController {
  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly key: SigningKeyService,
    private readonly identity: LogIdentity,
    private readonly database: Database,
  ) {}

  /**
   * The key, raw (JSON checkpoints) and as the C2SP vkey of the log `origin` (GET /checkpoint),
   * with the witnesses it submits to and the C2SP tlog-policy that says the same. Pin what you
   * take from here: a key fetched from the service proves nothing about the service.
   */
  @Get('key')
  @ApiJson(200, 'CheckpointKey', 'The log’s key, origin, witnesses and policy')
  @ApiOperation({ summary: 'Get the log\'s signing key and policy' })
  publicKey() {
    return {
      algorithm: 'Ed25519',
      publicKey: this.key.publicKeyBase64(),
      origin: this.identity.origin,
      vkey: this.identity.vkey(),
      witnesses: this.identity.witnesses.map((w) => ({ vkey: w.vkey, url: w.url })),
      witnessQuorum: this.identity.quorum,
      policy: this.identity.policy(),
    };
  }

  @Get('latest')
  @ApiJson(200, 'Checkpoint', 'The latest signed checkpoint')
  @ApiRefusals('NOT_FOUND')
  @ApiOperation({ summary: 'Get the latest signed checkpoint' })
  async latest(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.checkpoints.latest(this.database.replicaReader);
    if (!head) throw new NotFoundException('no checkpoint has been signed yet');
    void reply.header('cache-control', 'no-cache');
    return head;
  }

  /** A past checkpoint, e.g. the one a consistency proof starts from. */
  @Get(':treeSize')
  @ApiJson(200, 'Checkpoint', 'The checkpoint signed at that tree size')
  @ApiOperation({ summary: 'Get the checkpoint signed at a tree size' })
  async atSize(@Param() params: TreeSizeParam, @Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.checkpoints.atSize(params.treeSize, this.database.replicaReader);
    if (!head) throw new NotFoundException(`no checkpoint was signed at tree size ${params.treeSize}`);
    void reply.header('cache-control', IMMUTABLE);
    return head;
  }
}

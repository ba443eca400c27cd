import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/access/roles.decorator';
import { Database } from '../../database/database';
import { WitnessedCheckpoints } from './witnessed-checkpoints';
import { Answer, ApiAnswers, ApiRefusals } from '../../common/openapi/api-answer.decorator';

const CHECKPOINT_NOTE_ANSWER: Answer = {
  status: 200,
  schema: { type: 'string' },
  mediaTypes: ['text/plain'],
  description:
    'The latest checkpoint (with WITNESS_QUORUM: the latest one that many witnesses cosigned) as a C2SP tlog-checkpoint signed note: ' +
    'origin, tree size, base64 root hash, a blank line, the log\'s Ed25519 signature line, then the witnesses\' cosignature/v1 lines',
};

/**
 * The log's checkpoint where C2SP tools look for it: `<log URL>/checkpoint`; only read, so from
 * the read replica when there is one. (Proofs stay on the primary: a proof may first extend the
 * stored tree, a write, and then reads what it wrote.)
 */
@ApiTags('transparency')
@Public()
@Controller()
export class CheckpointNoteController {
  constructor(
    private readonly witnessed: WitnessedCheckpoints,
    private readonly database: Database,
  ) {}

  @Get('checkpoint')
  @ApiAnswers(CHECKPOINT_NOTE_ANSWER)
  @ApiRefusals('NOT_FOUND')
  @ApiOperation({ summary: 'Get the latest checkpoint as a C2SP signed note' })
  async checkpoint(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const served = await this.witnessed.served(this.database.replicaReader);
    if (!served) throw new NotFoundException('no checkpoint has been signed (and, with WITNESS_QUORUM, cosigned by the quorum) yet');
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache');
    return served.note;
  }
}

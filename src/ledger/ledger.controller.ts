import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { pipeline } from 'node:stream';
import { Roles } from '../common/access/roles.decorator';
import { InvalidInput } from '../common/errors/common-errors';
import { ExportQuery, JournalPageQuery } from './dto/journal-page.query';
import { journalFormatter } from './journal-export';
import { JournalReaderService } from './journal-reader.service';
import { VerifyService } from './verify.service';
import { Answer, ApiAnswers, ApiJson } from '../common/openapi/api-answer.decorator';

/** The journal as a file: NDJSON (one transaction a line) or CSV (RFC 4180), by ?format. */
const EXPORT_ANSWER: Answer = {
  status: 200,
  description: 'The whole journal, streamed (Content-Disposition: attachment)',
  schema: { type: 'string' },
  mediaTypes: ['application/x-ndjson', 'text/csv'],
};

@ApiTags('ledger')
@Roles('auditor', 'admin')
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    private readonly journal: JournalReaderService,
    private readonly verifier: VerifyService,
  ) {}

  @Get('transactions')
  @ApiJson(200, 'JournalPage', 'A page of journal transactions with their entries')
  @ApiOperation({ summary: 'Page through journal transactions' })
  transactions(@Query() query: JournalPageQuery) {
    if (query.fromChainIndex === undefined) return this.journal.page(query.afterSeq ?? 0, query.limit);
    if (query.afterSeq !== undefined) throw new InvalidInput('fromChainIndex', 'cannot be combined with afterSeq');
    return this.journal.chainPage(query.fromChainIndex, query.limit);
  }

  @Get('accounts')
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/LedgerAccount' } }, 'Every ledger account with its balance')
  @ApiOperation({ summary: 'List ledger accounts and balances' })
  accounts() {
    return this.journal.accounts();
  }

  @Get('verify')
  @ApiJson(200, 'LedgerVerification', 'The result of re-verifying the whole chain')
  @ApiOperation({ summary: 'Verify the whole hash chain' })
  verify() {
    return this.verifier.verify();
  }

  /** The whole journal, streamed with backpressure. */
  @Get('export')
  @ApiAnswers(EXPORT_ANSWER)
  @ApiOperation({ summary: 'Export the journal (NDJSON or CSV)' })
  async export(@Query() query: ExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const rows = await this.journal.stream();
    const body = pipeline(rows, journalFormatter(query.format), () => undefined);
    const type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
    await reply
      .header('content-type', type)
      .header('content-disposition', `attachment; filename="journal.${query.format}"`)
      .send(body);
  }
}

import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { pipeline } from 'node:stream';
import { Roles } from '../auth/roles.decorator';
import { InvalidInput } from '../common/errors/common-errors';
import { ExportQuery, JournalPageQuery } from './dto/journal-page.query';
import { journalFormatter } from './journal-export';
import { JournalReaderService } from './journal-reader.service';
import { VerifyService } from './verify.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    private readonly journal: JournalReaderService,
    private readonly verifier: VerifyService,
  ) {}

  @Get('transactions')
  transactions(@Query() query: JournalPageQuery) {
    if (query.fromChainIndex === undefined) return this.journal.page(query.afterSeq ?? 0, query.limit);
    if (query.afterSeq !== undefined) throw new InvalidInput('fromChainIndex', 'cannot be combined with afterSeq');
    return this.journal.chainPage(query.fromChainIndex, query.limit);
  }

  @Get('accounts')
  accounts() {
    return this.journal.accounts();
  }

  @Get('verify')
  verify() {
    return this.verifier.verify();
  }

  /** The whole journal, streamed with backpressure. */
  @Get('export')
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

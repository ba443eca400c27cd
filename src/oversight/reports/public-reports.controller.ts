import { Body, Controller, Get, Header, Headers, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { ReportMessageDto } from './dto/report-message.dto';
import { SubmitReportDto } from './dto/submit-report.dto';
import { ReportRateLimitGuard } from './report-rate-limit.guard';
import { ReportsService } from './reports.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

const RECEIPT_HEADER = 'x-report-receipt';

/**
 * The whistleblower channel: no key (one sent is ignored), answers never cached. The request
 * log of these routes holds neither address nor user agent nor receipt (src/logging).
 */
@ApiTags('reports (whistleblower)')
@Public()
@UseGuards(ReportRateLimitGuard)
@Controller('v1/reports')
export class PublicReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The receipt is shown once; keep it to follow up. */
  @Post()
  @Command({ secretInResponse: true })
  @Header('cache-control', 'no-store')
  @ApiJson(201, 'ReportReceipt', 'The report id and its receipt, shown this once')
  @ApiRefusals('TOO_MANY_REPORTS')
  @ApiOperation({ summary: 'Submit a whistleblower report' })
  submit(@Body() dto: SubmitReportDto) {
    return this.reports.submit(dto);
  }

  @Get('mine')
  @Header('cache-control', 'no-store')
  @ApiHeader({ name: 'X-Report-Receipt', required: true })
  @ApiJson(200, 'ReporterView', 'The report as its reporter sees it')
  @ApiRefusals('TOO_MANY_REPORTS', 'NOT_FOUND')
  @ApiOperation({ summary: 'Read one\'s own report with its receipt' })
  mine(@Headers(RECEIPT_HEADER) receipt: string | undefined) {
    return this.reports.mine(receipt);
  }

  @Post('mine/messages')
  @Command()
  @Header('cache-control', 'no-store')
  @ApiHeader({ name: 'X-Report-Receipt', required: true })
  @ApiJson(201, 'ReporterView', 'The report with the new message')
  @ApiRefusals('TOO_MANY_REPORTS', 'NOT_FOUND')
  @ApiOperation({ summary: 'Add a message to one\'s own report' })
  message(@Headers(RECEIPT_HEADER) receipt: string | undefined, @Body() dto: ReportMessageDto) {
    return this.reports.reporterMessage(receipt, dto.text);
  }
}

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { ReportMessageDto } from './dto/report-message.dto';
import { ReportsService } from './reports.service';
import { ApiJson } from '../../common/openapi/api-answer.decorator';

/** Reports as their handlers (monitors) read them: decrypted. */
@ApiTags('reports (monitors)')
@Roles('monitor')
@Controller('v1/reports')
export class MonitorReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/ReportSummary' } }, 'Every report')
  @ApiOperation({ summary: 'List whistleblower reports' })
  list() {
    return this.reports.list();
  }

  @Get(':id')
  @ApiJson(200, 'Report', 'The report, decrypted, with its messages')
  @ApiOperation({ summary: 'Read a whistleblower report' })
  get(@UuidParam() id: string) {
    return this.reports.get(id);
  }

  @Post(':id/messages')
  @Command()
  @ApiJson(201, 'Report', 'The report with the new message')
  @ApiOperation({ summary: 'Answer a whistleblower report' })
  message(@UuidParam() id: string, @Body() dto: ReportMessageDto, @CurrentPrincipal() monitor: Principal) {
    return this.reports.monitorMessage(id, dto.text, monitor);
  }

  @Post(':id/close')
  @Command()
  @HttpCode(200)
  @ApiJson(200, 'Report', 'The closed report')
  @ApiOperation({ summary: 'Close a whistleblower report' })
  close(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() monitor: Principal) {
    return this.reports.close(id, dto.reason, monitor);
  }
}

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { ReportMessageDto } from './dto/report-message.dto';
import { ReportsService } from './reports.service';

/** Reports as their handlers (monitors) read them: decrypted. */
@ApiTags('reports (monitors)')
@ApiBearerAuth()
@Roles('monitor')
@Controller('v1/reports')
export class MonitorReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  list() {
    return this.reports.list();
  }

  @Get(':id')
  get(@UuidParam() id: string) {
    return this.reports.get(id);
  }

  @Post(':id/messages')
  @Command()
  message(@UuidParam() id: string, @Body() dto: ReportMessageDto, @CurrentPrincipal() monitor: Principal) {
    return this.reports.monitorMessage(id, dto.text, monitor);
  }

  @Post(':id/close')
  @Command()
  @HttpCode(200)
  close(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() monitor: Principal) {
    return this.reports.close(id, dto.reason, monitor);
  }
}

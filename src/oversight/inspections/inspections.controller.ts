import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { DrawInspectionsDto, InspectionFindingDto, ScheduleInspectionDto } from './dto/schedule-inspection.dto';
import { InspectionsService } from './inspections.service';

@ApiTags('inspections')
@ApiBearerAuth()
@Controller('v1/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Command()
  @Roles('admin', 'monitor')
  schedule(@Body() dto: ScheduleInspectionDto, @CurrentPrincipal() actor: Principal) {
    return this.inspections.schedule(dto, actor);
  }

  @Post('draw')
  @Command()
  @Roles('admin')
  draw(@Body() dto: DrawInspectionsDto, @CurrentPrincipal() admin: Principal) {
    return this.inspections.draw(dto, admin);
  }

  /** The inspections the caller may see (unannounced ones: admins and the assigned monitor, until the finding). */
  @Get()
  @Roles('admin', 'monitor', 'auditor')
  list(@CurrentPrincipal() viewer: Principal) {
    return this.inspections.list(viewer);
  }

  @Get(':id')
  @Roles('admin', 'monitor', 'auditor')
  get(@UuidParam() id: string, @CurrentPrincipal() viewer: Principal) {
    return this.inspections.get(id, viewer);
  }

  /** The assigned monitor only. */
  @Post(':id/findings')
  @Command()
  @Roles('monitor')
  finding(@UuidParam() id: string, @Body() dto: InspectionFindingDto, @CurrentPrincipal() monitor: Principal) {
    return this.inspections.finding(id, dto, monitor);
  }
}

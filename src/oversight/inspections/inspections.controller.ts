import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { DrawInspectionsDto, InspectionFindingDto, ScheduleInspectionDto } from './dto/schedule-inspection.dto';
import { InspectionsService } from './inspections.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('inspections')
@Controller('v1/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Command()
  @Roles('admin', 'monitor')
  @ApiJson(201, 'Inspection', 'The inspection')
  @ApiRefusals('NOT_FOUND')
  @ApiOperation({ summary: 'Schedule an inspection' })
  schedule(@Body() dto: ScheduleInspectionDto, @CurrentPrincipal() actor: Principal) {
    return this.inspections.schedule(dto, actor);
  }

  @Post('draw')
  @Command()
  @Roles('admin')
  @ApiJson(201, { type: 'array', items: { $ref: '#/components/schemas/Inspection' } }, 'The inspections the draw scheduled')
  @ApiOperation({ summary: 'Draw snap inspections' })
  draw(@Body() dto: DrawInspectionsDto, @CurrentPrincipal() admin: Principal) {
    return this.inspections.draw(dto, admin);
  }

  /** The inspections the caller may see (unannounced ones: admins and the assigned monitor, until the finding). */
  @Get()
  @Roles('admin', 'monitor', 'auditor')
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/Inspection' } }, 'The inspections the caller may see')
  @ApiOperation({ summary: 'List inspections' })
  list(@CurrentPrincipal() viewer: Principal) {
    return this.inspections.list(viewer);
  }

  @Get(':id')
  @Roles('admin', 'monitor', 'auditor')
  @ApiJson(200, 'Inspection', 'The inspection')
  @ApiOperation({ summary: 'Get an inspection' })
  get(@UuidParam() id: string, @CurrentPrincipal() viewer: Principal) {
    return this.inspections.get(id, viewer);
  }

  /** The assigned monitor only. */
  @Post(':id/findings')
  @Command()
  @Roles('monitor')
  @ApiJson(201, 'Inspection', 'The inspection with its finding')
  @ApiRefusals('SIGNATURE_INVALID')
  @ApiOperation({ summary: 'Record an inspection\'s finding' })
  finding(@UuidParam() id: string, @Body() dto: InspectionFindingDto, @CurrentPrincipal() monitor: Principal) {
    return this.inspections.finding(id, dto, monitor);
  }
}

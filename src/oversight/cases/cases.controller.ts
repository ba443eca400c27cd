import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { CasesService } from './cases.service';
import { CaseFindingDto, LiftCaseDto } from './dto/case-finding.dto';
import { OpenCaseDto } from './dto/open-case.dto';
import { RecoveryDto, RepaymentDto } from './dto/recovery.dto';
import { RecoveriesService } from './recoveries.service';

@ApiTags('violation cases')
@ApiBearerAuth()
@Controller('v1/violation-cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly recoveries: RecoveriesService,
  ) {}

  @Post()
  @Command()
  @Roles('monitor')
  open(@Body() dto: OpenCaseDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.open(dto, monitor);
  }

  @Get()
  @Roles('admin', 'monitor', 'auditor')
  list() {
    return this.cases.list();
  }

  @Get(':id')
  @Roles('admin', 'monitor', 'auditor')
  get(@UuidParam() id: string) {
    return this.cases.get(id);
  }

  /** At the quorum of verify, every release in scope stops in this same transaction. */
  @Post(':id/findings')
  @Command()
  @Roles('monitor')
  finding(@UuidParam() id: string, @Body() dto: CaseFindingDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.finding(id, dto, monitor);
  }

  @Post(':id/lift')
  @Command()
  @HttpCode(200)
  @Roles('monitor')
  lift(@UuidParam() id: string, @Body() dto: LiftCaseDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.lift(id, dto, monitor);
  }

  @Post(':id/recoveries')
  @Command()
  @Roles('admin')
  claim(@UuidParam() id: string, @Body() dto: RecoveryDto, @CurrentPrincipal() admin: Principal) {
    return this.recoveries.claim(id, dto, admin);
  }

  @Post(':id/repayments')
  @Command()
  @Roles('admin')
  repay(@UuidParam() id: string, @Body() dto: RepaymentDto, @CurrentPrincipal() admin: Principal) {
    return this.recoveries.repay(id, dto, admin);
  }
}

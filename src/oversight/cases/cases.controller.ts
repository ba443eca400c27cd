import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { CasesService } from './cases.service';
import { CaseFindingDto, LiftCaseDto } from './dto/case-finding.dto';
import { OpenCaseDto } from './dto/open-case.dto';
import { RecoveryDto, RepaymentDto } from './dto/recovery.dto';
import { RecoveriesService } from './recoveries.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('violation cases')
@Controller('v1/violation-cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly recoveries: RecoveriesService,
  ) {}

  @Post()
  @Command()
  @Roles('monitor')
  @ApiJson(201, 'ViolationCase', 'The case')
  @ApiRefusals('NOT_FOUND')
  @ApiOperation({ summary: 'Open a violation case' })
  open(@Body() dto: OpenCaseDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.open(dto, monitor);
  }

  @Get()
  @Roles('admin', 'monitor', 'auditor')
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/ViolationCase' } }, 'Every case')
  @ApiOperation({ summary: 'List violation cases' })
  list() {
    return this.cases.list();
  }

  @Get(':id')
  @Roles('admin', 'monitor', 'auditor')
  @ApiJson(200, 'ViolationCase', 'The case with its findings')
  @ApiOperation({ summary: 'Get a violation case' })
  get(@UuidParam() id: string) {
    return this.cases.get(id);
  }

  /** At the quorum of verify, every release in scope stops in this same transaction. */
  @Post(':id/findings')
  @Command()
  @Roles('monitor')
  @ApiJson(201, 'ViolationCase', 'The case with the new finding')
  @ApiRefusals('SIGNATURE_INVALID')
  @ApiOperation({ summary: 'Record a finding on a violation case' })
  finding(@UuidParam() id: string, @Body() dto: CaseFindingDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.finding(id, dto, monitor);
  }

  @Post(':id/lift')
  @Command()
  @HttpCode(200)
  @Roles('monitor')
  @ApiJson(200, 'ViolationCase', 'The case, lifted')
  @ApiRefusals('SIGNATURE_INVALID')
  @ApiOperation({ summary: 'Lift a verified violation case' })
  lift(@UuidParam() id: string, @Body() dto: LiftCaseDto, @CurrentPrincipal() monitor: Principal) {
    return this.cases.lift(id, dto, monitor);
  }

  @Post(':id/recoveries')
  @Command()
  @Roles('admin')
  @ApiJson(201, 'Recovery', 'The recovery claim')
  @ApiRefusals('CLAIM_EXCEEDS_RELEASED')
  @ApiOperation({ summary: 'Claim a recovery of released money' })
  claim(@UuidParam() id: string, @Body() dto: RecoveryDto, @CurrentPrincipal() admin: Principal) {
    return this.recoveries.claim(id, dto, admin);
  }

  @Post(':id/repayments')
  @Command()
  @Roles('admin')
  @ApiJson(201, 'Repayment', 'The repayment')
  @ApiRefusals('REPAYMENT_EXCEEDS_CLAIM')
  @ApiOperation({ summary: 'Record a repayment of a recovery' })
  repay(@UuidParam() id: string, @Body() dto: RepaymentDto, @CurrentPrincipal() admin: Principal) {
    return this.recoveries.repay(id, dto, admin);
  }
}

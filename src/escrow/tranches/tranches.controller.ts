import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { CreateTrancheDto } from './dto/create-tranche.dto';
import { TranchesService } from './tranches.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('tranches')
@Controller('v1')
export class TranchesController {
  constructor(private readonly tranches: TranchesService) {}

  @Post('escrow-accounts/:id/tranches')
  @Command()
  @Roles('donor')
  @ApiJson(201, 'Tranche', 'The tranche')
  @ApiRefusals('INSUFFICIENT_FUNDS', 'ACCOUNT_CLOSED', 'ACCOUNT_SUSPENDED', 'ROLE_MISMATCH', 'VIOLATION_VERIFIED')
  @ApiOperation({ summary: 'Allocate a tranche' })
  allocate(@UuidParam() escrowAccountId: string, @Body() dto: CreateTrancheDto, @CurrentPrincipal() donor: Principal) {
    return this.tranches.allocate(escrowAccountId, dto, donor);
  }

  @Get('escrow-accounts/:id/tranches')
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/Tranche' } }, 'The account’s tranches')
  @ApiOperation({ summary: 'List an account\'s tranches' })
  list(@UuidParam() escrowAccountId: string) {
    return this.tranches.listByEscrow(escrowAccountId);
  }

  @Get('tranches/:id')
  @ApiJson(200, 'Tranche', 'The tranche')
  @ApiOperation({ summary: 'Get a tranche' })
  get(@UuidParam() id: string) {
    return this.tranches.get(id);
  }

  /** The donor organization that allocated the tranche, or an admin. */
  @Post('tranches/:id/cancel')
  @Command()
  @HttpCode(200)
  @Roles('donor', 'admin')
  @ApiJson(200, 'Tranche', 'The cancelled tranche')
  @ApiRefusals('INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Cancel a tranche' })
  cancel(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.tranches.cancel(id, dto.reason, actor);
  }
}

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { CreateTrancheDto } from './dto/create-tranche.dto';
import { TranchesService } from './tranches.service';

@ApiTags('tranches')
@ApiBearerAuth()
@Controller('v1')
export class TranchesController {
  constructor(private readonly tranches: TranchesService) {}

  @Post('escrow-accounts/:id/tranches')
  @Command()
  @Roles('donor')
  allocate(@UuidParam() escrowAccountId: string, @Body() dto: CreateTrancheDto, @CurrentPrincipal() donor: Principal) {
    return this.tranches.allocate(escrowAccountId, dto, donor);
  }

  @Get('escrow-accounts/:id/tranches')
  list(@UuidParam() escrowAccountId: string) {
    return this.tranches.listByEscrow(escrowAccountId);
  }

  @Get('tranches/:id')
  get(@UuidParam() id: string) {
    return this.tranches.get(id);
  }

  /** The donor organization that allocated the tranche, or an admin. */
  @Post('tranches/:id/cancel')
  @Command()
  @HttpCode(200)
  @Roles('donor', 'admin')
  cancel(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.tranches.cancel(id, dto.reason, actor);
  }
}

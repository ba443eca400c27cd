import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { AccountsService } from './accounts.service';
import { CreateDepositDto } from './dto/create-deposit.dto';
import { CreateEscrowAccountDto } from './dto/create-escrow-account.dto';

@ApiTags('escrow accounts')
@ApiBearerAuth()
@Controller('v1/escrow-accounts')
export class AccountsController {
  constructor(private readonly escrow: AccountsService) {}

  @Post()
  @Command()
  @Roles('admin')
  create(@Body() dto: CreateEscrowAccountDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.create(dto, actor);
  }

  @Get()
  list() {
    return this.escrow.list();
  }

  @Get(':id')
  get(@UuidParam() id: string) {
    return this.escrow.get(id);
  }

  @Post(':id/deposits')
  @Command()
  @Roles('donor')
  deposit(@UuidParam() id: string, @Body() dto: CreateDepositDto, @CurrentPrincipal() donor: Principal) {
    return this.escrow.deposit(id, dto, donor);
  }

  @Post(':id/suspend')
  @Command()
  @HttpCode(200)
  @Roles('admin', 'monitor')
  suspend(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.suspend(id, dto.reason, actor);
  }

  @Post(':id/resume')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  resume(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.resume(id, dto.reason, actor);
  }

  @Post(':id/close')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  close(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.close(id, dto.reason, actor);
  }
}

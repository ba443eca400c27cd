import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { CurrentCommand } from '../../commands/current-command.decorator';
import { CommandContext } from '../../commands/unit-of-work';
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

  /** Batched: gathered with concurrent deposits into one statement (DepositBatcher), checked as any command. */
  @Post(':id/deposits')
  @Command({ batched: true })
  @Roles('donor')
  deposit(@UuidParam() id: string, @Body() dto: CreateDepositDto, @CurrentPrincipal() donor: Principal, @CurrentCommand() command: CommandContext) {
    return this.escrow.depositBatched(id, dto, donor, command);
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

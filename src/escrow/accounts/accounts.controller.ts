import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { CurrentCommand } from '../../commands/current-command.decorator';
import { CommandContext } from '../../commands/unit-of-work';
import { AccountsService } from './accounts.service';
import { CreateDepositDto } from './dto/create-deposit.dto';
import { CreateEscrowAccountDto } from './dto/create-escrow-account.dto';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('escrow accounts')
@Controller('v1/escrow-accounts')
export class AccountsController {
  constructor(private readonly escrow: AccountsService) {}

  @Post()
  @Command()
  @Roles('admin')
  @ApiJson(201, 'EscrowAccount', 'The new account')
  @ApiOperation({ summary: 'Open an escrow account' })
  create(@Body() dto: CreateEscrowAccountDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.create(dto, actor);
  }

  @Get()
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/EscrowAccount' } }, 'Every escrow account')
  @ApiOperation({ summary: 'List escrow accounts' })
  list() {
    return this.escrow.list();
  }

  @Get(':id')
  @ApiJson(200, 'EscrowAccount', 'The account with its balances and donors')
  @ApiOperation({ summary: 'Get an escrow account' })
  get(@UuidParam() id: string) {
    return this.escrow.get(id);
  }

  /** Batched: gathered with concurrent deposits into one statement (DepositBatcher), checked as any command. */
  @Post(':id/deposits')
  @Command({ batched: true })
  @Roles('donor')
  @ApiJson(201, 'Deposit', 'The deposit')
  @ApiRefusals('ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Deposit into an escrow account' })
  deposit(@UuidParam() id: string, @Body() dto: CreateDepositDto, @CurrentPrincipal() donor: Principal, @CurrentCommand() command: CommandContext) {
    return this.escrow.depositBatched(id, dto, donor, command);
  }

  @Post(':id/suspend')
  @Command()
  @HttpCode(200)
  @Roles('admin', 'monitor')
  @ApiJson(200, 'EscrowAccount', 'The suspended account')
  @ApiRefusals('INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Suspend an escrow account' })
  suspend(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.suspend(id, dto.reason, actor);
  }

  @Post(':id/resume')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'EscrowAccount', 'The resumed account')
  @ApiRefusals('INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Resume a suspended escrow account' })
  resume(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.resume(id, dto.reason, actor);
  }

  @Post(':id/close')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'EscrowAccount', 'The closed account')
  @ApiRefusals('INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Close an escrow account' })
  close(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() actor: Principal) {
    return this.escrow.close(id, dto.reason, actor);
  }
}

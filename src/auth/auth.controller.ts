import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Command } from '../common/http/command.decorator';
import { EmptyBody } from '../common/validation/empty-body.pipe';
import { OptionalReasonDto } from '../common/validation/optional-reason.dto';
import { UuidParam } from '../common/validation/uuid-param.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import { ClaimPrincipalDto } from './dto/claim-principal.dto';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { CreatePrincipalDto } from './dto/create-principal.dto';
import { GovernanceService } from './governance.service';
import { Principal } from './principal';
import { Public, Roles } from './roles.decorator';

@ApiTags('organizations and principals')
@ApiBearerAuth()
@Controller('v1')
export class AuthController {
  constructor(private readonly governance: GovernanceService) {}

  @Post('organizations')
  @Command()
  @Roles('admin')
  createOrganization(@Body() dto: CreateOrganizationDto, @CurrentPrincipal() admin: Principal) {
    return this.governance.createOrganization(dto.name, dto.type, admin, { iatiRef: dto.iatiRef, iatiType: dto.iatiType });
  }

  /** 202: a second admin approves (see API.md, "Governance"); the claim token is shown this once. */
  @Post('principals')
  @HttpCode(202)
  @Command({ secretInResponse: true })
  @Roles('admin')
  requestPrincipal(@Body() dto: CreatePrincipalDto, @CurrentPrincipal() admin: Principal) {
    return this.governance.requestPrincipal(dto, admin);
  }

  @Get('principals')
  @Roles('admin', 'auditor')
  list() {
    return this.governance.list();
  }

  /** An admin other than the requester; in a donor organization with members, one of them. */
  @Post('principals/:id/approve')
  @HttpCode(200)
  @Command()
  @Roles('admin', 'donor')
  approve(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() approver: Principal) {
    return this.governance.approvePrincipal(id, approver);
  }

  /** No key: the claim token is the credential. The API key is shown this once. */
  @Post('principals/claim')
  @HttpCode(200)
  @Public()
  @Command({ secretInResponse: true })
  claim(@Body() dto: ClaimPrincipalDto) {
    return this.governance.claim(dto.claimToken);
  }

  @Post('principals/:id/revoke')
  @HttpCode(204)
  @Command()
  @Roles('admin')
  async revoke(@UuidParam() id: string, @Body() dto: OptionalReasonDto, @CurrentPrincipal() admin: Principal): Promise<void> {
    await this.governance.revoke(id, dto.reason, admin);
  }
}

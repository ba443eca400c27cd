import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Command } from '../common/http/command.decorator';
import { EmptyBody } from '../common/validation/empty-body.pipe';
import { OptionalReasonDto } from '../common/validation/optional-reason.dto';
import { UuidParam } from '../common/validation/uuid-param.decorator';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import { ClaimPrincipalDto } from './dto/claim-principal.dto';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { CreatePrincipalDto } from './dto/create-principal.dto';
import { GovernanceService } from './governance.service';
import { Principal } from '../common/access/principal';
import { Public, Roles } from '../common/access/roles.decorator';
import { ApiAnswers, ApiJson, ApiRefusals } from '../common/openapi/api-answer.decorator';

@ApiTags('organizations and principals')
@Controller('v1')
export class AuthController {
  constructor(private readonly governance: GovernanceService) {}

  @Post('organizations')
  @Command()
  @Roles('admin')
  @ApiJson(201, 'Organization', 'The organization')
  @ApiOperation({ summary: 'Create an organization' })
  createOrganization(@Body() dto: CreateOrganizationDto, @CurrentPrincipal() admin: Principal) {
    return this.governance.createOrganization(dto.name, dto.type, admin, { iatiRef: dto.iatiRef, iatiType: dto.iatiType });
  }

  /** 202: a second admin approves (see API.md, "Governance"); the claim token is shown this once. */
  @Post('principals')
  @HttpCode(202)
  @Command({ secretInResponse: true })
  @Roles('admin')
  @ApiJson(202, 'PrincipalRequest', 'The request, with the claim token shown this once')
  @ApiRefusals('NOT_FOUND', 'ROLE_MISMATCH', 'EMAIL_IN_USE')
  @ApiOperation({ summary: 'Request a principal (a second admin approves)' })
  requestPrincipal(@Body() dto: CreatePrincipalDto, @CurrentPrincipal() admin: Principal) {
    return this.governance.requestPrincipal(dto, admin);
  }

  @Get('principals')
  @Roles('admin', 'auditor')
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/Principal' } }, 'Every principal')
  @ApiOperation({ summary: 'List principals' })
  list() {
    return this.governance.list();
  }

  /** An admin other than the requester; in a donor organization with members, one of them. */
  @Post('principals/:id/approve')
  @HttpCode(200)
  @Command()
  @Roles('admin', 'donor')
  @ApiJson(200, 'PrincipalApproval', 'The approved request')
  @ApiRefusals('FOUR_EYES', 'INVALID_STATE', 'ROLE_MISMATCH', 'EMAIL_IN_USE')
  @ApiOperation({ summary: 'Approve a requested principal' })
  approve(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() approver: Principal) {
    return this.governance.approvePrincipal(id, approver);
  }

  /** No key: the claim token is the credential. The API key is shown this once. */
  @Post('principals/claim')
  @HttpCode(200)
  @Public()
  @Command({ secretInResponse: true })
  @ApiJson(200, 'ClaimedPrincipal', 'The principal with its API key, shown this once')
  @ApiRefusals('NOT_FOUND', 'INVALID_STATE')
  @ApiOperation({ summary: 'Claim a principal\'s API key with its claim token' })
  claim(@Body() dto: ClaimPrincipalDto) {
    return this.governance.claim(dto.claimToken);
  }

  @Post('principals/:id/revoke')
  @HttpCode(204)
  @Command()
  @Roles('admin')
  @ApiAnswers({ status: 204, description: 'Revoked: the key does nothing from now on' })
  @ApiOperation({ summary: 'Revoke a principal\'s key' })
  async revoke(@UuidParam() id: string, @Body() dto: OptionalReasonDto, @CurrentPrincipal() admin: Principal): Promise<void> {
    await this.governance.revoke(id, dto.reason, admin);
  }
}

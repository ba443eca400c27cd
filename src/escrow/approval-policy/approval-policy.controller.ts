import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { EmptyBody } from '../../common/validation/empty-body.pipe';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { ApprovalPolicyService } from './approval-policy.service';
import { ProposeApprovalPolicyDto } from './dto/propose-approval-policy.dto';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('approval policy')
@Controller('v1')
export class ApprovalPolicyController {
  constructor(private readonly policies: ApprovalPolicyService) {}

  @Get('escrow-accounts/:id/approval-policy')
  @ApiJson(200, 'ApprovalPolicy', 'The account’s approval tiers')
  @ApiOperation({ summary: 'Get an account\'s approval policy' })
  get(@UuidParam() escrowAccountId: string) {
    return this.policies.get(escrowAccountId);
  }

  /** Proposes new tiers (202): they apply once another admin approves them. */
  @Post('escrow-accounts/:id/approval-policy')
  @Command()
  @HttpCode(202)
  @Roles('admin')
  @ApiJson(202, 'ApprovalPolicyChange', 'The proposed change, waiting for another admin')
  @ApiOperation({ summary: 'Propose new approval tiers' })
  propose(@UuidParam() escrowAccountId: string, @Body() dto: ProposeApprovalPolicyDto, @CurrentPrincipal() admin: Principal) {
    return this.policies.propose(escrowAccountId, dto, admin);
  }

  @Get('approval-policy-changes/:id')
  @ApiJson(200, 'ApprovalPolicyChange', 'The proposed change')
  @ApiOperation({ summary: 'Get a proposed approval policy change' })
  getChange(@UuidParam() id: string) {
    return this.policies.view(id);
  }

  @Post('approval-policy-changes/:id/approve')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'ApprovalPolicyChange', 'The applied change')
  @ApiRefusals('FOUR_EYES', 'INVALID_STATE')
  @ApiOperation({ summary: 'Approve an approval policy change' })
  approve(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() admin: Principal) {
    return this.policies.approve(id, admin);
  }

  @Post('approval-policy-changes/:id/reject')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'ApprovalPolicyChange', 'The rejected change')
  @ApiRefusals('INVALID_STATE')
  @ApiOperation({ summary: 'Reject an approval policy change' })
  reject(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() admin: Principal) {
    return this.policies.reject(id, dto.reason, admin);
  }
}

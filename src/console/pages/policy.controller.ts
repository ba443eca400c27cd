import { Body, Get, Post, Redirect, Req } from '@nestjs/common';
import { InvalidInput } from '../../common/errors/common-errors';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { ApprovalPolicyService } from '../../escrow/approval-policy/approval-policy.service';
import { ProposeApprovalPolicyDto } from '../../escrow/approval-policy/dto/propose-approval-policy.dto';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, HtmlPage, seeOther } from '../http/console-access';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { fields, formDto } from '../http/form-dto';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { PolicyChangesPage } from './policy.views';

/**
 * Approval policies (how many admins approve a release, by amount), changed four-eyes: one admin
 * proposes on the account's page, another approves here or there (API.md, "Release policy").
 */
@ConsoleController()
export class PolicyPagesController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly policies: ApprovalPolicyService,
  ) {}

  @Get('policy-changes')
  @HtmlPage()
  @ConsoleRoles('admin')
  async pendingPage(@Req() request: ConsoleRequest): Promise<string> {
    const [accounts, directory] = await Promise.all([this.reads.listAccounts(), this.reads.directory()]);
    const pending = [];
    for (const account of accounts) for (const change of (await this.policies.get(account.id)).pendingChanges) pending.push({ account, change });
    return renderDocument(PolicyChangesPage({ context: pageContext(request), pending, directory, me: request.principal! }));
  }

  @Post('accounts/:id/approval-policy')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async propose(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const dto = await formDto(ProposeApprovalPolicyDto, { tiers: parseTiers(fields(form, 'tiers').tiers) } as never);
    await this.policies.propose(id, dto, request.principal!);
    return seeOther(`/console/accounts/${id}`);
  }

  @Post('policy-changes/:id/approve')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async approve(@UuidParam() id: string, @Req() request: ConsoleRequest) {
    const change = await this.policies.approve(id, request.principal!);
    return seeOther(request.consoleBack ?? `/console/accounts/${change.escrowAccountId}`);
  }

  @Post('policy-changes/:id/reject')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async reject(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const { reason } = fields(form, 'reason');
    if (reason === '') throw new InvalidInput('reason', 'must say why');
    const change = await this.policies.reject(id, reason, request.principal!);
    return seeOther(request.consoleBack ?? `/console/accounts/${change.escrowAccountId}`);
  }
}

/** "0 1; 250000.00 2 distinct", tiers separated by semicolons, as the DTO's tiers (the DTO and the service check the rest). */
export function parseTiers(text: string): { minAmount: string; approvals: number | string; distinctOrganizations: boolean }[] {
  const lines = text.split(/;|\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) throw new InvalidInput('tiers', 'must name at least one tier');
  return lines.map((line, i) => {
    const [minAmount, approvals, distinct, ...rest] = line.split(/[\s,]+/);
    if (approvals === undefined || rest.length > 0 || (distinct !== undefined && distinct.toLowerCase() !== 'distinct')) {
      throw new InvalidInput(`tiers.${i}`, `line "${line}" must read: minimum amount, approvals, and optionally "distinct"`);
    }
    return { minAmount, approvals: /^\d{1,2}$/.test(approvals) ? Number(approvals) : approvals, distinctOrganizations: distinct !== undefined };
  });
}

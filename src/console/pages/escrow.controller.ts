import { Body, Get, Post, Query, Redirect, Req } from '@nestjs/common';
import { Command } from '../../common/http/command.decorator';
import { InvalidInput, NotFound } from '../../common/errors/common-errors';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { CreateDepositDto } from '../../escrow/accounts/dto/create-deposit.dto';
import { CreateEscrowAccountDto } from '../../escrow/accounts/dto/create-escrow-account.dto';
import { AccountsService } from '../../escrow/accounts/accounts.service';
import { ApprovalPolicyService } from '../../escrow/approval-policy/approval-policy.service';
import { BenchmarksService } from '../../escrow/benchmarks/benchmarks.service';
import { CreateBenchmarkDto } from '../../escrow/benchmarks/dto/create-benchmark.dto';
import { CreateSignoffDto } from '../../escrow/benchmarks/dto/create-signoff.dto';
import { ReleasesService } from '../../escrow/releases/releases.service';
import { CreateTrancheDto } from '../../escrow/tranches/dto/create-tranche.dto';
import { TranchesService } from '../../escrow/tranches/tranches.service';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, HtmlPage, seeOther } from '../http/console-access';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { fields, formDto, integerField } from '../http/form-dto';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { evidenceField, evidenceQuery } from './evidence-fields';
import { AccountPage, AccountsPage, BenchmarkPage, TranchePage } from './escrow.views';

/**
 * Escrow accounts, tranches and benchmarks, for every role as its powers allow. Each form calls
 * the service the API calls, with the API's own DTO rules, as a command (one unit of work).
 */
@ConsoleController()
export class EscrowPagesController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly accounts: AccountsService,
    private readonly tranches: TranchesService,
    private readonly benchmarks: BenchmarksService,
    private readonly releases: ReleasesService,
    private readonly policies: ApprovalPolicyService,
  ) {}

  @Get('accounts')
  @HtmlPage()
  async list(@Req() request: ConsoleRequest): Promise<string> {
    const me = request.consoleSession!.principal;
    return renderDocument(AccountsPage({ context: pageContext(request), accounts: await this.reads.listAccounts(), me }));
  }

  @Post('accounts')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async open(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'name', 'currency', 'country', 'description');
    const account = await this.accounts.create(await formDto(CreateEscrowAccountDto, { ...f, country: f.country.toUpperCase() }), request.principal!);
    return seeOther(`/console/accounts/${account.id}`);
  }

  @Get('accounts/:id')
  @HtmlPage()
  async account(@UuidParam() id: string, @Req() request: ConsoleRequest): Promise<string> {
    const me = request.principal!;
    const [account, tranches, directory, policy] = await Promise.all([
      this.accounts.get(id),
      this.tranches.listByEscrow(id),
      this.reads.directory(),
      me.role === 'admin' ? this.policies.get(id) : undefined,
    ]);
    return renderDocument(AccountPage({ context: pageContext(request), account, tranches, me, directory, policy }));
  }

  @Post('accounts/:id/deposits')
  @Command()
  @Redirect()
  @ConsoleRoles('donor')
  async deposit(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.accounts.deposit(id, await formDto(CreateDepositDto, fields(form, 'amount', 'reference')), request.principal!);
    return seeOther(`/console/accounts/${id}`);
  }

  @Post('accounts/:id/tranches')
  @Command()
  @Redirect()
  @ConsoleRoles('donor')
  async allocate(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'category', 'phase', 'amount', 'recipientOrganizationId', 'description');
    if (!f.recipientOrganizationId) throw new InvalidInput('recipient', 'must be chosen');
    const dto = await formDto(CreateTrancheDto, { ...f, phase: integerField(f.phase) });
    const tranche = await this.tranches.allocate(id, dto, request.principal!);
    return seeOther(`/console/tranches/${tranche.id}`);
  }

  @Post('accounts/:id/suspend')
  @Command()
  @Redirect()
  @ConsoleRoles('admin', 'monitor')
  async suspend(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.accounts.suspend(id, reason(form), request.principal!);
    return seeOther(`/console/accounts/${id}`);
  }

  @Post('accounts/:id/resume')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async resume(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.accounts.resume(id, reason(form), request.principal!);
    return seeOther(`/console/accounts/${id}`);
  }

  @Post('accounts/:id/close')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async close(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.accounts.close(id, reason(form), request.principal!);
    return seeOther(`/console/accounts/${id}`);
  }

  @Get('tranches/:id')
  @HtmlPage()
  async tranche(@UuidParam() id: string, @Req() request: ConsoleRequest): Promise<string> {
    const tranche = await this.tranches.get(id);
    const [account, releases, directory] = await Promise.all([this.accounts.get(tranche.escrowAccountId), this.reads.releasesOf(id), this.reads.directory()]);
    return renderDocument(TranchePage({ context: pageContext(request), account, tranche, releases, me: request.principal!, directory }));
  }

  @Post('tranches/:id/cancel')
  @Command()
  @Redirect()
  @ConsoleRoles('donor', 'admin')
  async cancel(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.tranches.cancel(id, reason(form), request.principal!);
    return seeOther(`/console/tranches/${id}`);
  }

  @Post('tranches/:id/benchmarks')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async addBenchmark(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'kind', 'description', 'requiredApprovals');
    await this.benchmarks.add(id, await formDto(CreateBenchmarkDto, { ...f, requiredApprovals: integerField(f.requiredApprovals) }), request.principal!);
    return seeOther(`/console/tranches/${id}`);
  }

  @Post('tranches/:id/release-requests')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async requestRelease(@UuidParam() id: string, @Req() request: ConsoleRequest) {
    // The default instalment: what may be released now (API.md, "Release policy").
    await this.releases.request(id, {}, request.principal!);
    return seeOther('/console/releases');
  }

  @Get('benchmarks/:id')
  @HtmlPage()
  async benchmark(@UuidParam() id: string, @Req() request: ConsoleRequest, @Query('evidence') evidence?: string): Promise<string> {
    const me = request.principal!;
    const benchmark = await this.benchmarks.get(id);
    const tranche = await this.tranches.get(benchmark.trancheId);
    const [account, directory, mustSign] = await Promise.all([this.accounts.get(tranche.escrowAccountId), this.reads.directory(), this.reads.mustSign(me)]);
    const eligible = me.role === 'monitor' && me.organizationId !== tranche.donorOrganizationId && me.organizationId !== tranche.recipientOrganizationId;
    return renderDocument(BenchmarkPage({ context: pageContext(request), account, tranche, benchmark, directory, eligible, mustSign, evidence: evidenceQuery(evidence) }));
  }

  @Post('benchmarks/:id/signoffs')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async signoff(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'decision', 'evidence', 'comment', 'evidenceFiles');
    const dto = await formDto(CreateSignoffDto, { decision: f.decision, evidence: f.evidence, comment: f.comment });
    dto.evidenceFiles = evidenceField(f.evidenceFiles);
    const benchmark = await this.benchmarks.signoff(id, dto, request.principal!);
    if (!benchmark) throw new NotFound('benchmark', id);
    return seeOther('/console');
  }
}

function reason(form: FormFields): string {
  const { reason: text } = fields(form, 'reason');
  if (text === '') throw new InvalidInput('reason', 'must say why');
  return text;
}

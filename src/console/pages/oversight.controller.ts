import { Body, Get, Post, Query, Redirect, Req } from '@nestjs/common';
import { InvalidInput } from '../../common/errors/common-errors';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { EvidenceService } from '../../evidence/evidence.service';
import { CaseFindingDto, LiftCaseDto } from '../../oversight/cases/dto/case-finding.dto';
import { OpenCaseDto } from '../../oversight/cases/dto/open-case.dto';
import { RecoveryDto, RepaymentDto } from '../../oversight/cases/dto/recovery.dto';
import { CasesService } from '../../oversight/cases/cases.service';
import { RecoveriesService } from '../../oversight/cases/recoveries.service';
import { DrawInspectionsDto, InspectionFindingDto, ScheduleInspectionDto } from '../../oversight/inspections/dto/schedule-inspection.dto';
import { InspectionsService } from '../../oversight/inspections/inspections.service';
import { ReportsService } from '../../oversight/reports/reports.service';
import { SCOPE_FIELD, SCOPE_KINDS, ScopeKind } from '../../escrow/holds/escrow-scope';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, ConsoleUpload, HtmlPage, seeOther } from '../http/console-access';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { fields, formDto, integerField } from '../http/form-dto';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { evidenceField, evidenceQuery, list } from './evidence-fields';
import { CasePage, CasesPage, InspectionPage, InspectionsPage, ReportPage, ReportsPage, ScopeNames } from './oversight.views';

/**
 * Oversight in the browser: the reports inbox, violation cases (open, findings, lift; recovery
 * for admins), the inspections assigned to a monitor, and the console's evidence upload. Each
 * form calls the service the API calls, with the API's DTO rules, as one unit of work.
 */
@ConsoleController()
export class OversightPagesController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly reports: ReportsService,
    private readonly cases: CasesService,
    private readonly recoveries: RecoveriesService,
    private readonly inspections: InspectionsService,
    private readonly evidence: EvidenceService,
  ) {}

  // Reports ---------------------------------------------------------------------------------

  @Get('reports')
  @HtmlPage()
  @ConsoleRoles('monitor')
  async reportsPage(@Req() request: ConsoleRequest): Promise<string> {
    return renderDocument(ReportsPage({ context: pageContext(request), reports: await this.reports.list() }));
  }

  @Get('reports/:id')
  @HtmlPage()
  @ConsoleRoles('monitor')
  async reportPage(@UuidParam() id: string, @Req() request: ConsoleRequest): Promise<string> {
    const [report, names] = await Promise.all([this.reports.get(id), this.names()]);
    return renderDocument(ReportPage({ context: pageContext(request), report, names }));
  }

  @Post('reports/:id/messages')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async reply(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const { text } = fields(form, 'text');
    if (text === '') throw new InvalidInput('text', 'must not be empty');
    await this.reports.monitorMessage(id, text, request.principal!);
    return seeOther(`/console/reports/${id}`);
  }

  @Post('reports/:id/close')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async closeReport(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const { reason } = fields(form, 'reason');
    if (reason === '') throw new InvalidInput('reason', 'must say why');
    await this.reports.close(id, reason, request.principal!);
    return seeOther(`/console/reports/${id}`);
  }

  // Cases -----------------------------------------------------------------------------------

  @Get('cases')
  @HtmlPage()
  @ConsoleRoles('monitor', 'admin', 'auditor')
  async casesPage(@Req() request: ConsoleRequest, @Query('report') reportId?: string, @Query('evidence') evidence?: string): Promise<string> {
    const me = request.principal!;
    const report = me.role === 'monitor' && reportId && /^[0-9a-f-]{36}$/.test(reportId) ? await this.reports.get(reportId) : undefined;
    const [cases, names] = await Promise.all([this.cases.list(), this.names()]);
    return renderDocument(CasesPage({ context: pageContext(request), cases, names, me, report, evidence: evidenceQuery(evidence) }));
  }

  /**
   * The form shows every scope's field (a select sends its value even when another scope is
   * chosen): only the field of the chosen scope is passed on, and the DTO checks it as the API does.
   */
  @Post('cases')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async openCase(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'scope', 'allegation', 'reportIds', 'escrowAccountId', 'recipientOrganizationId', 'trancheId', 'country', 'evidenceFiles');
    const dto = await formDto(OpenCaseDto, { ...scopeFields(f), allegation: f.allegation });
    dto.evidenceFiles = evidenceField(f.evidenceFiles);
    if (f.reportIds) dto.reportIds = list(f.reportIds, 'reportIds', /^[0-9a-f-]{36}$/);
    const opened = await this.cases.open(dto, request.principal!);
    return seeOther(`/console/cases/${opened.id}`);
  }

  @Get('cases/:id')
  @HtmlPage()
  @ConsoleRoles('monitor', 'admin', 'auditor')
  async casePage(@UuidParam() id: string, @Req() request: ConsoleRequest, @Query('evidence') evidence?: string): Promise<string> {
    const me = request.principal!;
    const [item, names, mustSign] = await Promise.all([this.cases.get(id), this.names(), this.reads.mustSign(me)]);
    const trancheChoices = names.tranches.filter(({ account, tranche }) => inScope(item, account, tranche) && !/^0(\.0+)?$/.test(tranche.releasedAmount));
    return renderDocument(CasePage({ context: pageContext(request), item, names, me, mustSign, evidence: evidenceQuery(evidence), trancheChoices }));
  }

  @Post('cases/:id/findings')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async caseFinding(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'decision', 'comment', 'evidenceFiles');
    const dto = await formDto(CaseFindingDto, { decision: f.decision, comment: f.comment });
    dto.evidenceFiles = evidenceField(f.evidenceFiles);
    await this.cases.finding(id, dto, request.principal!);
    return seeOther(`/console/cases/${id}`);
  }

  @Post('cases/:id/lift')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async lift(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'comment', 'evidenceFiles');
    const dto = await formDto(LiftCaseDto, { comment: f.comment });
    dto.evidenceFiles = evidenceField(f.evidenceFiles);
    await this.cases.lift(id, dto, request.principal!);
    return seeOther(`/console/cases/${id}`);
  }

  @Post('cases/:id/recoveries')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async claim(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.recoveries.claim(id, await formDto(RecoveryDto, fields(form, 'trancheId', 'amount')), request.principal!);
    return seeOther(`/console/cases/${id}`);
  }

  @Post('cases/:id/repayments')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async repay(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    await this.recoveries.repay(id, await formDto(RepaymentDto, fields(form, 'trancheId', 'amount', 'reference')), request.principal!);
    return seeOther(`/console/cases/${id}`);
  }

  // Inspections -----------------------------------------------------------------------------

  @Get('inspections')
  @HtmlPage()
  @ConsoleRoles('monitor', 'admin', 'auditor')
  async inspectionsPage(@Req() request: ConsoleRequest): Promise<string> {
    const me = request.principal!;
    const [inspections, names] = await Promise.all([this.inspections.list(me), this.names()]);
    const monitors = [...names.directory.principals.values()].filter((p) => p.role === 'monitor' && p.status === 'active');
    return renderDocument(InspectionsPage({ context: pageContext(request), inspections, names, me, monitors }));
  }

  @Post('inspections')
  @Command()
  @Redirect()
  @ConsoleRoles('admin', 'monitor')
  async schedule(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'scope', 'escrowAccountId', 'recipientOrganizationId', 'trancheId', 'country', 'assignedMonitorId', 'dueBy', 'announced');
    const dto = await formDto(ScheduleInspectionDto, { ...scopeFields(f), assignedMonitorId: f.assignedMonitorId, dueBy: endOfDay(f.dueBy) });
    dto.announced = f.announced === 'yes';
    const scheduled = await this.inspections.schedule(dto, request.principal!);
    return seeOther(`/console/inspections/${scheduled.id}`);
  }

  @Post('inspections/draw')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async draw(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'count', 'dueBy', 'announced');
    const assignedMonitorIds = Object.keys(form ?? {})
      .filter((name) => name.startsWith('monitor.') && form[name] === 'yes')
      .map((name) => name.slice('monitor.'.length));
    if (assignedMonitorIds.length === 0) throw new InvalidInput('assignedMonitorIds', 'must name at least one monitor');
    const dto = await formDto(DrawInspectionsDto, { count: integerField(f.count), dueBy: f.dueBy ? endOfDay(f.dueBy) : undefined, assignedMonitorIds } as never);
    dto.announced = f.announced === 'yes';
    await this.inspections.draw(dto, request.principal!);
    return seeOther('/console/inspections');
  }

  @Get('inspections/:id')
  @HtmlPage()
  @ConsoleRoles('monitor', 'admin', 'auditor')
  async inspectionPage(@UuidParam() id: string, @Req() request: ConsoleRequest, @Query('evidence') evidence?: string): Promise<string> {
    const me = request.principal!;
    const [inspection, names, mustSign] = await Promise.all([this.inspections.get(id, me), this.names(), this.reads.mustSign(me)]);
    return renderDocument(InspectionPage({ context: pageContext(request), inspection, names, me, mustSign, evidence: evidenceQuery(evidence) }));
  }

  @Post('inspections/:id/findings')
  @Command()
  @Redirect()
  @ConsoleRoles('monitor')
  async inspectionFinding(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const f = fields(form, 'outcome', 'comment', 'evidenceFiles');
    const dto = await formDto(InspectionFindingDto, { outcome: f.outcome, comment: f.comment });
    dto.evidenceFiles = evidenceField(f.evidenceFiles);
    const done = await this.inspections.finding(id, dto, request.principal!);
    return seeOther(done.caseId ? `/console/cases/${done.caseId}` : `/console/inspections/${id}`);
  }

  // Evidence --------------------------------------------------------------------------------

  /**
   * The upload form (multipart; the session guard read the file and checked the form token):
   * stored by the evidence service, as POST /v1/evidence does; back to the page it came from
   * with the file's hash added to `?evidence=`, which that page's decision form then cites.
   */
  @Post('evidence')
  @ConsoleUpload()
  @Command()
  @Redirect()
  @ConsoleRoles('monitor', 'admin', 'donor')
  async upload(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    if (!request.consoleUpload) throw new InvalidInput('file', 'is missing: choose a file');
    const stored = await this.evidence.store(request.consoleUpload, request.principal!);
    const attached = [...new Set([...evidenceQuery(fields(form, 'evidence').evidence), stored.sha256])];
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(form ?? {})) if (/^keep\.[a-z]{1,20}$/.test(name) && /^[0-9a-f-]{1,64}$/.test(value)) query.set(name.slice(5), value);
    query.set('evidence', attached.join(','));
    return seeOther(`${request.consoleBack ?? '/console'}?${query.toString().replace(/%2C/g, ',')}`);
  }

  private async names(): Promise<ScopeNames> {
    const [directory, accounts, tranches] = await Promise.all([this.reads.directory(), this.reads.listAccounts(), this.reads.allTranches()]);
    return { directory, accounts, tranches };
  }

}

/** The chosen scope and its one field (the form shows every kind's field; the others are dropped). */
function scopeFields(f: Record<'scope' | 'escrowAccountId' | 'recipientOrganizationId' | 'trancheId' | 'country', string>): Record<string, string> {
  const scope = f.scope as ScopeKind;
  if (!SCOPE_KINDS.includes(scope)) throw new InvalidInput('scope', 'must be chosen');
  const field = SCOPE_FIELD[scope];
  const target = field === 'country' ? f.country.toUpperCase() : f[field];
  if (!target) throw new InvalidInput(field, `is required with scope ${scope}`);
  return { scope, [field]: target };
}

/** A date input's day ("2027-06-30") as the instant its day ends in UTC; anything else is left for the DTO to refuse. */
function endOfDay(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T23:59:59Z` : date;
}

function inScope(item: { scope: ScopeKind; escrowAccountId: string | null; recipientOrganizationId: string | null; trancheId: string | null; country: string | null }, account: { id: string; country: string | null }, tranche: { id: string; recipientOrganizationId: string }): boolean {
  switch (item.scope) {
    case 'escrow_account':
      return account.id === item.escrowAccountId;
    case 'recipient':
      return tranche.recipientOrganizationId === item.recipientOrganizationId;
    case 'tranche':
      return tranche.id === item.trancheId;
    case 'country':
      return account.country === item.country;
  }
}

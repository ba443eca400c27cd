import { Body, Get, Post, Redirect, Req } from '@nestjs/common';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import { GovernanceService } from '../../auth/governance.service';
import { Principal } from '../../common/access/principal';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Database } from '../../database/database';
import { AccountsService } from '../../escrow/accounts/accounts.service';
import { ReleasesService } from '../../escrow/releases/releases.service';
import { TranchesService } from '../../escrow/tranches/tranches.service';
import { JournalReaderService } from '../../ledger/journal-reader.service';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, HtmlPage, seeOther } from '../http/console-access';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { fields } from '../http/form-dto';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { AdminHome, AuditorHome, DonorHome, MonitorHome, QueuedRelease, ReleasesPage } from './queue.views';
import { InvalidInput } from '../../common/errors/common-errors';

/** Each role's landing page shows what awaits them; the release queue and its decisions. */
@ConsoleController()
export class HomeController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly governance: GovernanceService,
    private readonly accounts: AccountsService,
    private readonly tranches: TranchesService,
    private readonly releases: ReleasesService,
    private readonly journal: JournalReaderService,
    private readonly checkpoints: CheckpointService,
    private readonly database: Database,
  ) {}

  @Get()
  @HtmlPage()
  async home(@Req() request: ConsoleRequest): Promise<string> {
    const context = pageContext(request);
    const me = request.principal!;
    switch (me.role) {
      case 'admin': {
        const directory = await this.reads.directory();
        const people = [...directory.principals.values()].filter((p) => p.status === 'pending_approval');
        return renderDocument(AdminHome({ context, me, directory, releases: await this.queued(), people }));
      }
      case 'monitor': {
        const [directory, { awaiting, decided }] = await Promise.all([this.reads.directory(), this.reads.benchmarksFor(me)]);
        return renderDocument(MonitorHome({ context, me, directory, awaiting, decided }));
      }
      case 'donor': {
        const [directory, accounts] = await Promise.all([this.reads.directory(), this.reads.listAccounts()]);
        const people = [...directory.principals.values()].filter((p) => p.status === 'pending_approval' && p.organizationId === me.organizationId);
        return renderDocument(DonorHome({ context, me, directory, accounts, people }));
      }
      case 'auditor': {
        const position = await this.journal.position(this.database.reader);
        const checkpoint = await this.checkpoints.latest();
        return renderDocument(AuditorHome({ context, position: { ...position, transactions: position.sealed + position.unsealed }, checkpoint }));
      }
    }
  }

  @Get('releases')
  @HtmlPage()
  @ConsoleRoles('admin')
  async releasesPage(@Req() request: ConsoleRequest): Promise<string> {
    const [directory, pending, recent] = await Promise.all([this.reads.directory(), this.queued(), this.reads.recentReleases()]);
    return renderDocument(ReleasesPage({ context: pageContext(request), me: request.principal!, directory, pending, recent }));
  }

  @Post('release-requests/:id/approve')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async approve(@UuidParam() id: string, @Req() request: ConsoleRequest) {
    await this.releases.approve(id, {}, request.principal!);
    return seeOther(request.consoleBack ?? '/console');
  }

  @Post('release-requests/:id/reject')
  @Command()
  @Redirect()
  @ConsoleRoles('admin')
  async reject(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const { reason } = fields(form, 'reason');
    if (!reason) throw new InvalidInput('reason', 'must say why');
    await this.releases.reject(id, reason, request.principal!);
    return seeOther(request.consoleBack ?? '/console');
  }

  /** An approval of a new person: an admin other than the requester, or a member of a donor organization with members. */
  @Post('people/:id/approve')
  @Command()
  @Redirect()
  @ConsoleRoles('admin', 'donor')
  async approvePerson(@UuidParam() id: string, @Req() request: ConsoleRequest) {
    await this.governance.approvePrincipal(id, request.principal as Principal);
    return seeOther(request.consoleBack ?? '/console');
  }

  private async queued(): Promise<QueuedRelease[]> {
    const pending = await this.reads.pendingReleases();
    return Promise.all(
      pending.map(async (request) => {
        const tranche = await this.tranches.get(request.trancheId);
        return { request, tranche, account: await this.accounts.get(tranche.escrowAccountId) };
      }),
    );
  }
}

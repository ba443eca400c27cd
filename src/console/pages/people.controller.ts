import { Body, Get, HttpCode, Post, Redirect, Req } from '@nestjs/common';
import { GovernanceService } from '../../auth/governance.service';
import { CreateOrganizationDto } from '../../auth/dto/create-organization.dto';
import { CreatePrincipalDto } from '../../auth/dto/create-principal.dto';
import { Command } from '../../common/http/command.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { renderDocument } from '../html/jsx';
import { ConsoleRoles, HtmlPage, seeOther } from '../http/console-access';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { fields, formDto } from '../http/form-dto';
import { publicOrigin } from '../http/public-origin';
import { CredentialsRepository } from '../people/credentials.repository';
import { InvitationsRepository } from '../people/invitations.repository';
import { InvitationsService } from '../people/invitations.service';
import { pageContext } from '../views/page-context';
import { ConsoleController } from './console-controller';
import { ConsoleReads } from './console-reads.service';
import { PeoplePage, RevokePage, SecretOncePage } from './people.views';

/** Organizations and people: requests, approvals (HomeController), invitations, revocation. Admins only. */
@ConsoleController()
@ConsoleRoles('admin')
export class PeoplePagesController {
  constructor(
    private readonly reads: ConsoleReads,
    private readonly governance: GovernanceService,
    private readonly invitations: InvitationsService,
    private readonly invitationRecords: InvitationsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  @Get('people')
  @HtmlPage()
  async people(@Req() request: ConsoleRequest): Promise<string> {
    const directory = await this.reads.directory();
    const ids = [...directory.principals.keys()];
    const access = {
      enrolled: await this.credentials.enrolled(this.database.reader, ids),
      invited: await this.invitationRecords.openFor(this.database.reader, ids),
    };
    return renderDocument(PeoplePage({ context: pageContext(request), me: request.principal!, directory, access }));
  }

  @Post('organizations')
  @Command()
  @Redirect()
  async createOrganization(@Body() form: FormFields, @Req() request: ConsoleRequest) {
    const dto = await formDto(CreateOrganizationDto, fields(form, 'name', 'type'));
    await this.governance.createOrganization(dto.name, dto.type, request.principal!);
    return seeOther('/console/people');
  }

  /** The claim token (for an API key) is shown once, like the API's 202. */
  @Post('people')
  @Command()
  @HttpCode(200)
  @HtmlPage()
  async requestPerson(@Body() form: FormFields, @Req() request: ConsoleRequest): Promise<string> {
    const dto = await formDto(CreatePrincipalDto, fields(form, 'name', 'role', 'organizationId', 'email'));
    const requested = await this.governance.requestPrincipal(dto, request.principal!);
    return renderDocument(
      SecretOncePage({
        context: pageContext(request),
        title: `${requested.name} is requested`,
        intro: 'Another administrator (in a donor organization with members, one of its members) must approve the request. Once approved, invite the person to the console from the people page; a program that needs an API key claims it with this token.',
        secretLabel: 'Claim token (for an API key)',
        secret: requested.claimToken,
        back: '/console/people',
      }),
    );
  }

  /** The invitation link is shown once (stored only as a hash). */
  @Post('people/:id/invitations')
  @Command({ secretInResponse: true })
  @HttpCode(200)
  @HtmlPage()
  async invite(@UuidParam() id: string, @Req() request: ConsoleRequest): Promise<string> {
    const invitation = await this.invitations.issue(id, request.principal!, publicOrigin(request, this.config));
    const person = (await this.reads.directory()).principal(id);
    return renderDocument(
      SecretOncePage({
        context: pageContext(request),
        title: `Invitation for ${person}`,
        intro: `Send this link to ${person}: it sets their password and authenticator code. Any earlier invitation of theirs no longer works.`,
        secretLabel: 'Invitation link',
        secret: invitation.url,
        expiresAt: invitation.expiresAt,
        back: '/console/people',
      }),
    );
  }

  @Get('people/:id/revoke')
  @HtmlPage()
  async revokeForm(@UuidParam() id: string, @Req() request: ConsoleRequest): Promise<string> {
    return renderDocument(RevokePage({ context: pageContext(request), id, name: (await this.reads.directory()).principal(id) }));
  }

  /** From the people page (no reason yet): the form asking for one; with a reason: revoked, signed out everywhere. */
  @Post('people/:id/revoke')
  @Command()
  @Redirect()
  async revoke(@UuidParam() id: string, @Body() form: FormFields, @Req() request: ConsoleRequest) {
    const { reason } = fields(form, 'reason');
    if (!reason) return seeOther(`/console/people/${id}/revoke`);
    await this.governance.revoke(id, reason, request.principal!);
    return seeOther('/console/people');
  }
}

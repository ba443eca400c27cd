import { Controller, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { Command } from '../../common/http/command.decorator';
import { EmptyBody } from '../../common/validation/empty-body.pipe';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { AppConfig } from '../../config/app-config';
import { publicOrigin } from '../http/public-origin';
import { InvitationsService } from './invitations.service';
import { ApiJson } from '../../common/openapi/api-answer.decorator';

/** The API's way to invite a person to the console (API.md, "People in the browser"). */
@ApiTags('organizations and principals')
@Controller('v1/principals')
export class InvitationsApiController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly config: AppConfig,
  ) {}

  /** 201 {url, expiresAt}: one use, 72 hours; the URL is the secret, shown this once. */
  @Post(':id/invitations')
  @Command({ secretInResponse: true })
  @Roles('admin')
  @ApiJson(201, 'Invitation', 'The invitation URL (the secret), shown this once')
  @ApiOperation({ summary: 'Invite a principal to the console' })
  invite(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() admin: Principal, @Req() request: FastifyRequest) {
    return this.invitations.issue(id, admin, publicOrigin(request, this.config));
  }
}

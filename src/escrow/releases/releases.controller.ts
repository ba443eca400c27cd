import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { ApproveReleaseDto } from './dto/approve-release.dto';
import { CreateReleaseRequestDto } from './dto/create-release-request.dto';
import { ListReleaseRequestsQuery } from './dto/list-release-requests.query';
import { ReleaseQueueService } from './release-queue.service';
import { ReleasesService } from './releases.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

/** What any release can be refused with (ReleaseRules.assertReleasable, in this precedence). */
const RELEASE_REFUSALS = [
  'VIOLATION_VERIFIED', 'TRANCHE_EXPIRED', 'ACCOUNT_CLOSED', 'ACCOUNT_SUSPENDED', 'INVALID_STATE', 'PHASE_ORDER', 'BENCHMARKS_NOT_MET', 'INSUFFICIENT_FUNDS', 'RETENTION_HELD',
] as const;

@ApiTags('releases')
@Controller('v1')
export class ReleasesController {
  constructor(
    private readonly releases: ReleasesService,
    private readonly queue: ReleaseQueueService,
  ) {}

  /** An instalment: `amount`, or by default what may be released now. */
  @Post('tranches/:id/release-requests')
  @Command()
  @Roles('admin')
  @ApiJson(201, 'ReleaseRequest', 'The release request')
  @ApiRefusals(...RELEASE_REFUSALS)
  @ApiOperation({ summary: 'Request a release (an instalment)' })
  request(@UuidParam() trancheId: string, @Body() dto: CreateReleaseRequestDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.request(trancheId, dto ?? {}, admin);
  }

  /** Oldest first; `pendingFor=me` is the caller's approval queue. */
  @Get('release-requests')
  @ApiJson(200, 'ReleaseRequestPage', 'Release requests, oldest first')
  @ApiOperation({ summary: 'List release requests (the approval queue)' })
  list(@Query() query: ListReleaseRequestsQuery, @CurrentPrincipal() caller: Principal) {
    return this.queue.list(query, caller);
  }

  @Get('release-requests/:id')
  @ApiJson(200, 'ReleaseRequest', 'The release request')
  @ApiOperation({ summary: 'Get a release request' })
  get(@UuidParam() id: string) {
    return this.releases.get(id);
  }

  /** By an eligible admin other than the requester (403 FOUR_EYES), once (409 ALREADY_APPROVED); the last one needed moves the money. */
  @Post('release-requests/:id/approve')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'ReleaseRequest', 'The request with its approvals (approved once the last one needed is in)')
  @ApiRefusals('FOUR_EYES', 'SIGNATURE_INVALID', 'ALREADY_APPROVED', ...RELEASE_REFUSALS)
  @ApiOperation({ summary: 'Approve a release request' })
  approve(@UuidParam() id: string, @Body() dto: ApproveReleaseDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.approve(id, dto ?? {}, admin);
  }

  @Post('release-requests/:id/reject')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  @ApiJson(200, 'ReleaseRequest', 'The rejected request')
  @ApiRefusals('INVALID_STATE')
  @ApiOperation({ summary: 'Reject a release request' })
  reject(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.reject(id, dto.reason, admin);
  }
}

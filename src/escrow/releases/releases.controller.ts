import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ReasonDto } from '../../common/validation/reason.dto';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { ApproveReleaseDto } from './dto/approve-release.dto';
import { CreateReleaseRequestDto } from './dto/create-release-request.dto';
import { ListReleaseRequestsQuery } from './dto/list-release-requests.query';
import { ReleaseQueueService } from './release-queue.service';
import { ReleasesService } from './releases.service';

@ApiTags('releases')
@ApiBearerAuth()
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
  request(@UuidParam() trancheId: string, @Body() dto: CreateReleaseRequestDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.request(trancheId, dto ?? {}, admin);
  }

  /** Oldest first; `pendingFor=me` is the caller's approval queue. */
  @Get('release-requests')
  list(@Query() query: ListReleaseRequestsQuery, @CurrentPrincipal() caller: Principal) {
    return this.queue.list(query, caller);
  }

  @Get('release-requests/:id')
  get(@UuidParam() id: string) {
    return this.releases.get(id);
  }

  /** By an eligible admin other than the requester (403 FOUR_EYES), once (409 ALREADY_APPROVED); the last one needed moves the money. */
  @Post('release-requests/:id/approve')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  approve(@UuidParam() id: string, @Body() dto: ApproveReleaseDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.approve(id, dto ?? {}, admin);
  }

  @Post('release-requests/:id/reject')
  @Command()
  @HttpCode(200)
  @Roles('admin')
  reject(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() admin: Principal) {
    return this.releases.reject(id, dto.reason, admin);
  }
}

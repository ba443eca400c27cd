import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { Command } from '../common/http/command.decorator';
import { EmptyBody } from '../common/validation/empty-body.pipe';
import { ReasonDto } from '../common/validation/reason.dto';
import { UuidParam } from '../common/validation/uuid-param.decorator';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { DeliveriesQuery } from './dto/deliveries.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** Where the journal's events are sent (API.md, "Webhooks"): admins only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  /** 201 with the signing secret (whsec_…), shown this once. */
  @Post()
  @Command({ secretInResponse: true })
  create(@Body() dto: CreateWebhookEndpointDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.create(dto, admin);
  }

  @Get()
  list() {
    return this.endpoints.list();
  }

  @Get(':id')
  get(@UuidParam() id: string) {
    return this.endpoints.get(id);
  }

  /** Delivery attempts, newest first. */
  @Get(':id/deliveries')
  deliveries(@UuidParam() id: string, @Query() query: DeliveriesQuery) {
    return this.endpoints.deliveries(id, query.limit, query.beforeId);
  }

  /** 201 with the new secret, shown this once; the previous one signs beside it for overlapSeconds. */
  @Post(':id/rotate-secret')
  @Command({ secretInResponse: true })
  rotateSecret(@UuidParam() id: string, @Body() dto: RotateSecretDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.rotateSecret(id, dto.overlapSeconds, admin);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Command()
  disable(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.disable(id, dto.reason, admin);
  }

  /** Resumes with the first event not yet delivered: nothing is skipped. */
  @Post(':id/enable')
  @HttpCode(200)
  @Command()
  enable(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.enable(id, admin);
  }
}

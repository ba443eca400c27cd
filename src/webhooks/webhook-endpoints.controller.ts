import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/access/current-principal.decorator';
import { Principal } from '../common/access/principal';
import { Roles } from '../common/access/roles.decorator';
import { Command } from '../common/http/command.decorator';
import { EmptyBody } from '../common/validation/empty-body.pipe';
import { ReasonDto } from '../common/validation/reason.dto';
import { UuidParam } from '../common/validation/uuid-param.decorator';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { DeliveriesQuery } from './dto/deliveries.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { ApiJson, ApiRefusals } from '../common/openapi/api-answer.decorator';

/** Where the journal's events are sent (API.md, "Webhooks"): admins only. */
@ApiTags('webhooks')
@Roles('admin')
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  /** 201 with the signing secret (whsec_…), shown this once. */
  @Post()
  @Command({ secretInResponse: true })
  @ApiJson(201, 'WebhookEndpointCreated', 'The endpoint with its signing secret, shown this once')
  @ApiRefusals('WEBHOOK_URL_REFUSED')
  @ApiOperation({ summary: 'Register a webhook endpoint' })
  create(@Body() dto: CreateWebhookEndpointDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.create(dto, admin);
  }

  @Get()
  @ApiJson(200, { type: 'array', items: { $ref: '#/components/schemas/WebhookEndpoint' } }, 'Every endpoint')
  @ApiOperation({ summary: 'List webhook endpoints' })
  list() {
    return this.endpoints.list();
  }

  @Get(':id')
  @ApiJson(200, 'WebhookEndpoint', 'The endpoint')
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  get(@UuidParam() id: string) {
    return this.endpoints.get(id);
  }

  /** Delivery attempts, newest first. */
  @Get(':id/deliveries')
  @ApiJson(200, 'DeliveryPage', 'Delivery attempts, newest first')
  @ApiOperation({ summary: 'List a webhook endpoint\'s delivery attempts' })
  deliveries(@UuidParam() id: string, @Query() query: DeliveriesQuery) {
    return this.endpoints.deliveries(id, query.limit, query.beforeId);
  }

  /** 201 with the new secret, shown this once; the previous one signs beside it for overlapSeconds. */
  @Post(':id/rotate-secret')
  @Command({ secretInResponse: true })
  @ApiJson(201, 'WebhookSecret', 'The new secret, shown this once')
  @ApiOperation({ summary: 'Rotate a webhook endpoint\'s signing secret' })
  rotateSecret(@UuidParam() id: string, @Body() dto: RotateSecretDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.rotateSecret(id, dto.overlapSeconds, admin);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Command()
  @ApiJson(200, 'WebhookEndpoint', 'The disabled endpoint')
  @ApiOperation({ summary: 'Disable a webhook endpoint' })
  disable(@UuidParam() id: string, @Body() dto: ReasonDto, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.disable(id, dto.reason, admin);
  }

  /** Resumes with the first event not yet delivered: nothing is skipped. */
  @Post(':id/enable')
  @HttpCode(200)
  @Command()
  @ApiJson(200, 'WebhookEndpoint', 'The enabled endpoint')
  @ApiRefusals('INVALID_STATE')
  @ApiOperation({ summary: 'Enable a webhook endpoint' })
  enable(@UuidParam() id: string, @EmptyBody() _: unknown, @CurrentPrincipal() admin: Principal) {
    return this.endpoints.enable(id, admin);
  }
}

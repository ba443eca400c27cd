import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { LedgerModule } from '../ledger/ledger.module';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/**
 * Signed webhooks (Standard Webhooks) of the journal's events: endpoints, their delivery log,
 * and the dispatcher. Reads the journal through the ledger's reader; nothing depends on it.
 */
@Module({
  imports: [DatabaseModule, LedgerModule],
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointsRepository, WebhookEndpointsService, WebhookDispatcher],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}

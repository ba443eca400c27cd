import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { tryLockedTransaction } from '../database/advisory-lock';
import { Database } from '../database/database';
import { JournalReaderService, JournalTransactionView } from '../ledger/journal-reader.service';
import { LedgerService } from '../ledger/ledger.service';
import { nextAttemptDelay, parseRetryDelays } from './retry-schedule';
import { checkTargetUrl, TargetRefused, TargetRules } from './target-guard';
import { ClaimedEndpoint, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { postWebhook, PostOutcome } from './webhook-post';
import { signatureHeader } from './webhook-signature';

/** Advisory-lock key electing the instance that claims endpoints (`grep -rn 7_404_ src`). */
const DISPATCH_LOCK = 7_404_080;
/** Endpoints served at once by one dispatcher run (each one delivery at a time, in order). */
const CONCURRENCY = 16;
/** Events read from the chain at a time for one endpoint. */
const BATCH = 50;
/** How long one endpoint is served per run before others get their turn. */
const TURN_MS = 5000;
/** Beyond the delivery's own timeout, what a claim allows for recording its outcome. */
const LEASE_MARGIN_MS = 10_000;

/**
 * Delivers the journal's events to webhook endpoints: at least once, in chain order per
 * endpoint, retried on the WEBHOOK_RETRY_DELAYS_MS schedule with jitter.
 *
 * The journal is the outbox (schema/80-webhooks.sql): events are read from the sealed chain
 * after each endpoint's cursor, so nothing is written for webhooks on the ledger's hot path and
 * nothing can be lost between an event and its delivery. An event is marked done (the cursor
 * moves) only after a 2xx, in the transaction that logs the attempt; a dispatcher killed after
 * the POST and before that commit leaves the cursor where it was, and the event is delivered
 * again (at least once; receivers deduplicate by webhook-id).
 *
 * Election and exclusivity: each run claims due endpoints in a transaction holding an advisory
 * try-lock (instances that do not get it skip the run), and every claim is a lease with a token,
 * kept while the endpoint is served and guarding each update. A dispatcher that dies keeps no
 * lock; its leases run out (WEBHOOK_TIMEOUT_MS plus a margin) and any instance takes over from
 * the cursor. Deliveries happen outside any transaction: no connection waits on a receiver.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly background: PeriodicTask;
  private readonly delays: number[];
  private readonly rules: TargetRules;
  private readonly leaseMs: number;
  private stopping = false;

  constructor(
    private readonly database: Database,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly journal: JournalReaderService,
    private readonly ledger: LedgerService,
    config: AppConfig,
  ) {
    this.delays = parseRetryDelays(config.WEBHOOK_RETRY_DELAYS_MS);
    this.rules = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, timeoutMs: config.WEBHOOK_TIMEOUT_MS };
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
    this.background = new PeriodicTask({
      name: 'webhook dispatch',
      everyMs: config.WEBHOOK_DISPATCH_INTERVAL_MS,
      logger: this.logger,
      run: () => this.dispatchDue(),
    });
  }

  onApplicationBootstrap(): void {
    this.background.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true; // the run in progress ends after its current delivery
    await this.background.stop();
  }

  /** One run: claims what is due and serves it; returns how many attempts were made. */
  async dispatchDue(): Promise<number> {
    // A cheap look first: most of the time nothing is due, and no transaction is needed to see it.
    if (!(await this.endpoints.anyDue(this.database.reader))) return 0;
    const claims = await tryLockedTransaction(this.database, DISPATCH_LOCK, (db) => this.endpoints.claimDue(db, CONCURRENCY, this.leaseMs));
    if (!claims || claims.length === 0) return 0;
    const attempts = await Promise.all(claims.map((claim) => this.serve(claim)));
    return attempts.reduce((a, b) => a + b, 0);
  }

  /** Delivers one endpoint's events in chain order until none is left, one fails, or its turn is over. */
  private async serve(claim: ClaimedEndpoint): Promise<number> {
    const kinds = claim.events.includes('*') ? null : claim.events;
    const turnEnds = Date.now() + TURN_MS;
    let through = Number(claim.delivered_through);
    let attempts = 0;
    for (;;) {
      const { items, through: complete } = await this.journal.chainedAfter(through, kinds, BATCH);
      if (items.length === 0) {
        await this.database.transaction((db) => this.endpoints.advance(db, claim, complete, null));
        return attempts;
      }
      for (const event of items) {
        attempts++;
        const next = await this.deliver(claim, event);
        if (next === 'stop') return attempts;
        through = event.chainIndex!;
        if (this.stopping || Date.now() > turnEnds) {
          await this.database.transaction((db) => this.endpoints.advance(db, claim, through, null));
          return attempts;
        }
      }
    }
  }

  /** One attempt of one event, and its outcome recorded; 'stop' when the endpoint is not to be served further now. */
  private async deliver(claim: ClaimedEndpoint, event: JournalTransactionView): Promise<'next' | 'stop'> {
    const attemptedAt = new Date();
    const outcome = await this.post(claim, event, attemptedAt);
    return this.database.transaction(async (db) => {
      const attempt = claim.failed_attempts + 1;
      const base = { endpointId: claim.id, chainIndex: event.chainIndex!, messageId: event.id, eventType: event.kind, attempt, attemptedAt, durationMs: outcome.durationMs };
      if (outcome.outcome === 'delivered') {
        await this.endpoints.insertDelivery(db, { ...base, outcome: 'delivered', statusCode: outcome.statusCode, error: null, nextAttemptAt: null });
        const kept = await this.endpoints.advance(db, claim, event.chainIndex!, this.leaseMs);
        claim.failed_attempts = 0;
        return kept ? 'next' : 'stop';
      }
      const statusCode = outcome.outcome === 'failed' ? outcome.statusCode : null;
      const gone = statusCode === 410; // Standard Webhooks: the receiver wants no more
      const delay = gone ? null : nextAttemptDelay(this.delays, attempt, outcome.outcome === 'failed' ? outcome.retryAfter : undefined);
      const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay);
      await this.endpoints.insertDelivery(db, { ...base, outcome: outcome.outcome, statusCode, error: outcome.error, nextAttemptAt });
      const reason = gone
        ? `the receiver answered 410 Gone to event ${event.chainIndex}`
        : `event ${event.chainIndex} failed ${attempt} times, the last: ${outcome.error}`;
      const kept = await this.endpoints.fail(db, claim, attempt, nextAttemptAt, reason);
      if (kept && nextAttemptAt === null) {
        await this.ledger.post(db, {
          kind: 'webhook_endpoint_changed',
          actorPrincipalId: null,
          refs: { webhookEndpointId: claim.id },
          details: { change: 'disabled', reason, undeliveredChainIndex: event.chainIndex! },
        });
      }
      return 'stop';
    });
  }

  private async post(claim: ClaimedEndpoint, event: JournalTransactionView, at: Date): Promise<PostOutcome> {
    let url: URL;
    try {
      url = checkTargetUrl(claim.url, this.rules); // WEBHOOK_ALLOW_PRIVATE may have been turned off since
    } catch (error) {
      if (error instanceof TargetRefused) return { outcome: 'refused', error: error.message, durationMs: 0 };
      throw error;
    }
    const body = JSON.stringify({ type: event.kind, timestamp: event.occurredAt, data: event });
    const timestamp = Math.floor(at.getTime() / 1000);
    const keys = [claim.secret];
    if (claim.previous_secret && claim.previous_secret_expires_at && claim.previous_secret_expires_at > at) keys.push(claim.previous_secret);
    const headers = { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(keys, event.id, timestamp, body) };
    return postWebhook(url, headers, body, this.rules);
  }
}

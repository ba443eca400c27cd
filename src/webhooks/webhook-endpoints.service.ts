import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Principal } from '../common/access/principal';
import { InvalidState, NotFound } from '../common/errors/common-errors';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { JournalReaderService } from '../ledger/journal-reader.service';
import { LedgerService } from '../ledger/ledger.service';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { checkTargetUrl, resolveTarget, TargetRefused } from './target-guard';
import { DeliveryRow, EndpointRow, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookUrlRefused } from './webhook-errors';
import { newSecret, showSecret } from './webhook-signature';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  status: 'active' | 'disabled';
  disabledReason: string | null;
  /** Every chain index up to this one is done for the endpoint (delivered, or not a kind it takes). */
  deliveredThroughChainIndex: number;
  /** Failed attempts of the next event so far, and when it is tried again. */
  failedAttempts: number;
  nextAttemptAt: string;
  previousSecretExpiresAt: string | null;
  createdBy: string;
  createdAt: string;
}

export interface DeliveryView {
  id: number;
  chainIndex: number;
  messageId: string;
  type: string;
  attempt: number;
  attemptedAt: string;
  durationMs: number;
  outcome: DeliveryRow['outcome'];
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

/** The longest a URL check at creation may wait for DNS: it runs inside the command's transaction. */
const CREATION_LOOKUP_TIMEOUT_MS = 5000;

/**
 * Webhook endpoints as admins manage them. Every change is journaled: where the ledger's events
 * go is itself something auditors must be able to see. The journal keeps the URL's origin and
 * a hash of the whole URL, not the URL: many receivers put a token in the path or query.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly db: Database,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly journal: JournalReaderService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** A new endpoint that hears of events sealed from now on; its secret is shown this once. */
  async create(dto: CreateWebhookEndpointDto, admin: Principal): Promise<WebhookEndpointView & { secret: string }> {
    const url = await this.checkUrl(dto.url);
    const secret = newSecret();
    const { sealed } = await this.journal.position(this.db.writer);
    const row = await this.endpoints.insert(this.db.writer, { url: url.toString(), events: dto.events, secret, deliveredThrough: sealed - 1, createdBy: admin.id });
    await this.ledger.post(this.db.writer, {
      kind: 'webhook_endpoint_created',
      actorPrincipalId: admin.id,
      refs: { webhookEndpointId: row.id },
      details: { origin: url.origin, urlSha256: sha256(row.url), events: dto.events.join(','), fromChainIndex: sealed },
    });
    return { ...toView(row), secret: showSecret(secret) };
  }

  async list(): Promise<WebhookEndpointView[]> {
    return (await this.endpoints.findAll(this.db.reader)).map(toView);
  }

  async get(id: string): Promise<WebhookEndpointView> {
    return toView(await this.found(id));
  }

  /**
   * A new secret, shown this once. The previous one keeps signing beside it for
   * `overlapSeconds`: deliveries carry both signatures, so a receiver that still has the old
   * secret, or already the new one, verifies every delivery (Standard Webhooks' rotation).
   */
  async rotateSecret(id: string, overlapSeconds: number, admin: Principal): Promise<{ id: string; secret: string; previousSecretExpiresAt: string | null }> {
    await this.found(id, true);
    const secret = newSecret();
    const previousExpiresAt = overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null;
    await this.endpoints.rotateSecret(this.db.writer, id, secret, previousExpiresAt);
    await this.journalChange(id, admin, { change: 'secret_rotated', overlapSeconds });
    return { id, secret: showSecret(secret), previousSecretExpiresAt: previousExpiresAt?.toISOString() ?? null };
  }

  /** No more deliveries; the cursor stays, so enabling again resumes where it stopped. */
  async disable(id: string, reason: string, admin: Principal): Promise<WebhookEndpointView> {
    const endpoint = await this.found(id, true);
    if (endpoint.status === 'disabled') throw new InvalidState(`webhook endpoint ${id} is already disabled`);
    await this.endpoints.setStatus(this.db.writer, id, `disabled by an admin: ${reason}`);
    await this.journalChange(id, admin, { change: 'disabled', reason });
    return this.get(id);
  }

  /**
   * Deliveries resume with the first event not yet delivered, nothing skipped: after an outage
   * the receiver gets everything it missed, in order. The URL is checked again first.
   */
  async enable(id: string, admin: Principal): Promise<WebhookEndpointView> {
    const endpoint = await this.found(id, true);
    if (endpoint.status === 'active') throw new InvalidState(`webhook endpoint ${id} is already active`);
    await this.checkUrl(endpoint.url);
    await this.endpoints.setStatus(this.db.writer, id, null);
    await this.journalChange(id, admin, { change: 'enabled', previouslyDisabledBecause: endpoint.disabled_reason });
    return this.get(id);
  }

  async deliveries(id: string, limit: number, beforeId?: number): Promise<{ items: DeliveryView[]; nextBeforeId: number | null }> {
    await this.found(id);
    const items = (await this.endpoints.deliveries(this.db.reader, id, limit, beforeId)).map((d) => ({
      id: Number(d.id),
      chainIndex: Number(d.chain_index),
      messageId: d.message_id,
      type: d.event_type,
      attempt: d.attempt,
      attemptedAt: d.attempted_at.toISOString(),
      durationMs: d.duration_ms,
      outcome: d.outcome,
      statusCode: d.status_code,
      error: d.error,
      nextAttemptAt: d.next_attempt_at?.toISOString() ?? null,
    }));
    return { items, nextBeforeId: items.length === limit ? items[items.length - 1].id : null };
  }

  private async checkUrl(text: string): Promise<URL> {
    const rules = { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE, timeoutMs: Math.min(this.config.WEBHOOK_TIMEOUT_MS, CREATION_LOOKUP_TIMEOUT_MS) };
    try {
      const url = checkTargetUrl(text, rules);
      await resolveTarget(url, rules);
      return url;
    } catch (error) {
      if (error instanceof TargetRefused) throw new WebhookUrlRefused(error.message);
      throw error;
    }
  }

  private async found(id: string, lock = false): Promise<EndpointRow> {
    const row = await this.endpoints.find(lock ? this.db.writer : this.db.reader, id, lock);
    if (!row) throw new NotFound('webhook endpoint', id);
    return row;
  }

  private async journalChange(id: string, admin: Principal, details: Record<string, string | number | null>): Promise<void> {
    await this.ledger.post(this.db.writer, { kind: 'webhook_endpoint_changed', actorPrincipalId: admin.id, refs: { webhookEndpointId: id }, details });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toView(row: EndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    status: row.status,
    disabledReason: row.disabled_reason,
    deliveredThroughChainIndex: Number(row.delivered_through),
    failedAttempts: row.failed_attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

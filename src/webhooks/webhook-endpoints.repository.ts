import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  delivered_through: string;
  failed_attempts: number;
  next_attempt_at: Date;
  previous_secret_expires_at: Date | null;
  created_by: string;
  created_at: Date;
}

/** An endpoint as a dispatcher holds it while delivering: with its keys and its claim. */
export interface ClaimedEndpoint {
  id: string;
  url: string;
  events: string[];
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  delivered_through: string;
  failed_attempts: number;
  lease_token: string;
}

export interface DeliveryRow {
  id: string;
  chain_index: string;
  message_id: string;
  event_type: string;
  attempt: number;
  attempted_at: Date;
  duration_ms: number;
  outcome: 'delivered' | 'failed' | 'refused';
  status_code: number | null;
  error: string | null;
  next_attempt_at: Date | null;
}

export interface NewDelivery {
  endpointId: string;
  chainIndex: number;
  messageId: string;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  durationMs: number;
  outcome: DeliveryRow['outcome'];
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

const ENDPOINT_COLUMNS = `id, url, events, status, disabled_reason, delivered_through::text AS delivered_through, failed_attempts,
  next_attempt_at, previous_secret_expires_at, created_by, created_at`;

/** SQL for webhook endpoints and their delivery log; every method takes the executor to run on. */
@Injectable()
export class WebhookEndpointsRepository {
  /** A new endpoint that has heard of everything up to `deliveredThrough` (the chain's end now). */
  async insert(db: EntityManager, endpoint: { url: string; events: string[]; secret: Buffer; deliveredThrough: number; createdBy: string }): Promise<EndpointRow> {
    const [row] = await db.query(
      `INSERT INTO webhook_endpoints (url, events, secret, delivered_through, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${ENDPOINT_COLUMNS}`,
      [endpoint.url, endpoint.events, endpoint.secret, endpoint.deliveredThrough, endpoint.createdBy],
    );
    return row;
  }

  async find(db: EntityManager, id: string, lock = false): Promise<EndpointRow | undefined> {
    const [row] = await db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async findAll(db: EntityManager): Promise<EndpointRow[]> {
    return db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`);
  }

  /** A new key signs from now on; the old one also signs until `previousExpiresAt`. */
  async rotateSecret(db: EntityManager, id: string, secret: Buffer, previousExpiresAt: Date | null): Promise<void> {
    await db.query(
      previousExpiresAt
        ? `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $3, secret = $2 WHERE id = $1`
        : `UPDATE webhook_endpoints SET previous_secret = NULL, previous_secret_expires_at = NULL, secret = $2 WHERE id = $1`,
      previousExpiresAt ? [id, secret, previousExpiresAt] : [id, secret],
    );
  }

  /** Disables, or (reason null) enables again: the next event is tried at once, its count of failures from zero. */
  async setStatus(db: EntityManager, id: string, disabledReason: string | null): Promise<void> {
    await db.query(
      disabledReason === null
        ? `UPDATE webhook_endpoints SET status = 'active', disabled_reason = NULL, failed_attempts = 0, next_attempt_at = now() WHERE id = $1`
        : `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2 WHERE id = $1`,
      disabledReason === null ? [id] : [id, disabledReason],
    );
  }

  /** Whether any endpoint may be due: the dispatcher's cheap look before it takes its lock. */
  async anyDue(db: EntityManager): Promise<boolean> {
    const [{ due }] = await db.query(
      `SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE status = 'active' AND next_attempt_at <= now()
                         AND (lease_until IS NULL OR lease_until < now())) AS due`,
    );
    return due;
  }

  /**
   * Claims up to `limit` endpoints that are due and unclaimed (or whose claim ran out: its
   * dispatcher died) until `leaseMs` from now, each with a token of its own.
   */
  async claimDue(db: EntityManager, limit: number, leaseMs: number): Promise<ClaimedEndpoint[]> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows] = await db.query(
      `UPDATE webhook_endpoints e SET lease_token = gen_random_uuid(), lease_until = now() + $2::float8 * interval '1 millisecond'
        WHERE e.id IN (SELECT id FROM webhook_endpoints
                        WHERE status = 'active' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING e.id, e.url, e.events, e.secret, e.previous_secret, e.previous_secret_expires_at,
                  e.delivered_through::text AS delivered_through, e.failed_attempts, e.lease_token`,
      [limit, leaseMs],
    );
    return rows;
  }

  /**
   * Moves the endpoint on under its claim: `through` delivered (or nothing to deliver up to it),
   * failures back to zero; the claim extended by `leaseMs`, or released (leaseMs null). False
   * when the claim is no longer this dispatcher's (it ran out and another took over). The claim
   * picks up the keys as they are now: a rotation during a turn signs the next delivery.
   */
  async advance(db: EntityManager, claim: ClaimedEndpoint, through: number, leaseMs: number | null): Promise<boolean> {
    const [rows] = await db.query(
      `UPDATE webhook_endpoints
          SET delivered_through = greatest(delivered_through, $3), failed_attempts = 0, next_attempt_at = now(),
              lease_until = CASE WHEN $4::float8 IS NULL THEN NULL ELSE now() + $4::float8 * interval '1 millisecond' END,
              lease_token = CASE WHEN $4::float8 IS NULL THEN NULL ELSE lease_token END
        WHERE id = $1 AND lease_token = $2 RETURNING secret, previous_secret, previous_secret_expires_at`,
      [claim.id, claim.lease_token, through, leaseMs],
    );
    if (rows.length === 1) Object.assign(claim, rows[0]);
    return rows.length === 1;
  }

  /** A failed attempt: the next one at `nextAttemptAt`, or (null) the endpoint disabled with `reason`. Releases the claim. */
  async fail(db: EntityManager, claim: ClaimedEndpoint, failures: number, nextAttemptAt: Date | null, reason: string): Promise<boolean> {
    const [rows] = await db.query(
      `UPDATE webhook_endpoints
          SET failed_attempts = $3, next_attempt_at = coalesce($4, next_attempt_at),
              status = CASE WHEN $4::timestamptz IS NULL THEN 'disabled' ELSE status END,
              disabled_reason = CASE WHEN $4::timestamptz IS NULL THEN $5 ELSE disabled_reason END,
              lease_token = NULL, lease_until = NULL
        WHERE id = $1 AND lease_token = $2 RETURNING id`,
      [claim.id, claim.lease_token, failures, nextAttemptAt, reason],
    );
    return rows.length === 1;
  }

  async insertDelivery(db: EntityManager, d: NewDelivery): Promise<void> {
    await db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, chain_index, message_id, event_type, attempt, attempted_at, duration_ms, outcome, status_code, error, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [d.endpointId, d.chainIndex, d.messageId, d.eventType, d.attempt, d.attemptedAt, d.durationMs, d.outcome, d.statusCode, d.error, d.nextAttemptAt],
    );
  }

  /** The newest attempts first, `limit` of them from before `beforeId` (keyset paging). */
  async deliveries(db: EntityManager, endpointId: string, limit: number, beforeId?: number): Promise<DeliveryRow[]> {
    return db.query(
      `SELECT id::text AS id, chain_index::text AS chain_index, message_id, event_type, attempt, attempted_at, duration_ms, outcome, status_code, error, next_attempt_at
         FROM webhook_deliveries WHERE endpoint_id = $1 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2`,
      [endpointId, limit, beforeId ?? null],
    );
  }
}

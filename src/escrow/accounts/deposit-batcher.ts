import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { DatabaseUnavailable, isUnanswered, translateDatabaseError } from '../../database/database-errors';
import type { StoredAnswer } from '../../idempotency/idempotency-store';
import { translateLedgerError } from '../../ledger/ledger-errors';

/** One deposit as deposit_batch takes it (see schema/90-deposit-batch.sql for each field). */
export interface DepositBatchItem {
  principal: string;
  keyHash: string | null;
  requestHash: string | null;
  status: number;
  response: string;
  escrow: string;
  currency: string;
  depositId: string;
  organization: string;
  amount: string;
  reference: string | null;
  journal: {
    id: string;
    kind: string;
    occurredAt: string;
    body: string;
    contentHash: string;
    postings: string[][];
  };
}

/** What happened to one deposit of a batch; the service turns each into its answer or refusal. */
export type DepositOutcome =
  | { outcome: 'BOOKED'; seq: string }
  | { outcome: 'REVOKED' }
  | { outcome: 'KEY_USED'; previous: StoredAnswer }
  | { outcome: 'CLOSED' };

interface OutcomeRow {
  out_ord: number;
  out_outcome: DepositOutcome['outcome'];
  out_seq: string | null;
  out_request_hash: Buffer | null;
  out_response: string | null;
  out_encrypted: boolean | null;
}

interface Waiting {
  item: DepositBatchItem;
  resolve: (outcome: DepositOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for deposits, per process: deposits that arrive within DEPOSIT_BATCH_WINDOW_MS of
 * each other (at most DEPOSIT_BATCH_MAX), or while DEPOSIT_BATCH_IN_FLIGHT batches are out, are
 * booked by one deposit_batch statement: one transaction and one round trip for all of them,
 * while each keeps its own outcome. This is only
 * a gathering point: every lock is taken in PostgreSQL, so instances batching side by side
 * coordinate there as single deposits do. A request waits at most the window, or the batch
 * before it, plus its own batch's statement (each bounded by DB_STATEMENT_TIMEOUT_MS).
 *
 * A batch whose statement fails (a bug-class error, never a client's refusal: those come back as
 * outcomes) is booked again deposit by deposit, so the one deposit that fails it gets the error
 * and the others their bookings. A statement without an answer is not repeated: it may have
 * committed, and each of its requests gets the error, as a single deposit would.
 */
@Injectable()
export class DepositBatcher implements BeforeApplicationShutdown {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly windowMs: number;
  private readonly max: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  /** The batches out, so that shutdown waits for their answers before the pool closes. */
  private readonly booking = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    config: AppConfig,
  ) {
    this.windowMs = config.DEPOSIT_BATCH_WINDOW_MS;
    this.max = config.DEPOSIT_BATCH_MAX;
    this.maxInFlight = config.DEPOSIT_BATCH_IN_FLIGHT;
  }

  /** Books `item` with whatever else arrives in the window; settles once its batch committed. */
  submit(item: DepositBatchItem): Promise<DepositOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.max && this.inFlight < this.maxInFlight) this.flush();
      else if (!this.timer) this.timer = this.windowMs > 0 ? setTimeout(() => this.windowEnded(), this.windowMs) : setImmediate(() => this.windowEnded());
    });
  }

  /** What is gathered goes out at once, and is answered, while the pool is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.flush({ all: true });
    await Promise.allSettled([...this.booking]);
  }

  /**
   * The window is over: the gathered deposits go, unless DEPOSIT_BATCH_IN_FLIGHT batches are
   * already out. Then they keep gathering until one of those commits (each bounded by the
   * statement timeout): under load batches grow by themselves, idle a deposit waits only the window.
   */
  private windowEnded(): void {
    this.timer = undefined;
    if (this.inFlight < this.maxInFlight) this.flush();
  }

  /** Sends batches of what is waiting while fewer than DEPOSIT_BATCH_IN_FLIGHT are out (`all`: everything). */
  private flush(options: { all?: boolean } = {}): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    while (this.waiting.length > 0 && (options.all || this.inFlight < this.maxInFlight)) {
      const batch = this.waiting.splice(0, this.max);
      this.inFlight++;
      const booking = this.book(batch).finally(() => {
        this.inFlight--;
        this.booking.delete(booking);
        // Those gathered meanwhile waited at least as long as this batch took: they go now.
        if (this.waiting.length > 0) this.flush();
      });
      this.booking.add(booking);
    }
  }

  private async book(batch: Waiting[]): Promise<void> {
    let rows: OutcomeRow[];
    try {
      rows = await this.db.statement<OutcomeRow>(
        `SELECT out_ord, out_outcome, out_seq, out_request_hash, out_response, out_encrypted FROM deposit_batch($1::jsonb)`,
        [JSON.stringify(batch.map((w) => w.item))],
      );
    } catch (error) {
      // Only an error that may point at one deposit is worth booking the batch again one by one.
      // A lost, refused or timed-out connection says nothing about any deposit, and the statement
      // may even have committed before the answer was lost: each request gets that error (503),
      // as a single deposit would, and a retry with its Idempotency-Key replays. Booked again one
      // after another, not all at once: a batch that failed must not take the whole pool.
      if (batch.length > 1 && !isUnanswered(error) && !(translateDatabaseError(error) instanceof DatabaseUnavailable)) {
        for (const one of batch) await this.book([one]);
        return;
      }
      const refusal = translateLedgerError(error) ?? error;
      for (const w of batch) w.reject(refusal);
      return;
    }
    const byOrdinal = new Map(rows.map((row) => [Number(row.out_ord), row]));
    batch.forEach((w, i) => {
      const row = byOrdinal.get(i + 1);
      if (!row) w.reject(new Error(`deposit_batch gave no outcome for item ${i + 1}`));
      else w.resolve(outcomeOf(row));
    });
  }
}

function outcomeOf(row: OutcomeRow): DepositOutcome {
  switch (row.out_outcome) {
    case 'BOOKED':
      return { outcome: 'BOOKED', seq: String(row.out_seq) };
    case 'KEY_USED':
      return { outcome: 'KEY_USED', previous: { request_hash: row.out_request_hash!, response_body: row.out_response!, response_encrypted: row.out_encrypted === true } };
    case 'REVOKED':
    case 'CLOSED':
      return { outcome: row.out_outcome };
  }
}

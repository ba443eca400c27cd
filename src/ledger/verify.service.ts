import { Injectable } from '@nestjs/common';
import { Database, Snapshot } from '../database/database';
import { VerificationResult } from './verify/journal-rows';
import { withJournalRows } from './verify/journal-streams';
import { verifyJournal } from './verify/journal-verifier';

export type { VerificationResult } from './verify/journal-rows';

/**
 * Verifies the whole journal (the rules: verify/journal-verifier.ts) from one consistent
 * snapshot, read through cursors so memory stays flat but for one running balance per account.
 */
@Injectable()
export class VerifyService {
  private running?: Promise<VerificationResult>;
  private next?: Promise<VerificationResult>;

  constructor(private readonly database: Database) {}

  /**
   * Verifies the whole journal in a read-only snapshot of its own, taken after the call. On a
   * long journal that is seconds of CPU, so this process runs one at a time: calls arriving
   * while one runs share the next run, which starts when it ends (never an older snapshot).
   */
  verify(): Promise<VerificationResult> {
    if (!this.running) return this.start();
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<VerificationResult> {
    const run = this.database.snapshot((snapshot) => this.verifyIn(snapshot)).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** Verifies what `snapshot` sees (a test tampers in a transaction of its own and verifies that). */
  verifyIn(snapshot: Snapshot): Promise<VerificationResult> {
    return withJournalRows(snapshot, verifyJournal);
  }
}

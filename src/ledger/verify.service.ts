import { Injectable, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Database, Snapshot } from '../database/database';
import { LEDGER_CROSS_CHECK, LedgerCrossCheck } from './verify/cross-checks';
import { VerificationResult } from './verify/journal-rows';
import { withJournalRows } from './verify/journal-streams';
import { verifyJournal } from './verify/journal-verifier';
import { countedRows, ProgressListener } from './verify/progress';

export type { VerificationResult } from './verify/journal-rows';
export type { VerifyProgress, ProgressListener } from './verify/progress';

/** One verification run, and who follows its progress. */
interface Run {
  result: Promise<VerificationResult>;
  listeners: Set<ProgressListener>;
}

/**
 * Verifies the whole journal (the rules: verify/journal-verifier.ts) from one consistent
 * snapshot, read through cursors so memory stays flat but for one running balance per account.
 */
@Injectable()
export class VerifyService {
  private running?: Run;
  private next?: Run;

  private crossChecks?: LedgerCrossCheck[];

  constructor(
    private readonly database: Database,
    // Absent only where the service is built by hand, outside an application (tests, the bench's
    // journal-only timing): there are no other modules then, so no cross-checks.
    @Optional() private readonly discovery?: DiscoveryService,
  ) {}

  /**
   * Verifies the whole journal in a read-only snapshot of its own, taken after the call. On a
   * long journal that is seconds of CPU, so this process runs one at a time: calls arriving
   * while one runs share the next run, which starts when it ends (never an older snapshot).
   */
  verify(onProgress?: ProgressListener): Promise<VerificationResult> {
    const run = this.running ? (this.next ??= this.queueNext()) : this.start(new Set());
    if (onProgress) run.listeners.add(onProgress);
    return run.result;
  }

  private start(listeners: Set<ProgressListener>): Run {
    const report: ProgressListener = (progress) => listeners.forEach((listener) => listener(progress));
    const run: Run = { listeners, result: undefined as unknown as Promise<VerificationResult> };
    // On the read replica when there is one: a long audit costs the primary nothing.
    run.result = this.database.replicaSnapshot((snapshot) => this.verifyIn(snapshot, report)).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** The run after the current one: its listeners gathered now, its snapshot taken when it starts. */
  private queueNext(): Run {
    const listeners = new Set<ProgressListener>();
    const result = this.running!.result
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start(listeners).result;
      });
    return { result, listeners };
  }

  /** Verifies what `snapshot` sees (a test tampers in a transaction of its own and verifies that). */
  async verifyIn(snapshot: Snapshot, onProgress?: ProgressListener): Promise<VerificationResult> {
    const journal = await this.verifyJournalIn(snapshot, onProgress);
    if (!journal.ok) return journal;
    // The journal is sound: the records other modules keep beside it must agree with it too.
    for (const crossCheck of this.registeredCrossChecks()) {
      const problem = await crossCheck.check(snapshot);
      if (problem !== null) return { ...journal, ok: false, problem: `${crossCheck.name}: ${problem}` };
    }
    return journal;
  }

  private async verifyJournalIn(snapshot: Snapshot, onProgress?: ProgressListener): Promise<VerificationResult> {
    if (!onProgress) return withJournalRows(snapshot, verifyJournal);
    const [{ n }] = await snapshot.query<{ n: string }>(`SELECT count(*)::text AS n FROM journal_transactions`);
    return withJournalRows(snapshot, (rows) => verifyJournal(countedRows(rows, Number(n), onProgress)));
  }

  /** The providers marked @LedgerCrossCheckProvider() in this application, found once. */
  private registeredCrossChecks(): LedgerCrossCheck[] {
    this.crossChecks ??= (this.discovery?.getProviders() ?? [])
      .filter((wrapper) => wrapper.metatype && wrapper.instance && Reflect.getMetadata(LEDGER_CROSS_CHECK, wrapper.metatype))
      .map((wrapper) => wrapper.instance as LedgerCrossCheck);
    return this.crossChecks;
  }
}

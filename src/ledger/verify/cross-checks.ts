import { SetMetadata } from '@nestjs/common';
import type { Snapshot } from '../../database/database';

export const LEDGER_CROSS_CHECK = 'ledger:cross-check';

/**
 * A check that the records kept beside the journal agree with it, run by every verification in
 * the same snapshot once the journal itself is sound. Modules above the ledger own such records
 * (escrow's running totals, say): they mark a provider with @LedgerCrossCheckProvider() and the
 * ledger finds it by discovery, so the ledger needs no import of theirs.
 */
export interface LedgerCrossCheck {
  /** Names the check in a problem, e.g. "running totals". */
  readonly name: string;
  /** The first disagreement in words, or null when everything agrees. */
  check(snapshot: Snapshot): Promise<string | null>;
}

export const LedgerCrossCheckProvider = () => SetMetadata(LEDGER_CROSS_CHECK, true);

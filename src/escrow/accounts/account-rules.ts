import { EscrowRuleViolation } from '../escrow-errors';
import { EscrowAccountRow } from './account.types';

/** The guard every money movement into or out of an account shares. */
export function assertNotClosed(account: EscrowAccountRow): void {
  if (account.status === 'closed') throw new EscrowRuleViolation('ACCOUNT_CLOSED', `escrow account ${account.id} is closed`);
}

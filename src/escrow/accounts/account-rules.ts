import { EscrowRuleViolation } from '../escrow-errors';
import { EscrowAccountRow } from './account.types';

/** The guard every money movement into or out of an account shares. */
export function assertNotClosed(account: EscrowAccountRow): void {
  if (account.status === 'closed') throw accountClosed(account.id);
}

export function accountClosed(id: string): EscrowRuleViolation {
  return new EscrowRuleViolation('ACCOUNT_CLOSED', `escrow account ${id} is closed`);
}

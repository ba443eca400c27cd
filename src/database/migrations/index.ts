import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { LedgerAppRole1764000001000 } from './1764000001000-ledger-app-role';
import { Checkpoints1764000002000 } from './1764000002000-checkpoints';
import { LedgerPostOneLockPass1764000003000 } from './1764000003000-ledger-post-one-lock-pass';
import { OrganizationNamesNotUnique1764000004000 } from './1764000004000-organization-names-not-unique';
import { GovernedIdentities1764000005000 } from './1764000005000-governed-identities';

/** Every migration, in order. Listed explicitly so the build and tests load the same set. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  LedgerAppRole1764000001000,
  Checkpoints1764000002000,
  LedgerPostOneLockPass1764000003000,
  OrganizationNamesNotUnique1764000004000,
  GovernedIdentities1764000005000,
];

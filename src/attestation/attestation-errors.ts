import { DomainError } from '../common/errors/domain-error';

export const ATTESTATION_ERROR_CODES = ['TREE_BUSY'] as const;
export type AttestationErrorCode = (typeof ATTESTATION_ERROR_CODES)[number];

export class AttestationError extends DomainError<AttestationErrorCode> {}

/** Another instance is still extending the stored tree; the proof will be ready shortly (503). */
export class TreeBusy extends AttestationError {
  constructor() {
    super('TREE_BUSY', 'the Merkle tree is being extended, try again shortly');
  }
}

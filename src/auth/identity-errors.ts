import { DomainError } from '../common/errors/domain-error';

/** Refusals of the identity module (API.md, "Governance"). */
export const IDENTITY_ERROR_CODES = ['UNAUTHENTICATED', 'ROLE_MISMATCH', 'EMAIL_IN_USE', 'SIGNING_KEY_REGISTERED', 'SIGNING_KEY_IN_USE'] as const;
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

export class IdentityError extends DomainError<IdentityErrorCode> {}

/** The key is unknown or revoked: also inside a command, should the revocation have won the race. */
export class Unauthenticated extends IdentityError {
  constructor(message = 'a valid API key is required: Authorization: Bearer <apiKey>') {
    super('UNAUTHENTICATED', message);
  }
}

/** A command's actor was revoked before the command committed (the revocation won the race). */
export function keyRevoked(): Unauthenticated {
  return new Unauthenticated('this API key was revoked');
}

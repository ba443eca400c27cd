import { DomainError } from './domain-error';

/** Refusals every feature shares. */
export const COMMON_ERROR_CODES = ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'FOUR_EYES', 'INVALID_STATE'] as const;
export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];

export class CommonError extends DomainError<CommonErrorCode> {}

/** Input that passed the DTO's shape but not a rule (a currency's minor units…); names the field. */
export class InvalidInput extends CommonError {
  constructor(field: string, problem: string) {
    super('INVALID_INPUT', `${field} ${problem}`, [field]);
  }
}

export class NotFound extends CommonError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`);
  }
}

/** The caller's role or organization may not take this action. */
export class Forbidden extends CommonError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** One person would act as two: a maker approving their own request, and the like. */
export class FourEyesViolation extends CommonError {
  constructor(message: string) {
    super('FOUR_EYES', message);
  }
}

/** The record is not in a state that allows this action (already decided, already suspended…). */
export class InvalidState extends CommonError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

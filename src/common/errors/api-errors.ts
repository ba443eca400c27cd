import { HttpException, HttpStatus } from '@nestjs/common';

export type RuleCode =
  | 'INSUFFICIENT_FUNDS'
  | 'BENCHMARKS_NOT_MET'
  | 'ACCOUNT_SUSPENDED'
  | 'ACCOUNT_CLOSED'
  | 'PHASE_ORDER'
  | 'INVALID_STATE'
  | 'CURRENCY_MISMATCH';

/** A business rule refused the request (409): the code tells clients which rule. */
export class RuleViolation extends HttpException {
  constructor(
    readonly code: RuleCode,
    message: string,
  ) {
    super({ statusCode: HttpStatus.CONFLICT, error: 'Conflict', code, message }, HttpStatus.CONFLICT);
  }
}

/** The approving admin is the one who asked: maker and checker must differ. */
export class FourEyesViolation extends HttpException {
  constructor(message = 'the release must be approved by an admin other than the requester') {
    super({ statusCode: HttpStatus.FORBIDDEN, error: 'Forbidden', code: 'FOUR_EYES', message }, HttpStatus.FORBIDDEN);
  }
}

export class IdempotencyKeyReused extends HttpException {
  constructor() {
    super(
      {
        statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
        error: 'Unprocessable Entity',
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: 'this Idempotency-Key was already used with a different request',
      },
      HttpStatus.UNPROCESSABLE_ENTITY,
    );
  }
}

/** Invalid input found after DTO validation (e.g. a currency's minor units); names the field. */
export class InvalidField extends HttpException {
  constructor(field: string, problem: string) {
    super(
      { statusCode: HttpStatus.BAD_REQUEST, error: 'Bad Request', message: `${field} ${problem}`, fields: [field] },
      HttpStatus.BAD_REQUEST,
    );
  }
}

export class NotFound extends HttpException {
  constructor(what: string, id: string) {
    super({ statusCode: HttpStatus.NOT_FOUND, error: 'Not Found', message: `${what} ${id} not found` }, HttpStatus.NOT_FOUND);
  }
}

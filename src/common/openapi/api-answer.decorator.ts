import { SetMetadata } from '@nestjs/common';

export const ANSWER_KEY = 'openapi:answers';
export const REFUSALS_KEY = 'openapi:refusals';

/** A successful answer of a route, as the document states it. */
export interface Answer {
  status: number;
  description: string;
  /** A component schema's name, or an inline schema; none for a body-less answer (204, 304). */
  schema?: string | object;
  /** Media types of the body; application/json by default when there is a schema. */
  mediaTypes?: readonly string[];
  headers?: Record<string, { description: string; schema: object }>;
}

/** The route's successful answers (the document states nothing else as success). */
export const ApiAnswers = (...answers: Answer[]) => SetMetadata(ANSWER_KEY, answers);

/** A JSON answer with a component schema: `@ApiJson(201, 'Deposit', 'The deposit')`. */
export const ApiJson = (status: number, schema: string | object, description: string) => ApiAnswers({ status, schema, description });

/**
 * The domain codes the route may refuse with beyond the ones every route of its kind has
 * (src/http/openapi/document.ts): each goes under its status from src/http/error-status.ts.
 * Plain strings here, so that every feature's controllers can use this without importing the
 * edge's mapping of all codes; the document builder refuses a code the mapping does not know,
 * so a misspelt one stops the start-up (and the suite) instead of reaching the document.
 */
export const ApiRefusals = (...codes: string[]) => SetMetadata(REFUSALS_KEY, codes);

/** The answer to a conditional GET whose ETag still matches. */
export const NOT_MODIFIED: Answer = { status: 304, description: 'Not modified: the If-None-Match ETag is still current' };

import { HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ErrorCode, publicErrorCodes } from '../error-status';

export const ERROR_BODY = 'ErrorBody';

/** The body every error leaves with (AllExceptionsFilter, http-layer-errors.ts). */
export function errorBodySchema(): object {
  return {
    type: 'object',
    required: ['statusCode', 'message'],
    properties: {
      statusCode: { type: 'integer', minimum: 400, maximum: 599 },
      error: { type: 'string', description: 'The status text, e.g. "Conflict"' },
      message: { type: 'string', description: 'For people: what was refused and why' },
      code: { type: 'string', enum: publicErrorCodes(), description: 'For programs: the domain refusal (src/http/error-status.ts maps each to its status)' },
      fields: { type: 'array', items: { type: 'string' }, description: 'The request fields at fault (400)' },
    },
    // /health's 503 also carries terminus' status, info, error and details.
    additionalProperties: true,
  };
}

/** What each error status means on this API, before the codes that refine it. */
const MEANING: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'The input is refused; `fields` names what is wrong (unknown fields and query parameters too)',
  [HttpStatus.UNAUTHORIZED]: 'No API key, or one that is unknown or revoked',
  [HttpStatus.FORBIDDEN]: 'The caller\'s role may not do this, or four eyes forbid it',
  [HttpStatus.NOT_FOUND]: 'No such resource',
  [HttpStatus.CONFLICT]: 'A business rule refuses it; `code` says which, and nothing changed',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The body (or evidence file) is larger than allowed',
  [HttpStatus.URI_TOO_LONG]: 'A path parameter is too long',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'Not JSON (multipart only at POST /v1/evidence)',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'The Idempotency-Key was used before with another request',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Rate limit: retry later',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'The database is unavailable (or, with TREE_BUSY, the Merkle tree is busy): retry',
};

/** An error response of the document: the meaning, the codes it may carry, the error schema. */
export function errorResponse(status: number, codes: readonly ErrorCode[] = []): { description: string; content: Record<string, { schema: { $ref: string } }> } {
  const meaning = MEANING[status as HttpStatus] ?? STATUS_CODES[status] ?? 'Error';
  return {
    description: codes.length > 0 ? `${meaning}. Codes: ${codes.join(', ')}` : meaning,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_BODY}` } } },
  };
}

import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../errors/common-errors';
import { firstDuplicateKey } from './duplicate-keys';

/** Deeper bodies are refused before anything recursive (validation, canonical JSON) touches them. */
export const MAX_JSON_DEPTH = 32;

class JsonTooDeep extends Error {
  readonly statusCode = 400;
  constructor() {
    super(`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

class DuplicateKey extends InvalidInput {
  constructor(path: string) {
    super(path, 'appears twice in one JSON object: a body must say each thing once');
  }
}

/** Whether `value` has arrays or objects nested more than `max` deep (iterative: no stack to blow). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Fastify's own JSON parser (prototype-poisoning checks included), plus a nesting limit and a
 * refusal of duplicate keys.
 * Replaces the parser Nest registers at init, so it must run after `app.init()`.
 * An empty body labelled JSON is read as no body (many HTTP clients label every request so):
 * actions without input accept it, and a DTO then names the fields it misses.
 */
export function useStrictJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return done(new JsonTooDeep(), undefined);
      const duplicate = firstDuplicateKey(body as string);
      if (duplicate !== undefined) return done(new DuplicateKey(duplicate), undefined);
      done(null, value);
    });
  });
}

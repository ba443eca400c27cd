import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../../common/errors/common-errors';

/** The console's one multipart form: an evidence file (the session guard reads it, @ConsoleUpload). */
export const CONSOLE_EVIDENCE_ROUTE = '/console/evidence';

class FormsOnlyInTheConsole extends Error {
  readonly statusCode = 415;
  constructor() {
    super('this route takes JSON (application/json); only the console takes forms');
  }
}

/**
 * HTML forms (application/x-www-form-urlencoded) for the console's routes only: the API stays
 * JSON-only and answers 415 to a form, as before. A field sent twice is refused, like a JSON
 * key twice. An empty field is left out: a form sends every optional field it shows, and an
 * empty one means "not given" (a required one is then named as missing). Registered after app.init(), which installs (and app.factory removes) Nest's own.
 */
export function useConsoleFormParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    const path = request.url.split('?')[0];
    if (!(path === '/console' || path.startsWith('/console/'))) return done(new FormsOnlyInTheConsole(), undefined);
    const fields: Record<string, string> = Object.create(null);
    const seen = new Set<string>();
    for (const [name, value] of new URLSearchParams(body as string)) {
      if (seen.has(name)) return done(new InvalidInput(name, 'appears twice in the form'), undefined);
      seen.add(name);
      // A textarea's lines arrive as CRLF (HTML's form encoding); the services take \n, and a bare CR is a control character.
      if (value !== '') fields[name] = value.replace(/\r\n?/g, '\n');
    }
    done(null, { ...fields });
  });
}

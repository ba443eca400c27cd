import type { Role } from '../../common/access/principal';
import type { ConsoleRequest, ConsoleSession } from '../http/console-request';
import { Formats, negotiateLocale } from './formats';

/** What every page needs besides its data: who reads it, in which locale, and the form token. */
export interface PageContext {
  session?: ConsoleSession;
  role?: Role;
  formats: Formats;
  /** Sent back by every state-changing form: the session's token, or the signed-out form token. */
  csrfToken: string;
  path: string;
}

const formatsByLocale = new Map<string, Formats>();

export function pageContext(request: ConsoleRequest): PageContext {
  const locale = negotiateLocale(request);
  let formats = formatsByLocale.get(locale);
  if (!formats) {
    formats = new Formats(locale);
    if (formatsByLocale.size < 100) formatsByLocale.set(locale, formats);
  }
  return {
    session: request.consoleSession,
    role: request.consoleSession?.principal.role,
    formats,
    csrfToken: request.consoleSession?.csrfToken ?? request.consoleFormToken ?? '',
    path: request.url.split('?')[0],
  };
}

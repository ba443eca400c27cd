import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest, Principal } from '../../common/access/principal';
import type { EvidenceUpload } from '../../evidence/evidence.service';

/** The person a console request acts as, and what its forms must send back. */
export interface ConsoleSession {
  principal: Principal & { email: string | null };
  csrfToken: string;
  method: 'password' | 'oidc';
}

export type ConsoleRequest = FastifyRequest &
  AuthenticatedRequest & {
    consoleSession?: ConsoleSession;
    /** The token a signed-out form carries (double-submitted with the form cookie). */
    consoleFormToken?: string;
    /** The console page a form was sent from: where its answer leads back to. */
    consoleBack?: string;
    /** The file a @ConsoleUpload form sent, read by the session guard. */
    consoleUpload?: EvidenceUpload;
  };

/** A console form's fields: what the form parser makes of an urlencoded body. */
export type FormFields = Record<string, string>;

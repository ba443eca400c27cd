import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { Principal, Role } from '../../common/access/principal';
import { InvalidInput, InvalidState, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { LedgerService } from '../../ledger/ledger.service';
import { ConsoleKey } from './console-key';
import { CredentialsRepository } from './credentials.repository';
import { InvitationsRepository } from './invitations.repository';
import { hashPassword, passwordProblem } from './password';
import { SessionsRepository } from './sessions.repository';
import { newTotpSecret, totpStep } from './totp';

/** Admins and monitors move or judge money: they must have a second factor. */
export const TOTP_REQUIRED: ReadonlySet<Role> = new Set(['admin', 'monitor']);

const TOTP_PURPOSE = 'totp-secret';
const ENROLLMENT_PURPOSE = 'totp-enrollment';

export interface Invitation {
  url: string;
  expiresAt: string;
}

/** What the invitation page shows: who is invited, and the second factor being set up. */
export interface OpenInvitation {
  principal: { id: string; name: string; role: Role; email: string };
  expiresAt: Date;
  totpRequired: boolean;
  /** The new TOTP secret (base32) and the same, sealed, for the form to send back. */
  totpSecret: string;
  enrollment: string;
}

export interface Acceptance {
  password: string;
  confirmation: string;
  /** The sealed enrollment the page carried, and the code the person's app shows for it. */
  enrollment: string;
  code: string;
}

/**
 * Invitations to the console: one use, 72 hours, superseding earlier ones. Accepting sets the
 * password (argon2id) and, where given, the TOTP factor, ends every session the person had, and
 * journals it (never the secrets): every identity change is in the journal.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly db: Database,
    private readonly invitations: InvitationsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly sessions: SessionsRepository,
    private readonly identities: AuthService,
    private readonly ledger: LedgerService,
    private readonly key: ConsoleKey,
  ) {}

  /** `inviter` null: the host's command line (the first admin's way in). */
  async issue(principalId: string, inviter: Principal | null, origin: string): Promise<Invitation> {
    const principal = await this.identities.findPrincipal(this.db.writer, principalId);
    if (!principal) throw new NotFound('principal', principalId);
    if (!principal.email) throw new InvalidState('this principal has no email: only a person with an email can sign in to the console');
    if (principal.status !== 'active') throw new InvalidState(`the principal is ${principal.status}: only an active principal can be invited`);
    const { token, expiresAt } = await this.invitations.issue(this.db.writer, principalId, inviter?.id ?? null);
    await this.ledger.post(this.db.writer, {
      kind: 'invitation_issued',
      actorPrincipalId: inviter?.id ?? null,
      refs: { principalId, organizationId: principal.organizationId },
      details: { expiresAt: expiresAt.toISOString(), channel: inviter ? 'api' : 'command_line' },
    });
    return { url: `${origin}/console/invitations/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /** The invitation behind a token, with a fresh TOTP secret to enroll; undefined if it is not open. */
  async open(token: string, enrollment?: string): Promise<OpenInvitation | undefined> {
    const invitation = await this.invitations.findOpen(this.db.reader, token);
    if (!invitation) return undefined;
    const principal = await this.identities.activePrincipal(this.db.reader, invitation.principalId);
    if (!principal?.email) return undefined;
    // The same secret again when the form comes back with a problem: the QR code stays valid.
    const kept = this.key.openText(enrollment, ENROLLMENT_PURPOSE, token);
    const totpSecret = kept ?? newTotpSecret();
    return {
      principal: { id: principal.id, name: principal.name, role: principal.role, email: principal.email },
      expiresAt: invitation.expiresAt,
      totpRequired: TOTP_REQUIRED.has(principal.role),
      totpSecret,
      enrollment: kept ? enrollment! : this.key.sealText(totpSecret, ENROLLMENT_PURPOSE, token),
    };
  }

  /** Sets the credentials; refusals name the field in words and change nothing. */
  async accept(token: string, form: Acceptance): Promise<{ principalId: string; totp: boolean }> {
    const invitation = await this.invitations.findOpen(this.db.writer, token, true);
    if (!invitation) throw new NotFound('invitation', '(this link)');
    const principal = await this.identities.activePrincipal(this.db.writer, invitation.principalId);
    if (!principal) throw new InvalidState('this person is no longer active: ask an administrator');
    const problem = passwordProblem(form.password, form.confirmation, principal.email);
    if (problem) throw new InvalidInput('password', problem);
    const secret = this.key.openText(form.enrollment, ENROLLMENT_PURPOSE, token);
    if (!secret) throw new InvalidInput('enrollment', 'does not belong to this invitation: reload the page and scan the new code');
    const code = form.code.replace(/\s+/g, '');
    const withTotp = code !== '' || TOTP_REQUIRED.has(principal.role);
    const step = withTotp ? totpStep(secret, code) : undefined;
    if (withTotp && step === undefined) {
      throw new InvalidInput('code', code === '' ? `is required: a ${principal.role} signs in with a code from an authenticator app` : 'is not the code your app shows now for this secret');
    }
    const sealed = withTotp ? this.key.seal(Buffer.from(secret, 'utf8'), TOTP_PURPOSE, principal.id) : null;
    await this.credentials.replace(this.db.writer, principal.id, await hashPassword(form.password), sealed);
    if (step !== undefined) await this.credentials.spendStep(this.db.writer, principal.id, step);
    await this.invitations.markAccepted(this.db.writer, token);
    const endedSessions = await this.sessions.deleteForPrincipal(this.db.writer, principal.id);
    await this.ledger.post(this.db.writer, {
      kind: 'credential_enrolled',
      actorPrincipalId: principal.id,
      refs: { principalId: principal.id, organizationId: principal.organizationId },
      details: { password: 'argon2id', totp: withTotp ? 'rfc6238' : null, endedSessions },
    });
    return { principalId: principal.id, totp: withTotp };
  }

  /** A person's TOTP secret, unsealed for a check. */
  totpSecretOf(principalId: string, sealed: Buffer): string | undefined {
    return this.key.open(sealed, TOTP_PURPOSE, principalId)?.toString('utf8');
  }
}

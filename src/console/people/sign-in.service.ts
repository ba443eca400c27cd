import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { Database } from '../../database/database';
import { CredentialsRepository } from './credentials.repository';
import { InvitationsService, TOTP_REQUIRED } from './invitations.service';
import { LoginGuardRepository } from './login-guard.repository';
import { passwordMatches, spendLikeAVerification } from './password';
import { NewSession, SessionsRepository, SignInMethod } from './sessions.repository';
import { totpStep } from './totp';

export type SignInOutcome =
  | { outcome: 'signed_in'; session: NewSession }
  | { outcome: 'code_needed'; session: NewSession }
  /** `wrong` says nothing about which of email, password or code was. */
  | { outcome: 'refused'; reason: 'wrong' | 'locked' | 'no_second_factor' | 'expired'; lockedUntil?: Date };

/**
 * Signing in: email and password, then a TOTP code where one is enrolled (always for admins and
 * monitors); or single sign-on, matched by a verified email. Each step runs in one transaction
 * that commits its failures too: a wrong guess is counted even though it is refused, so these
 * steps answer refusals instead of throwing them. A new session is made at each step, never
 * reused: a session id known before sign-in is worth nothing after it.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly identities: AuthService,
    private readonly credentials: CredentialsRepository,
    private readonly guard: LoginGuardRepository,
    private readonly sessions: SessionsRepository,
    private readonly invitations: InvitationsService,
  ) {}

  async withPassword(emailAsTyped: string, password: string): Promise<SignInOutcome> {
    const email = emailAsTyped.trim().toLowerCase();
    const lockedUntil = await this.guard.enter(this.db.writer, email);
    if (lockedUntil) return { outcome: 'refused', reason: 'locked', lockedUntil };
    const principal = await this.identities.findByEmail(this.db.writer, email);
    const credential = principal?.status === 'active' ? await this.credentials.lock(this.db.writer, principal.id) : undefined;
    const right = credential ? await passwordMatches(credential.passwordHash, password) : (await spendLikeAVerification(password), false);
    if (!right || !principal || !credential) return this.failed(email);
    if (credential.totpSecretSealed) {
      return { outcome: 'code_needed', session: await this.sessions.create(this.db.writer, principal.id, 'second_factor', 'password') };
    }
    if (TOTP_REQUIRED.has(principal.role)) return { outcome: 'refused', reason: 'no_second_factor' };
    await this.guard.succeed(this.db.writer, email);
    return { outcome: 'signed_in', session: await this.sessions.create(this.db.writer, principal.id, 'signed_in', 'password') };
  }

  /** The second step: the session awaiting a code becomes a new, signed-in one. */
  async withCode(pendingSecret: string, code: string): Promise<SignInOutcome> {
    const pending = await this.sessions.lockAwaitingCode(this.db.writer, pendingSecret);
    const principal = pending && (await this.identities.activePrincipal(this.db.writer, pending.principalId));
    if (!pending || !principal?.email) return { outcome: 'refused', reason: 'expired' };
    const lockedUntil = await this.guard.enter(this.db.writer, principal.email);
    if (lockedUntil) {
      await this.sessions.delete(this.db.writer, pendingSecret);
      return { outcome: 'refused', reason: 'locked', lockedUntil };
    }
    const credential = await this.credentials.lock(this.db.writer, principal.id);
    const secret = credential?.totpSecretSealed ? this.invitations.totpSecretOf(principal.id, credential.totpSecretSealed) : undefined;
    const step = secret ? totpStep(secret, code.replace(/\s+/g, '')) : undefined;
    // A code already used (or one older than it) is refused like a wrong one: RFC 6238 §5.2.
    if (step === undefined || !(await this.credentials.spendStep(this.db.writer, principal.id, step))) {
      const locked = await this.guard.fail(this.db.writer, principal.email);
      if (locked) await this.sessions.delete(this.db.writer, pendingSecret);
      return { outcome: 'refused', reason: locked ? 'locked' : 'wrong', lockedUntil: locked };
    }
    await this.guard.succeed(this.db.writer, principal.email);
    await this.sessions.delete(this.db.writer, pendingSecret);
    return { outcome: 'signed_in', session: await this.sessions.create(this.db.writer, principal.id, 'signed_in', 'password') };
  }

  /** Single sign-on: the identity provider vouched for this email (verified). */
  async withVerifiedEmail(email: string, method: SignInMethod = 'oidc'): Promise<SignInOutcome> {
    const principal = await this.identities.findByEmail(this.db.writer, email.toLowerCase());
    if (!principal || principal.status !== 'active') return { outcome: 'refused', reason: 'wrong' };
    return { outcome: 'signed_in', session: await this.sessions.create(this.db.writer, principal.id, 'signed_in', method) };
  }

  async signOut(secret: string): Promise<void> {
    await this.sessions.delete(this.db.writer, secret);
  }

  private async failed(email: string): Promise<SignInOutcome> {
    const lockedUntil = await this.guard.fail(this.db.writer, email);
    return { outcome: 'refused', reason: lockedUntil ? 'locked' : 'wrong', lockedUntil };
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { PeriodicTask } from '../../common/periodic-task';
import { Database } from '../../database/database';
import type { ConsoleSession } from '../http/console-request';
import { LoginGuardRepository } from './login-guard.repository';
import { SessionsRepository } from './sessions.repository';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/**
 * Who a session cookie stands for, judged on every request with no cache: the session must be
 * alive (30 minutes idle, 12 hours at most, by the database's clock) and its principal active
 * now, so a revocation signs the person out everywhere at once. Commands re-check the principal
 * under a share lock in their own transaction besides (UnitOfWork).
 */
@Injectable()
export class ConsoleSessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsoleSessionsService.name);
  private readonly sweeper: PeriodicTask;

  constructor(
    private readonly database: Database,
    private readonly sessions: SessionsRepository,
    private readonly guard: LoginGuardRepository,
    private readonly identities: AuthService,
  ) {
    this.sweeper = new PeriodicTask({ name: 'console session sweep', everyMs: SWEEP_EVERY_MS, logger: this.logger, run: () => this.sweep() });
  }

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweeper.stop();
  }

  /** The signed-in session of this cookie value, touched; undefined when it is none (any more). */
  async current(secret: string | undefined): Promise<ConsoleSession | undefined> {
    if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
    // One statement in autocommit: the touch needs no transaction of its own.
    const session = await this.sessions.touchSignedIn(this.database.reader, secret);
    if (!session) return undefined;
    const principal = await this.identities.activePrincipal(this.database.reader, session.principalId);
    if (!principal) return undefined;
    return { principal, csrfToken: session.csrfToken, method: session.method };
  }

  /** Expired sessions and aged-out sign-in failures and locks; idempotent, so any instance may run it. */
  async sweep(): Promise<void> {
    await this.database.transaction(async (db) => {
      await this.sessions.sweep(db);
      await this.guard.sweep(db);
    });
  }
}

import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { DatabaseModule } from '../../database/database.module';
import { LedgerModule } from '../../ledger/ledger.module';
import { ConsoleKey } from './console-key';
import { ConsoleSessionsService } from './console-sessions.service';
import { CredentialsRepository } from './credentials.repository';
import { InvitationsApiController } from './invitations-api.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { LoginGuardRepository } from './login-guard.repository';
import { SessionsRepository } from './sessions.repository';
import { SignInService } from './sign-in.service';
import { SingleSignOnService } from './single-sign-on.service';

/**
 * People who sign in to the console: credentials, invitations, sessions, sign-in guards, single
 * sign-on, over its own tables (schema/70-console.sql). Apart from the pages so that the command
 * line can invite the first admin without them.
 */
@Module({
  imports: [DatabaseModule, AuthModule, LedgerModule],
  controllers: [InvitationsApiController],
  providers: [
    ConsoleKey,
    SessionsRepository,
    CredentialsRepository,
    InvitationsRepository,
    LoginGuardRepository,
    ConsoleSessionsService,
    InvitationsService,
    SignInService,
    SingleSignOnService,
  ],
  exports: [ConsoleSessionsService, InvitationsService, SignInService, SingleSignOnService, CredentialsRepository, InvitationsRepository],
})
export class ConsolePeopleModule {}

import { Module } from '@nestjs/common';
import { AttestationModule } from '../attestation/attestation.module';
import { AuthModule } from '../auth/auth.module';
import { CommandsModule } from '../commands/commands.module';
import { DatabaseModule } from '../database/database.module';
import { EscrowModule } from '../escrow/escrow.module';
import { EvidenceModule } from '../evidence/evidence.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OversightModule } from '../oversight/oversight.module';
import { SessionGuard } from './http/session.guard';
import { ConsoleAssetsController } from './pages/assets.controller';
import { ConsoleReads } from './pages/console-reads.service';
import { EscrowPagesController } from './pages/escrow.controller';
import { HomeController } from './pages/home.controller';
import { LedgerPagesController } from './pages/ledger.controller';
import { OversightPagesController } from './pages/oversight.controller';
import { PolicyPagesController } from './pages/policy.controller';
import { PeoplePagesController } from './pages/people.controller';
import { SignInController } from './pages/sign-in.controller';
import { ConsolePeopleModule } from './people/people.module';

/**
 * The console: people do their work in the browser (API.md, "People in the browser"). At the
 * top of the import graph: it calls the services the API calls (never the API over HTTP), and
 * nothing depends on it. people/ holds sign-in, sessions, invitations and credentials (its own
 * tables, schema/70-console.sql); pages/ the role pages; views/ and html/ the server-rendered
 * HTML (typed JSX to strings); http/ the session guard, forms, and refusals as pages.
 */
@Module({
  imports: [DatabaseModule, AuthModule, LedgerModule, EscrowModule, EvidenceModule, OversightModule, AttestationModule, CommandsModule, ConsolePeopleModule],
  controllers: [SignInController, HomeController, EscrowPagesController, PeoplePagesController, LedgerPagesController, OversightPagesController, PolicyPagesController, ConsoleAssetsController],
  providers: [ConsoleReads, SessionGuard],
})
export class ConsoleModule {}

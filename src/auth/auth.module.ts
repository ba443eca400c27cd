import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module';
import { LedgerModule } from '../ledger/ledger.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { GovernanceService } from './governance.service';
import { OrganizationsRepository } from './organizations.repository';
import { PrincipalsRepository } from './principals.repository';
import { SigningKeysController } from './signing-keys/signing-keys.controller';
import { SigningKeysRepository } from './signing-keys/signing-keys.repository';
import { SigningKeysService } from './signing-keys/signing-keys.service';

/** Identities: organizations, principals, their API and signing keys, who may act, and every change to that (journaled). */
@Module({
  imports: [DatabaseModule, LedgerModule],
  controllers: [AuthController, SigningKeysController],
  providers: [
    AuthService,
    GovernanceService,
    SigningKeysService,
    PrincipalsRepository,
    OrganizationsRepository,
    SigningKeysRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, GovernanceService, SigningKeysService],
})
export class AuthModule {}

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

/** Identities: organizations, principals and their keys, who may act, and every change to that (journaled). */
@Module({
  imports: [DatabaseModule, LedgerModule],
  controllers: [AuthController],
  providers: [AuthService, GovernanceService, PrincipalsRepository, OrganizationsRepository, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, GovernanceService],
})
export class AuthModule {}

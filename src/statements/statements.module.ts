import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { StatementsService } from './statements.service';

/**
 * Signed statements: the check (verifyStatement) that every command recording a principal's
 * judgement calls, against the key the principal registered (AuthModule's SigningKeysService).
 * The format is src/ledger/signed-statement.ts, shared with the verifiers.
 */
@Module({
  imports: [DatabaseModule, AuthModule],
  providers: [StatementsService],
  exports: [StatementsService],
})
export class StatementsModule {}

import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError } from 'commander';
import { AuthService } from './auth/auth.service';
import { GovernanceService } from './auth/governance.service';
import { InvitationsService } from './console/people/invitations.service';
import { Role, ROLES } from './common/access/principal';
import { CliModule } from './cli/cli.module';
import { Database } from './database/database';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { openDatabaseServer } from './database/database-server';
import { VerifyService } from './ledger/verify.service';
import { registerProofVerifyCommand } from './attestation/verifier/proof-verify.command';
import { registerWitnessCommands } from './tlog/c2sp/witness/witness.command';
import { registerInspectionsVerifyCommand } from './oversight/inspections/inspections-verify.command';
import { registerStatementCommands } from './statements/statement.command';

/**
 * Runs `work` against the same database `npm start` uses (with the embedded default, the
 * server already running from DATA_DIR, or one started for this command and stopped after).
 */
async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabaseServer(config);
  const resolved = Object.assign(new AppConfig(), config, { DATABASE_URL: database.url, SEALER_INTERVAL_MS: 0 });
  try {
    const app = await NestFactory.createApplicationContext(CliModule.withConfig(resolved), { logger: false });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

const program = new Command('aid-escrow').description('Aid Escrow Ledger administration').showHelpAfterError();

program
  .command('principal:create')
  .description('create a principal (and its organization, if absent) and print its API key once')
  .requiredOption('--name <name>', 'the principal\'s name')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, role)
  .requiredOption('--org <organization>', 'organization name; created with the role\'s type if absent')
  .option('--email <email>', 'the person\'s email, to sign in to the console (see console:invite)')
  .action(async (options: { name: string; role: Role; org: string; email?: string }) => {
    const issued = await withApp((app) =>
      app.get(Database).transaction(() => app.get(GovernanceService).bootstrap(options.name, options.role, options.org, options.email)),
    );
    print({ id: issued.id, name: issued.name, role: issued.role, organizationId: issued.organizationId, apiKey: issued.apiKey });
  });

program
  .command('console:invite')
  .description('print a one-use invitation link (72 h) for a principal with an email to set its console password and code')
  .requiredOption('--email <email>', 'the principal\'s email')
  .action(async (options: { email: string }) => {
    const invitation = await withApp(async (app) => {
      const config = app.get(AppConfig);
      const origin = config.CONSOLE_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      return app.get(Database).transaction(async (db) => {
        const principal = await app.get(AuthService).findByEmail(db, options.email);
        if (!principal) throw new Error(`no live principal has the email ${options.email}`);
        return app.get(InvitationsService).issue(principal.id, null, origin);
      });
    });
    print(invitation);
  });

program
  .command('ledger:verify')
  .description('verify hashes, chain and balances of the whole journal; exit 1 when broken')
  .action(async () => {
    const result = await withApp((app) => app.get(VerifyService).verify());
    print(result);
    process.exitCode = result.ok ? 0 : 1;
  });

// Need no database: an outsider's check of checkpoints and proofs, a C2SP witness, and a
// principal's signature of its statements (made where its key is).
registerProofVerifyCommand(program);
registerWitnessCommands(program);
registerInspectionsVerifyCommand(program);
registerStatementCommands(program);

program.parseAsync(process.argv).catch((error) => {
  process.stderr.write(`${error instanceof ConfigValidationError ? error.message : (error?.message ?? error)}\n`);
  process.exitCode = 2;
});

import { Command, InvalidArgumentError } from 'commander';
import { KeyObject, sign } from 'node:crypto';
import { rawEd25519PublicKey, readEd25519PrivateKeyFile } from '../tlog/c2sp/ed25519';
import { signingKeyId, STATEMENT_ACTIONS, StatementAction, statementMessage, statementText } from '../ledger/signed-statement';

/**
 * `statement:sign` makes the signed body of a sign-off, approval or finding; `statement:key`
 * prints the public key to register (POST /v1/principals/me/signing-keys). Neither needs a
 * database: the key stays on the signer's machine.
 */

function action(value: string): StatementAction {
  if (!(STATEMENT_ACTIONS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${STATEMENT_ACTIONS.join(', ')}`);
  return value as StatementAction;
}

function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON object (the request body)');
  if ('action' in parsed || 'targetId' in parsed) throw new InvalidArgumentError('must not hold action or targetId (the statement adds them)');
  return parsed as Record<string, unknown>;
}

/** The body with `signedAt` (kept if given, else now) and its `signature` by `key`. */
export function signStatement(key: KeyObject, statementAction: StatementAction, targetId: string, body: Record<string, unknown>, now = new Date()): Record<string, unknown> {
  const { signature: _old, ...rest } = body;
  const unsigned = { ...rest, signedAt: rest.signedAt ?? now.toISOString() };
  const signature = sign(null, statementMessage(statementText(statementAction, targetId, unsigned)), key).toString('base64');
  return { ...unsigned, signature };
}

export function registerStatementCommands(program: Command): void {
  program
    .command('statement:sign')
    .description('sign a sign-off, release approval or finding with your Ed25519 key and print the body to send (no database needed)')
    .requiredOption('--key <file>', 'your Ed25519 private key, PKCS#8 PEM (openssl genpkey -algorithm ed25519 -out me.pem)')
    .requiredOption('--action <action>', STATEMENT_ACTIONS.join(' | '), action)
    .requiredOption('--target <id>', 'the :id of the route, e.g. the benchmark of POST /v1/benchmarks/:id/signoffs')
    .requiredOption('--body <json>', 'the request body without signature, e.g. \'{"decision":"approve"}\' (signedAt is added when absent)', jsonObject)
    .action((options: { key: string; action: StatementAction; target: string; body: Record<string, unknown> }) => {
      const key = readEd25519PrivateKeyFile(options.key);
      process.stdout.write(JSON.stringify(signStatement(key, options.action, options.target, options.body)) + '\n');
    });

  program
    .command('statement:key')
    .description('print the public key of an Ed25519 PKCS#8 PEM key as POST /v1/principals/me/signing-keys takes it, with its keyId')
    .requiredOption('--key <file>', 'the Ed25519 private key, PKCS#8 PEM')
    .action((options: { key: string }) => {
      const raw = rawEd25519PublicKey(readEd25519PrivateKeyFile(options.key));
      process.stdout.write(JSON.stringify({ publicKey: raw.toString('base64'), keyId: signingKeyId(raw) }) + '\n');
    });
}


import { Command, InvalidArgumentError } from 'commander';
import { createHash } from 'node:crypto';
import { ed25519Cosigner } from '../cosignature';
import { rawEd25519PublicKey, readEd25519PrivateKeyFile } from '../ed25519';
import { ed25519NoteSigner, isValidKeyName } from '../signed-note';
import { logVerifierFromKey } from '../verifier-keys';
import { Witness } from './witness';
import { startWitnessServer } from './witness-server';
import { WitnessStateStore } from './witness-state';

/**
 * `witness:serve` runs a C2SP tlog-witness; `witness:vkey` prints the vkey of a key file.
 * Neither needs a database or the service's configuration: a monitoring organization runs its
 * witness with its own key, anywhere.
 */

function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return Number(value);
}

function keyName(value: string): string {
  if (!isValidKeyName(value)) throw new InvalidArgumentError('must be a non-empty key name without spaces or +, e.g. witness.example.org/w1');
  return value;
}

function logKey(value: string, previous: string[] = []): string[] {
  try {
    logVerifierFromKey(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return [...previous, value];
}

/** Without --name: a name derived from the key, so one key file always gives one vkey. */
function defaultName(publicKey: Buffer): string {
  return `localhost/witness-${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function registerWitnessCommands(program: Command): void {
  program
    .command('witness:serve')
    .description('run a C2SP tlog-witness (POST /add-checkpoint) that cosigns checkpoints of the given logs after checking their consistency (no database needed)')
    .requiredOption('--port <port>', 'port to listen on', port)
    .requiredOption('--key <file>', 'the witness\'s Ed25519 private key, PKCS#8 PEM (openssl genpkey -algorithm ed25519 -out witness.pem)')
    .requiredOption('--log-vkey <vkey>', 'a log\'s verifier key (GET /v1/public/checkpoints/key); its name is the log\'s origin; repeat for more logs', logKey)
    .requiredOption('--state <dir>', 'where the latest cosigned checkpoint of each log is kept (one witness process per directory)')
    .option('--name <name>', 'the witness\'s key name, e.g. witness.example.org/aid-escrow (default: derived from the key)', keyName)
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .action(async (options: { port: number; key: string; logVkey: string[]; state: string; name?: string; host: string }) => {
      const key = readEd25519PrivateKeyFile(options.key);
      const cosigner = ed25519Cosigner(options.name ?? defaultName(rawEd25519PublicKey(key)), key);
      const store = new WitnessStateStore(options.state);
      store.open();
      const warn = (message: string) => process.stderr.write(message + '\n');
      let server;
      try {
        const witness = new Witness({
          cosigner,
          logs: options.logVkey.map(logVerifierFromKey),
          store,
          onMisbehavior: (origin, reason, path) => warn(`log ${origin} signed two different trees of one size (${reason}); both checkpoints are kept in ${path}`),
        });
        for (const origin of witness.origins) await store.read(origin); // a damaged state file stops the start
        server = await startWitnessServer({ witness, port: options.port, host: options.host, onError: (error) => warn(`add-checkpoint failed: ${(error as Error)?.stack ?? error}`) });
      } catch (error) {
        store.close();
        throw error;
      }
      print({ witness: cosigner.name, vkey: cosigner.vkey, url: server.url, logs: options.logVkey.map((v) => logVerifierFromKey(v).name) });
      const stop = () => {
        void server.close().finally(() => {
          store.close();
          process.exit(0);
        });
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });

  program
    .command('witness:vkey')
    .description('print the verifier key (vkey) of an Ed25519 PKCS#8 PEM key: a witness\'s cosignature key, or with --log a log\'s note key')
    .requiredOption('--key <file>', 'the Ed25519 private key, PKCS#8 PEM')
    .option('--name <name>', 'the key name (witness:serve --name; for --log, the log\'s origin)', keyName)
    .option('--log', 'print the vkey of a log\'s checkpoint signatures (type 0x01) instead of a witness\'s cosignatures (type 0x04)')
    .action((options: { key: string; name?: string; log?: boolean }) => {
      const key = readEd25519PrivateKeyFile(options.key);
      if (options.log) {
        if (!options.name) throw new InvalidArgumentError('--log needs --name (the log\'s origin)');
        process.stdout.write(ed25519NoteSigner(options.name, key).vkey + '\n');
      } else {
        process.stdout.write(ed25519Cosigner(options.name ?? defaultName(rawEd25519PublicKey(key)), key).vkey + '\n');
      }
    });
}

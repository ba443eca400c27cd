import { Command, InvalidArgumentError } from 'commander';
import { verifyProofs, VerifyOptions } from './proof-verifier';

function index(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

/**
 * `proof:verify`: the outside verifier on the command line. Needs no database and no
 * configuration: only the service's public URL or JSON files. Prints one JSON line; exit 0 when
 * every check passed, 1 when one failed, 2 on a usage error (a file or the service unreachable).
 */
export function registerProofVerifyCommand(program: Command): void {
  program
    .command('proof:verify')
    .description('check a signed checkpoint (with --policy: its witnesses\' quorum), an inclusion proof, a consistency proof and a journal export, from a URL or files (no database needed)')
    .option('--url <baseUrl>', 'the service, e.g. https://ledger.example.org: missing inputs are fetched from its /v1/public endpoints')
    .option('--public-key <base64>', 'the Ed25519 key you trust (base64 of the 32 raw bytes); default: fetched from the service')
    .option('--key-file <file>', 'a saved answer of GET /v1/public/checkpoints/key')
    .option('--checkpoint <file>', 'a signed checkpoint; default: the latest, fetched')
    .option('--chain-index <n>', 'prove that the transaction at this chain position is in the checkpoint', index)
    .option('--transaction <file>', 'a transaction (an item of GET /v1/ledger/transactions or a line of the export): re-hash its body and prove it is in the checkpoint')
    .option('--content-hash <hex>', 'the contentHash of the transaction being proven, checked against the proof\'s leaf')
    .option('--inclusion <file>', 'an inclusion proof; default: fetched for --chain-index')
    .option('--old-checkpoint <file>', 'a checkpoint you saved earlier: prove the current one extends it')
    .option('--consistency <file>', 'a consistency proof; default: fetched')
    .option('--save-checkpoint <file>', 'save the checkpoint once verified, for the next --old-checkpoint')
    .option('--policy <file>', 'a C2SP tlog-policy (log <vkey>, witness <name> <vkey>, group, quorum): check the C2SP checkpoint note (GET /checkpoint) and refuse it without the witness quorum; checkpoint files are then notes')
    .option('--receipt <file>', 'with --policy: a C2SP tlog-proof (GET /v1/public/proofs/receipt); default: fetched for --chain-index')
    .option('--export <file>', 'a journal export (GET /v1/ledger/export?format=ndjson): re-hash every body, re-check every signed statement, and compare its tree with the checkpoint\'s root')
    .action(async (options: VerifyOptions) => {
      const report = await verifyProofs(options);
      process.stdout.write(JSON.stringify(report) + '\n');
      process.exitCode = report.ok ? 0 : 1;
    });
}

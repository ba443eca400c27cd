import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `witness:serve` as a monitoring organization runs it: a dist/cli.js child process (built by
 * pretest) with its own key file and state directory.
 */

export const CLI = resolve(__dirname, '../../dist/cli.js');

export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A fresh Ed25519 private key in a PKCS#8 PEM file (what `openssl genpkey -algorithm ed25519` writes). */
export function pemFile(): string {
  const path = join(tmp('aid-escrow-witness-key-'), 'key.pem');
  writeFileSync(path, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  return path;
}

export interface WitnessProcess {
  url: string;
  vkey: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export async function startWitness(args: { key: string; state: string; logVkey: string; name: string; port?: number }): Promise<WitnessProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'witness:serve', '--port', String(args.port ?? 0), '--host', '127.0.0.1', '--key', args.key, '--log-vkey', args.logVkey, '--state', args.state, '--name', args.name],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const started = await new Promise<{ url: string; vkey: string }>((done, fail) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`the witness did not start in 20 s: ${output}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        done(JSON.parse(stdout.split('\n')[0]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the witness exited (${code}): ${output}`));
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT'); // a paused process handles no SIGTERM
      child.kill(name);
    }
    await exited;
  };
  return { ...started, pid: child.pid!, output: () => output, stop: () => signal('SIGTERM'), kill9: () => signal('SIGKILL') };
}

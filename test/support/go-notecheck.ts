import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeNeeding } from './system-tools';

/**
 * test/go/notecheck, the Go reference check of the C2SP notes: built once per test file with
 * Go's golang.org/x/mod from Debian's package (test/go/go.mod's replace), offline (GOPROXY=off)
 * and with its build cache in the temporary folder, so a rebuild takes about a second.
 */

const GO_DIR = resolve(__dirname, '../go');
const X_MOD = '/usr/share/gocode/src/golang.org/x/mod';

const goInstalled = () => !spawnSync('go', ['version']).error;

export const describeWithGo = () =>
  describeNeeding(
    !goInstalled()
      ? 'Go (apt-get install golang-go golang-golang-x-mod-dev)'
      : !existsSync(join(X_MOD, 'sumdb/note/note.go'))
        ? `golang.org/x/mod at ${X_MOD} (apt-get install golang-golang-x-mod-dev)`
        : undefined,
  );

function goEnv(): NodeJS.ProcessEnv {
  const cache = join(tmpdir(), 'aid-escrow-go');
  mkdirSync(cache, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? cache,
    GOCACHE: join(cache, 'build'),
    GOPATH: join(cache, 'path'),
    GOPROXY: 'off',
    GOFLAGS: '-mod=mod',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
}

/** Builds notecheck; returns the binary's path. */
export function buildNotecheck(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'aid-escrow-notecheck-')), 'notecheck');
  const built = spawnSync('go', ['build', '-o', out, './notecheck'], { cwd: GO_DIR, env: goEnv(), encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0) throw new Error(`go build of test/go/notecheck failed:\n${built.stderr}${built.error ?? ''}`);
  return out;
}

export interface NotecheckResult {
  ok: boolean;
  error?: string;
  text?: string;
  sigs?: { name: string; keyId: string; timestamp?: number }[];
  unverified?: { name: string; keyId: string }[];
  origin?: string;
  size?: number;
  index?: number;
}

/** Runs a notecheck command with `input` on stdin; the JSON it prints (or stdout for `sign`). */
export function notecheck(binary: string, args: string[], input: string | Buffer): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(binary, args, { input, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function notecheckJson(binary: string, args: string[], input: string | Buffer): NotecheckResult {
  const run = notecheck(binary, args, input);
  if (run.status !== 0 && run.status !== 1) throw new Error(`notecheck ${args[0]} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

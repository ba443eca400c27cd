import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync, ValidateBy, ValidationArguments } from 'class-validator';
import { isValidKeyName } from '../tlog/c2sp/signed-note';
import { parseWitnessList } from '../tlog/c2sp/witness/witness-client';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** An integer setting from `min` (to `max`): the environment gives it as text. */
function EnvInteger(min: number, max?: number): PropertyDecorator {
  const rules = [Transform(toInt), IsInt(), Min(min)];
  return applyDecorators(...(max === undefined ? rules : [...rules, Max(max)]));
}

/**
 * Every setting the service reads from its environment, validated once at start-up:
 * a wrong value stops the process with a message that names the variable.
 */
export class AppConfig {
  @EnvInteger(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Trust X-Forwarded-* headers (only behind a reverse proxy that sets them). */
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean()
  TRUST_PROXY = false;

  /** A PostgreSQL URL. Unset: an embedded PostgreSQL keeps its data in DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * A PostgreSQL streaming replica (hot standby) of DATABASE_URL's database. Set: public
   * documents, ledger reads, export and verify read from it; writes, reads inside writes and
   * authentication stay on the primary. Unset: everything reads from the primary.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_READ_URL must be a postgres:// URL' })
  DATABASE_READ_URL?: string;

  @IsString()
  DATA_DIR = './.data';

  /** Port of the embedded PostgreSQL (only used when DATABASE_URL is unset). */
  @EnvInteger(1024, 65535)
  EMBEDDED_PG_PORT = 54329;

  @EnvInteger(1, 500)
  DB_POOL_SIZE = 20;

  /** Fail a database statement that runs longer than this, rather than hang a request. */
  @EnvInteger(100)
  DB_STATEMENT_TIMEOUT_MS = 15000;

  /**
   * Group commit for deposits: concurrent deposits in this process are gathered for at most this
   * long (or until DEPOSIT_BATCH_MAX of them) and booked in one statement (DepositBatcher).
   * 0: each is sent as soon as the event loop turns, still with the others that arrived meanwhile.
   */
  @EnvInteger(0, 50)
  DEPOSIT_BATCH_WINDOW_MS = 1;

  /** The most deposits one batch books; 1 books each deposit alone (still in one round trip). */
  @EnvInteger(1, 500)
  DEPOSIT_BATCH_MAX = 32;

  /**
   * Deposit batches one process has out at once; deposits arriving meanwhile gather into the
   * next batch (so batches grow with the load, with no longer window). Bounded by the pool.
   */
  @EnvInteger(1, 500)
  DEPOSIT_BATCH_IN_FLIGHT = 2;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** How often the sealer appends committed journal transactions to the hash chain. */
  @EnvInteger(0)
  SEALER_INTERVAL_MS = 200;

  /**
   * How often the deadline sweeper looks for tranches past their releaseBy and returns their
   * remainder to the donor (API.md: within a minute). 0: no sweeping on this instance.
   */
  @EnvInteger(0)
  DEADLINE_SWEEP_INTERVAL_MS = 10_000;

  /**
   * How long an API key stays cached in process, counted from the lookup's read. At most one
   * second: a revocation on another instance must hold here within that (API.md, "Governance").
   */
  @EnvInteger(0, 1000)
  AUTH_CACHE_TTL_MS = 1000;

  @EnvInteger(1024)
  BODY_LIMIT_BYTES = 64 * 1024;

  /** How long an Idempotency-Key is remembered; older keys are swept hourly. 0: kept forever. */
  @EnvInteger(0)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  /**
   * Requests per minute one client (API key, or IP address without one) may make, all routes
   * together; then 429 until the minute is over. Abuse protection, generous by default. 0: off.
   */
  @EnvInteger(0)
  RATE_LIMIT_PER_MINUTE = 60000;

  /**
   * The Ed25519 key that signs checkpoints: PKCS#8 PEM or base64 of the 32-byte seed. Unset:
   * DATA_DIR/checkpoint-ed25519.pem, generated on first use. Give every instance the same key.
   */
  @IsString()
  CHECKPOINT_PRIVATE_KEY = '';

  /** Sign a checkpoint once this many transactions were sealed since the last one… */
  @EnvInteger(1)
  CHECKPOINT_EVERY_TRANSACTIONS = 1000;

  /** …or once this long has passed since it with anything new sealed. 0: no background checkpoints. */
  @EnvInteger(0)
  CHECKPOINT_INTERVAL_MS = 1000;

  /**
   * Webhook retries: the delays (ms, comma-separated) after each failed attempt of an event, each
   * stretched by up to 20 % of jitter; after the last, the endpoint is disabled (nothing is
   * skipped). Default: the Standard Webhooks schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   */
  @Matches(/^\d{1,10}(,\d{1,10}){0,49}$/, { message: 'WEBHOOK_RETRY_DELAYS_MS must be comma-separated milliseconds, such as 5000,300000' })
  WEBHOOK_RETRY_DELAYS_MS = '5000,300000,1800000,7200000,18000000,36000000,36000000';

  /**
   * Let webhooks reach private, loopback, link-local and other special addresses, and plain
   * http: for development and tests only. Off, a target must be https and public.
   */
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** A webhook delivery (DNS, connect, answer) that takes longer fails and is retried. */
  @EnvInteger(100, 120000)
  WEBHOOK_TIMEOUT_MS = 15000;

  /** How often the dispatcher looks for webhook deliveries due. 0: no deliveries from this instance. */
  @EnvInteger(0)
  WEBHOOK_DISPATCH_INTERVAL_MS = 250;

  /**
   * The console's secret key (base64 of 32 bytes): seals TOTP secrets at rest and the console's
   * short-lived signed values. Unset: DATA_DIR/console-secret.key, generated on first use. Give
   * every instance the same key.
   */
  @IsString()
  CONSOLE_SECRET_KEY = '';

  /**
   * The console's address as people reach it (https://ledger.example.org), for invitation links
   * and the single sign-on redirect. Unset: taken from each request (Host, and with TRUST_PROXY
   * the X-Forwarded-* headers).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+$/, { message: 'CONSOLE_PUBLIC_URL must be an origin such as https://ledger.example.org (no path)' })
  CONSOLE_PUBLIC_URL?: string;

  /** OpenID Connect single sign-on for the console: all three set, or none. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_ISSUER_URL must be an http(s) URL' })
  OIDC_ISSUER_URL?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  /**
   * The log's name (C2SP tlog-checkpoint origin, and the key name of its note signatures), e.g.
   * `ledger.example.org/aid-escrow`. Witnesses and verifiers know the log by it: set it once.
   */
  @ValidateBy({
    name: 'isKeyName',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidKeyName(value),
      defaultMessage: () => 'LOG_ORIGIN must be a C2SP key name: non-empty, no spaces, no "+"',
    },
  })
  LOG_ORIGIN = 'localhost/aid-escrow-ledger';

  /**
   * The witnesses the log submits its checkpoints to: comma-separated `<witness vkey>=<URL>`
   * (the URL is the witness's submission prefix; `add-checkpoint` is appended).
   */
  @ValidateBy({
    name: 'isWitnessList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && witnessListProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => `WITNESSES: ${witnessListProblem(String(args?.value))}`,
    },
  })
  WITNESSES = '';

  /** How many of WITNESSES must cosign a checkpoint before GET /checkpoint serves it (0: none). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @ValidateBy({
    name: 'isWitnessQuorum',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        typeof value === 'number' && value <= witnessCount(String((args?.object as AppConfig).WITNESSES ?? '')),
      defaultMessage: () => 'WITNESS_QUORUM must not exceed the number of WITNESSES',
    },
  })
  WITNESS_QUORUM = 0;

  /** How often the log looks for a checkpoint its witnesses have not cosigned yet. 0: never. */
  @EnvInteger(0)
  WITNESS_INTERVAL_MS = 1000;

  /** How long one request to a witness may take (a witness that is down costs at most this). */
  @EnvInteger(100, 10_000)
  WITNESS_TIMEOUT_MS = 5000;

  /** The IATI organisation identifier, name and type code of the body publishing the IATI file. */
  @Matches(/^\S{1,100}$/, { message: 'IATI_REPORTING_ORG_REF must be an organisation identifier without spaces' })
  IATI_REPORTING_ORG_REF = 'XI-IATI-AEL';

  @IsString()
  IATI_REPORTING_ORG_NAME = 'Aid Escrow Ledger';

  @Matches(/^\d{2}$/, { message: 'IATI_REPORTING_ORG_TYPE must be a two-digit IATI OrganisationType code' })
  IATI_REPORTING_ORG_TYPE = '40';

  // Oversight (API.md, "Oversight" and "Evidence files").

  /** Distinct monitor organizations whose latest findings verify, dismiss or lift a violation case. */
  @EnvInteger(1, 20)
  CASE_QUORUM = 2;

  /**
   * The AES-256-GCM key of whistleblower reports: base64 or hex of 32 bytes. Unset:
   * DATA_DIR/reports-aes256gcm.key, generated on first use. Give every instance the same key,
   * and keep it apart from database backups: a dump alone must reveal nothing of a report.
   */
  @Matches(/^$|^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=?$/, { message: 'REPORTS_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64' })
  REPORTS_ENCRYPTION_KEY = '';

  /** Reports and reporter follow-ups per client (by address, counted in memory only) and minute. 0: off. */
  @EnvInteger(0)
  REPORTS_RATE_LIMIT_PER_MINUTE = 10;

  /** The largest evidence file accepted (bytes); larger uploads get 413. */
  @EnvInteger(1, 1024 * 1024 * 1024)
  EVIDENCE_MAX_BYTES = 25 * 1024 * 1024;
}

function witnessListProblem(text: string): string | undefined {
  try {
    const witnesses = parseWitnessList(text);
    const names = new Set(witnesses.map((w) => w.verifier.name));
    if (names.size !== witnesses.length) return 'two witnesses share a key name';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function witnessCount(text: string): number {
  return witnessListProblem(text) === undefined ? parseWitnessList(text).length : 0;
}

export class ConfigValidationError extends Error {}

/** Settings whose values may hold credentials: named in errors, never shown. */
const SECRET_SETTINGS = new Set(['DATABASE_URL', 'DATABASE_READ_URL', 'CHECKPOINT_PRIVATE_KEY', 'CONSOLE_SECRET_KEY', 'OIDC_CLIENT_SECRET', 'REPORTS_ENCRYPTION_KEY']);

/** Settings without a default (so absent from `new AppConfig()`'s keys). */
const OPTIONAL_SETTINGS = ['DATABASE_URL', 'DATABASE_READ_URL', 'CONSOLE_PUBLIC_URL', 'OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'];

/** Builds the configuration from an environment; throws naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => (known.includes(key) || OPTIONAL_SETTINGS.includes(key)) && value !== ''),
  );
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors
      .map((e) => `${e.property}=${SECRET_SETTINGS.has(e.property) ? '[redacted]' : JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`)
      .join('\n  ');
    throw new ConfigValidationError(`Invalid configuration:\n  ${details}`);
  }
  const oidc = [config.OIDC_ISSUER_URL, config.OIDC_CLIENT_ID, config.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (oidc !== 0 && oidc !== 3) {
    throw new ConfigValidationError('Invalid configuration:\n  OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for single sign-on, or none');
  }
  return config;
}

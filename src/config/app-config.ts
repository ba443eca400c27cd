import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

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

  /** The IATI organisation identifier, name and type code of the body publishing the IATI file. */
  @Matches(/^\S{1,100}$/, { message: 'IATI_REPORTING_ORG_REF must be an organisation identifier without spaces' })
  IATI_REPORTING_ORG_REF = 'XI-IATI-AEL';

  @IsString()
  IATI_REPORTING_ORG_NAME = 'Aid Escrow Ledger';

  @Matches(/^\d{2}$/, { message: 'IATI_REPORTING_ORG_TYPE must be a two-digit IATI OrganisationType code' })
  IATI_REPORTING_ORG_TYPE = '40';
}

export class ConfigValidationError extends Error {}

/** Settings whose values may hold credentials: named in errors, never shown. */
const SECRET_SETTINGS = new Set(['DATABASE_URL', 'CHECKPOINT_PRIVATE_KEY']);

/** Builds the configuration from an environment; throws naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => (known.includes(key) || key === 'DATABASE_URL') && value !== ''),
  );
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors
      .map((e) => `${e.property}=${SECRET_SETTINGS.has(e.property) ? '[redacted]' : JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`)
      .join('\n  ');
    throw new ConfigValidationError(`Invalid configuration:\n  ${details}`);
  }
  return config;
}

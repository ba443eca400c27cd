import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords as argon2id PHC strings (RFC 9106; @node-rs/argon2 ships a prebuilt binding, so
 * nothing is compiled at install). Its defaults follow OWASP's minimum: 19 MiB, 2 passes, one
 * lane; about 30 ms here, run off the event loop.
 */
const ALGORITHM_ARGON2ID = 2;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ALGORITHM_ARGON2ID });
}

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing anyone knows, verified when the email is unknown: the answer then takes as
 * long as for a known email, and says nothing about which emails exist.
 */
let decoy: Promise<string> | undefined;
export async function spendLikeAVerification(password: string): Promise<void> {
  decoy ??= hashPassword(`decoy ${Math.random()}`);
  await passwordMatches(await decoy, password);
}

/** Why a new password is refused, said after the word "password"; undefined when it will do (NIST SP 800-63B: length, not composition). */
export function passwordProblem(password: string, confirmation: string, email: string | null): string | undefined {
  if (password !== confirmation) return 'and its confirmation are not the same';
  if ([...password].length < PASSWORD_MIN_LENGTH) return `needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `may have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (email && password.toLowerCase().includes(email.split('@')[0].toLowerCase())) return 'must not contain your email address';
  return undefined;
}

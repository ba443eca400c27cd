import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPORTS_KEY_FILE = 'reports-aes256gcm.key';

/** A configured key: 64 hex digits or base64 of 32 bytes. */
export function parseReportsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('the reports key must be 32 bytes (64 hex digits or base64)');
  return key;
}

/** Names a key without revealing it: the first 8 bytes of its SHA-256, hex. */
export function reportsKeyId(key: Buffer): string {
  return createHash('sha256').update('aid-escrow-ledger/reports-key-id\n').update(key).digest('hex').slice(0, 16);
}

/**
 * The key file in DATA_DIR, created on first use with O_EXCL (instances starting together on one
 * DATA_DIR all end up with the key the first one wrote), readable by its owner only. It must
 * never sit beside the database's backups: a dump alone must reveal nothing of a report.
 */
export function loadOrCreateReportsKeyFile(dataDir: string): { key: Buffer; path: string; created: boolean } {
  const path = resolve(dataDir, REPORTS_KEY_FILE);
  try {
    return { key: parseReportsKey(readFileSync(path, 'utf8')), path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    return { key, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parseReportsKey(readFileSync(path, 'utf8')), path, created: false };
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from '../../config/app-config';

export const CONSOLE_KEY_FILE = 'console-secret.key';

function parseKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source} must be the base64 of 32 random bytes`);
  return key;
}

/**
 * The file in DATA_DIR, created on first use with O_EXCL (instances sharing one DATA_DIR all
 * end up with the key the first one wrote), readable by its owner only.
 */
function loadOrCreateKeyFile(dataDir: string): { key: Buffer; created: boolean } {
  const path = resolve(dataDir, CONSOLE_KEY_FILE);
  try {
    return { key: parseKey(readFileSync(path, 'utf8'), path), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const text = randomBytes(32).toString('base64') + '\n';
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
    return { key: parseKey(text, path), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parseKey(readFileSync(path, 'utf8'), path), created: false };
  }
}

/**
 * The console's secret key: seals TOTP secrets at rest (AES-256-GCM; the database alone cannot
 * produce a person's codes) and signs the console's short-lived values (the single sign-on
 * state cookie, the enrollment form). CONSOLE_SECRET_KEY, else DATA_DIR/console-secret.key made
 * on first use. Separate purposes use separate subkeys.
 */
@Injectable()
export class ConsoleKey {
  private readonly logger = new Logger(ConsoleKey.name);
  private master?: Buffer;

  constructor(private readonly config: AppConfig) {}

  /** iv (12) ‖ tag (16) ‖ ciphertext; `context` binds it to its place (a principal id…). */
  seal(plaintext: Buffer, purpose: string, context: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(purpose), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The plaintext, or undefined when the box was not sealed here for this context. */
  open(sealed: Buffer, purpose: string, context: string): Buffer | undefined {
    if (sealed.length < 29) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.subkey(purpose), sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  /** A sealed value as URL-safe text (a cookie, a hidden form field). */
  sealText(value: string, purpose: string, context = ''): string {
    return this.seal(Buffer.from(value, 'utf8'), purpose, context).toString('base64url');
  }

  openText(text: string | undefined, purpose: string, context = ''): string | undefined {
    if (!text || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
    return this.open(Buffer.from(text, 'base64url'), purpose, context)?.toString('utf8');
  }

  /** Constant-time equality of two texts (tokens). */
  static same(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    return x.length === y.length && timingSafeEqual(x, y);
  }

  private subkey(purpose: string): Buffer {
    return createHmac('sha256', this.key()).update(`aid-escrow-ledger/console/${purpose}`).digest();
  }

  private key(): Buffer {
    if (!this.master) {
      if (this.config.CONSOLE_SECRET_KEY) {
        this.master = parseKey(this.config.CONSOLE_SECRET_KEY, 'CONSOLE_SECRET_KEY');
      } else {
        const file = loadOrCreateKeyFile(this.config.DATA_DIR);
        if (file.created) this.logger.log(`generated the console's secret key in ${resolve(this.config.DATA_DIR, CONSOLE_KEY_FILE)}`);
        this.master = file.key;
      }
    }
    return this.master;
  }
}

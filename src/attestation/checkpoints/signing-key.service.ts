import { Injectable, Logger } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { rawPublicKey } from './signed-tree-head';

export const KEY_FILE_NAME = 'checkpoint-ed25519.pem';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Reads a configured key: PKCS#8 PEM, or base64 of the 32-byte seed. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : (() => {
        const seed = Buffer.from(trimmed, 'base64');
        if (seed.length !== 32) throw new Error('CHECKPOINT_PRIVATE_KEY must be a PKCS#8 PEM or the base64 of a 32-byte Ed25519 seed');
        return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      })();
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('CHECKPOINT_PRIVATE_KEY is not an Ed25519 key');
  return key;
}

/**
 * The key file in DATA_DIR, created on first use. Written with O_EXCL, so instances starting
 * together on one DATA_DIR (the embedded default) all end up with the key the first one wrote.
 */
export function loadOrCreateKeyFile(dataDir: string): { key: KeyObject; created: boolean } {
  const path = resolve(dataDir, KEY_FILE_NAME);
  try {
    return { key: parsePrivateKey(readFileSync(path, 'utf8')), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  try {
    writeFileSync(path, pem, { flag: 'wx', mode: 0o600 });
    return { key: parsePrivateKey(pem), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parsePrivateKey(readFileSync(path, 'utf8')), created: false };
  }
}

/**
 * The service's checkpoint signing key, loaded on first use (so processes that never sign,
 * such as most tests and CLI commands, never create a key file).
 */
@Injectable()
export class SigningKeyService {
  private readonly logger = new Logger(SigningKeyService.name);
  private loaded?: { privateKey: KeyObject; publicKey: Buffer };

  constructor(private readonly config: AppConfig) {}

  /** Base64 of the raw 32-byte public key. */
  publicKeyBase64(): string {
    return this.key().publicKey.toString('base64');
  }

  publicKeyRaw(): Buffer {
    return this.key().publicKey;
  }

  sign(message: Buffer): Buffer {
    return sign(null, message, this.key().privateKey);
  }

  private key(): { privateKey: KeyObject; publicKey: Buffer } {
    if (!this.loaded) {
      let privateKey: KeyObject;
      if (this.config.CHECKPOINT_PRIVATE_KEY) {
        privateKey = parsePrivateKey(this.config.CHECKPOINT_PRIVATE_KEY);
      } else {
        const file = loadOrCreateKeyFile(this.config.DATA_DIR);
        if (file.created) this.logger.log(`generated a checkpoint signing key in ${resolve(this.config.DATA_DIR, KEY_FILE_NAME)}`);
        privateKey = file.key;
      }
      this.loaded = { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)) };
    }
    return this.loaded;
  }
}

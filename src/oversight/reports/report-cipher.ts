import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { loadOrCreateReportsKeyFile, parseReportsKey, reportsKeyId } from './report-key';

/** Ciphertext as stored: AES-256-GCM with a fresh 96-bit IV, its 128-bit tag, and the key's id. */
export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  keyId: string;
}

/**
 * Encrypts report texts at rest with the reports key (REPORTS_ENCRYPTION_KEY, else a key file in
 * DATA_DIR), loaded on first use. Each ciphertext is bound to its row by the additional data
 * (`report:<id>`, `message:<report id>`), so a database writer cannot move one text to another
 * report unnoticed.
 */
@Injectable()
export class ReportCipher {
  private readonly logger = new Logger(ReportCipher.name);
  private loaded?: { key: Buffer; id: string };

  constructor(private readonly config: AppConfig) {}

  seal(plaintext: string, associatedData: string): Sealed {
    const { key, id } = this.key();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: id };
  }

  open(sealed: Sealed, associatedData: string): string {
    const { key, id } = this.key();
    if (sealed.keyId !== id) throw new Error(`a report text was sealed with key ${sealed.keyId}; this instance holds ${id}`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }

  private key(): { key: Buffer; id: string } {
    if (!this.loaded) {
      let key: Buffer;
      if (this.config.REPORTS_ENCRYPTION_KEY) {
        key = parseReportsKey(this.config.REPORTS_ENCRYPTION_KEY);
      } else {
        const file = loadOrCreateReportsKeyFile(this.config.DATA_DIR);
        if (file.created) this.logger.log(`generated a reports encryption key in ${file.path}; keep it out of database backups`);
        key = file.key;
      }
      this.loaded = { key, id: reportsKeyId(key) };
    }
    return this.loaded;
  }
}

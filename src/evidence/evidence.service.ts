import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { InvalidInput, NotFound } from '../common/errors/common-errors';
import { Database } from '../database/database';
import { LedgerService } from '../ledger/ledger.service';
import { EvidenceRefused } from './evidence-errors';
import { EvidenceRecord, EvidenceRepository } from './evidence.repository';
import { sniffMediaType } from './media-type';

export interface EvidenceUpload {
  content: Buffer;
  /** The name the uploader's client gave the part, if any (untrusted). */
  filename: string | undefined;
}

export interface StoredEvidence extends EvidenceRecord {
  /** The same bytes were stored before (by anyone): nothing new was written. */
  alreadyStored: boolean;
}

/**
 * Evidence files, addressed by SHA-256: stored once, typed by content, and checked to exist
 * wherever a sign-off, finding, case or inspection cites them.
 */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly db: Database,
    private readonly files: EvidenceRepository,
    private readonly ledger: LedgerService,
  ) {}

  /** A new file is journaled (hash, size, type: never its bytes or name); a known one changes nothing. */
  async store(upload: EvidenceUpload, actor: Principal): Promise<StoredEvidence> {
    if (upload.content.length === 0) throw new InvalidInput('file', 'is empty');
    const sniffed = sniffMediaType(upload.content);
    if ('refused' in sniffed) throw new EvidenceRefused('UNSUPPORTED_MEDIA_TYPE', `file ${sniffed.refused}; accepted: PDF, PNG, JPEG, WebP, plain text, CSV`);
    const sha256 = createHash('sha256').update(upload.content).digest();
    const hex = sha256.toString('hex');
    const inserted = await this.files.insertIfNew(this.db.writer, {
      sha256,
      mediaType: sniffed.mediaType,
      filename: cleanFilename(upload.filename),
      content: upload.content,
      uploadedBy: actor.id,
    });
    if (inserted) {
      await this.ledger.post(this.db.writer, {
        kind: 'evidence_uploaded',
        actorPrincipalId: actor.id,
        details: { sha256: hex, size: upload.content.length, mediaType: sniffed.mediaType },
      });
    }
    const record = (await this.files.find(this.db.writer, hex))!;
    return { ...record, alreadyStored: !inserted };
  }

  async download(sha256: string): Promise<EvidenceRecord & { content: Buffer }> {
    const file = await this.files.content(this.db.reader, sha256);
    if (!file) throw new NotFound('evidence file', sha256);
    return file;
  }

  /**
   * Every cited hash must name a stored file, else 400 on `field`. Files are never deleted, so a
   * file found here is there for good: no lock needed.
   */
  async assertStored(db: EntityManager, hashes: readonly string[] | undefined, field = 'evidenceFiles'): Promise<readonly string[]> {
    if (!hashes || hashes.length === 0) return [];
    const stored = await this.files.stored(db, hashes);
    const missing = hashes.filter((h) => !stored.has(h));
    if (missing.length > 0) throw new InvalidInput(field, `names no uploaded evidence file: ${missing.join(', ')} (POST /v1/evidence first)`);
    return hashes;
  }
}

/** The last path segment, without control, bidirectional or quote characters, at most 200 characters; or null. */
export function cleanFilename(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const stripped = base.replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069"]/g, '').trim();
  const clean = [...stripped].slice(0, 200).join('');
  return clean.isWellFormed() && clean !== '' && clean !== '.' && clean !== '..' ? clean : null;
}

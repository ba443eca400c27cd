import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EvidenceMediaType } from './media-type';

export interface EvidenceRecord {
  sha256: string;
  size: number;
  mediaType: EvidenceMediaType;
  filename: string | null;
}

const RECORD = `encode(sha256, 'hex') AS sha256, size::int AS size, media_type AS "mediaType", filename`;

@Injectable()
export class EvidenceRepository {
  /**
   * Stores a file unless one with its hash is there already (deduplicated). Two uploads of the
   * same file at once: the second waits on the first's key and stores nothing.
   */
  async insertIfNew(
    db: EntityManager,
    file: { sha256: Buffer; mediaType: EvidenceMediaType; filename: string | null; content: Buffer; uploadedBy: string },
  ): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO evidence_files (sha256, size, media_type, filename, content, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING 1`,
      [file.sha256, file.content.length, file.mediaType, file.filename, file.content, file.uploadedBy],
    );
    return rows.length === 1;
  }

  async find(db: EntityManager, sha256: string): Promise<EvidenceRecord | undefined> {
    const [row] = await db.query(`SELECT ${RECORD} FROM evidence_files WHERE sha256 = decode($1, 'hex')`, [sha256]);
    return row;
  }

  async content(db: EntityManager, sha256: string): Promise<(EvidenceRecord & { content: Buffer }) | undefined> {
    const [row] = await db.query(`SELECT ${RECORD}, content FROM evidence_files WHERE sha256 = decode($1, 'hex')`, [sha256]);
    return row;
  }

  /** Which of these hashes (lowercase hex) name a stored file. */
  async stored(db: EntityManager, hashes: readonly string[]): Promise<Set<string>> {
    const rows: { sha256: string }[] = await db.query(
      `SELECT encode(sha256, 'hex') AS sha256 FROM evidence_files WHERE sha256 = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
      [hashes],
    );
    return new Set(rows.map((r) => r.sha256));
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Sealed } from './report-cipher';

export const REPORT_STATUSES = ['received', 'under_review', 'case_opened', 'closed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportRow extends Sealed {
  id: string;
  status: ReportStatus;
  contentHash: Buffer;
  receivedAt: Date;
}

export interface MessageRow extends Sealed {
  id: string;
  reportId: string;
  sender: 'reporter' | 'monitor';
  principalId: string | null;
  createdAt: Date;
}

const REPORT = `id, status, ciphertext, iv, auth_tag AS "authTag", key_id AS "keyId", content_hash AS "contentHash", received_at AS "receivedAt"`;
const MESSAGE = `id::text AS id, report_id AS "reportId", sender, principal_id AS "principalId", ciphertext, iv, auth_tag AS "authTag", key_id AS "keyId", created_at AS "createdAt"`;

/** SQL of reports and their messages. Nothing here ever holds plaintext or a receipt. */
@Injectable()
export class ReportsRepository {
  async insert(db: EntityManager, report: { id: string; receiptHash: Buffer; sealed: Sealed; contentHash: Buffer }): Promise<void> {
    await db.query(
      `INSERT INTO reports (id, receipt_hash, ciphertext, iv, auth_tag, key_id, content_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [report.id, report.receiptHash, report.sealed.ciphertext, report.sealed.iv, report.sealed.authTag, report.sealed.keyId, report.contentHash],
    );
  }

  async findByReceipt(db: EntityManager, receiptHash: Buffer, lock = false): Promise<ReportRow | undefined> {
    const [row] = await db.query(`SELECT ${REPORT} FROM reports WHERE receipt_hash = $1${lock ? ' FOR UPDATE' : ''}`, [receiptHash]);
    return row;
  }

  async find(db: EntityManager, id: string, lock = false): Promise<ReportRow | undefined> {
    const [row] = await db.query(`SELECT ${REPORT} FROM reports WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async list(db: EntityManager): Promise<ReportRow[]> {
    return db.query(`SELECT ${REPORT} FROM reports ORDER BY received_at DESC, id`);
  }

  async setStatus(db: EntityManager, id: string, status: ReportStatus): Promise<void> {
    await db.query(`UPDATE reports SET status = $2 WHERE id = $1`, [id, status]);
  }

  /** Marks reports a case was opened on; returns the ids that exist. */
  async markCaseOpened(db: EntityManager, ids: readonly string[]): Promise<string[]> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [{ id: string }[], number] = await db.query(
      `UPDATE reports SET status = 'case_opened' WHERE id = ANY ($1) RETURNING id`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  async insertMessage(db: EntityManager, message: { reportId: string; sender: 'reporter' | 'monitor'; principalId: string | null; sealed: Sealed }): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO report_messages (report_id, sender, principal_id, ciphertext, iv, auth_tag, key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
      [message.reportId, message.sender, message.principalId, message.sealed.ciphertext, message.sealed.iv, message.sealed.authTag, message.sealed.keyId],
    );
    return row.id;
  }

  async messages(db: EntityManager, reportId: string): Promise<MessageRow[]> {
    return db.query(`SELECT ${MESSAGE} FROM report_messages WHERE report_id = $1 ORDER BY id`, [reportId]);
  }

  async count(db: EntityManager): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM reports`);
    return n;
  }
}

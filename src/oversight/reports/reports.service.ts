import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/access/principal';
import { InvalidInput, InvalidState, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { canonicalJson, sha256 } from '../../ledger/canonical-body';
import { LedgerService } from '../../ledger/ledger.service';
import { SubmitReportDto } from './dto/submit-report.dto';
import { newReceipt, receiptHash } from './receipt';
import { ReportCipher } from './report-cipher';
import { MessageRow, ReportRow, ReportsRepository, ReportStatus } from './reports.repository';

/**
 * What the journal's `report_received.details.contentHash` commits to: the SHA-256 of this
 * object's RFC 8785 canonical JSON. The random `salt` (128 bits) keeps a short or guessable text
 * from being found by hashing guesses; monitors, who can decrypt, can recompute the hash.
 */
export interface ReportContent {
  id: string;
  summary: string;
  details: string | null;
  escrowAccountId: string | null;
  trancheId: string | null;
  recipientOrganizationId: string | null;
  salt: string;
}

export interface ReportMessageView {
  from: 'reporter' | 'monitor';
  text: string;
  at: string;
}

/** What a reporter sees with their receipt. */
export interface ReporterView {
  id: string;
  status: ReportStatus;
  messages: ReportMessageView[];
}

/**
 * What a monitor sees: the decrypted report, with the salt, so that anyone who may read it can
 * recompute the journal's commitment (contentHash) from it.
 */
export interface MonitorReportView extends ReportContent {
  status: ReportStatus;
  receivedAt: string;
  /** The journal's commitment, recomputed from the decrypted content: equal, or the read fails. */
  contentHash: string;
  messages?: (ReportMessageView & { monitorId: string | null })[];
}

/**
 * Whistleblower reports. Nothing that identifies the sender is taken: the routes need no key,
 * no address or user agent is read, and the receipt is kept only as a hash. Texts are sealed
 * (ReportCipher) before they reach the database; the journal gets the id and a salted hash.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: Database,
    private readonly reports: ReportsRepository,
    private readonly cipher: ReportCipher,
    private readonly ledger: LedgerService,
  ) {}

  async submit(dto: SubmitReportDto): Promise<{ id: string; receipt: string }> {
    const id = randomUUID();
    const receipt = newReceipt();
    const content: ReportContent = {
      id,
      summary: dto.summary,
      details: dto.details ?? null,
      escrowAccountId: dto.escrowAccountId ?? null,
      trancheId: dto.trancheId ?? null,
      recipientOrganizationId: dto.recipientOrganizationId ?? null,
      salt: randomBytes(16).toString('hex'),
    };
    const plaintext = canonicalJson(content);
    const contentHash = sha256(plaintext);
    await this.reports.insert(this.db.writer, { id, receiptHash: receiptHash(receipt)!, sealed: this.cipher.seal(plaintext, `report:${id}`), contentHash });
    await this.ledger.post(this.db.writer, {
      kind: 'report_received',
      actorPrincipalId: null,
      refs: { reportId: id },
      details: { contentHash: contentHash.toString('hex') },
    });
    return { id, receipt };
  }

  async mine(receipt: string | undefined): Promise<ReporterView> {
    const report = await this.byReceipt(this.db.reader, receipt);
    const messages = await this.reports.messages(this.db.reader, report.id);
    return { id: report.id, status: report.status, messages: messages.map((m) => this.openMessage(m)) };
  }

  async reporterMessage(receipt: string | undefined, text: string): Promise<ReporterView> {
    const report = await this.byReceipt(this.db.writer, receipt, true);
    if (report.status === 'closed') throw new InvalidState('this report is closed');
    await this.addMessage(report, 'reporter', null, text);
    return this.mine(receipt);
  }

  async list(): Promise<MonitorReportView[]> {
    return (await this.reports.list(this.db.reader)).map((r) => this.openReport(r));
  }

  async get(id: string): Promise<MonitorReportView> {
    const report = await this.reports.find(this.db.reader, id);
    if (!report) throw new NotFound('report', id);
    const messages = await this.reports.messages(this.db.reader, id);
    return { ...this.openReport(report), messages: messages.map((m) => ({ ...this.openMessage(m), monitorId: m.principalId })) };
  }

  /** A monitor's first word on a report puts it under review. */
  async monitorMessage(id: string, text: string, monitor: Principal): Promise<MonitorReportView> {
    const report = await this.lock(id);
    if (report.status === 'closed') throw new InvalidState('this report is closed');
    await this.addMessage(report, 'monitor', monitor.id, text);
    if (report.status === 'received') await this.reports.setStatus(this.db.writer, id, 'under_review');
    return this.get(id);
  }

  /** The reason goes to the reporter as a message (sealed like the rest), not into the journal. */
  async close(id: string, reason: string, monitor: Principal): Promise<MonitorReportView> {
    const report = await this.lock(id);
    if (report.status === 'closed') throw new InvalidState('this report is already closed');
    await this.addMessage(report, 'monitor', monitor.id, `Closed: ${reason}`);
    await this.reports.setStatus(this.db.writer, id, 'closed');
    await this.ledger.post(this.db.writer, { kind: 'report_closed', actorPrincipalId: monitor.id, refs: { reportId: id } });
    return this.get(id);
  }

  /** A case was opened on these reports (400 naming `field` if one does not exist). */
  async markCaseOpened(db: EntityManager, ids: readonly string[], field = 'reportIds'): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set(await this.reports.markCaseOpened(db, ids));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new InvalidInput(field, `names no report: ${missing.join(', ')}`);
  }

  count(db: EntityManager): Promise<number> {
    return this.reports.count(db);
  }

  private async addMessage(report: ReportRow, sender: 'reporter' | 'monitor', principalId: string | null, text: string): Promise<void> {
    const sealed = this.cipher.seal(canonicalJson({ text }), `message:${report.id}:${sender}`);
    const messageId = await this.reports.insertMessage(this.db.writer, { reportId: report.id, sender, principalId, sealed });
    await this.ledger.post(this.db.writer, {
      kind: 'report_message',
      // A reporter's message has no actor: nobody is named.
      actorPrincipalId: principalId,
      refs: { reportId: report.id, messageId },
      details: { from: sender },
    });
  }

  private async byReceipt(db: EntityManager, receipt: string | undefined, lock = false): Promise<ReportRow> {
    const hash = receiptHash(receipt);
    const report = hash && (await this.reports.findByReceipt(db, hash, lock));
    // The same answer for a malformed and an unknown receipt: nothing to learn from trying.
    if (!report) throw new NotFound('report for this receipt', '(X-Report-Receipt)');
    return report;
  }

  private async lock(id: string): Promise<ReportRow> {
    const report = await this.reports.find(this.db.writer, id, true);
    if (!report) throw new NotFound('report', id);
    return report;
  }

  private openReport(report: ReportRow): MonitorReportView {
    const plaintext = this.cipher.open(report, `report:${report.id}`);
    if (!sha256(plaintext).equals(report.contentHash)) throw new Error(`report ${report.id} does not match its journal commitment`);
    const content = JSON.parse(plaintext) as ReportContent;
    return { ...content, status: report.status, receivedAt: report.receivedAt.toISOString(), contentHash: report.contentHash.toString('hex') };
  }

  private openMessage(message: MessageRow): ReportMessageView {
    const { text } = JSON.parse(this.cipher.open(message, `message:${message.reportId}:${message.sender}`)) as { text: string };
    return { from: message.sender, text, at: message.createdAt.toISOString() };
  }
}

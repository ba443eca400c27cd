import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../common/access/principal';
import { Forbidden, InvalidState, NotFound } from '../../common/errors/common-errors';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { EscrowScope, scopeIds } from '../../escrow/holds/escrow-scope';
import { EscrowScopeReader } from '../../escrow/holds/escrow-scope-reader';
import { RecoveryLedgerService } from '../../escrow/holds/recovery-ledger.service';
import { ReleaseHoldsService } from '../../escrow/holds/release-holds.service';
import { EvidenceService } from '../../evidence/evidence.service';
import { LedgerService } from '../../ledger/ledger.service';
import { StatementDetails } from '../../ledger/signed-statement';
import { StatementsService } from '../../statements/statements.service';
import { ReportsService } from '../reports/reports.service';
import { scopeFromInput } from '../scope-input';
import { CaseDecision, nextStatus, tally, Tally } from './case-quorum';
import { CaseView, toCaseView } from './case-view';
import { CaseRecord, CasesRepository, FindingRecord } from './cases.repository';
import { CaseFindingDto, LiftCaseDto } from './dto/case-finding.dto';
import { OpenCaseDto } from './dto/open-case.dto';

export interface NewCase {
  id: string;
  scope: EscrowScope;
  allegation: string;
  reportIds: readonly string[];
  evidenceFiles: readonly string[] | undefined;
  inspectionId: string | null;
}

/**
 * Violation cases. Findings are taken under the case's row lock, so of any number racing, the
 * one that reaches a quorum moves the case, once; at the verify quorum the same transaction
 * places escrow's release hold (ReleaseHoldsService), which stops the money in scope at once.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly db: Database,
    private readonly cases: CasesRepository,
    private readonly reports: ReportsService,
    private readonly evidence: EvidenceService,
    private readonly scopes: EscrowScopeReader,
    private readonly holds: ReleaseHoldsService,
    private readonly recoveries: RecoveryLedgerService,
    private readonly identities: AuthService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
    private readonly statements: StatementsService,
  ) {}

  open(dto: OpenCaseDto, monitor: Principal): Promise<CaseView> {
    return this.openCase(
      { id: randomUUID(), scope: scopeFromInput(dto), allegation: dto.allegation, reportIds: dto.reportIds ?? [], evidenceFiles: dto.evidenceFiles, inspectionId: null },
      monitor,
    );
  }

  /** An inspection's `violation` finding: a case on the same scope, with this monitor's verify as its first finding. */
  async openFromInspection(c: NewCase, monitor: Principal, comment: string): Promise<CaseView> {
    await this.openCase(c, monitor);
    return this.recordFinding(await this.lockCase(c.id), monitor, 'verify', comment, c.evidenceFiles, {}, 'case_finding_by_inspection');
  }

  async finding(id: string, dto: CaseFindingDto, monitor: Principal): Promise<CaseView> {
    const c = await this.lockCase(id);
    // Once the monitor registered a signing key, its finding is its signed statement.
    const signed = await this.statements.verifyStatement(monitor, 'case.finding', id, dto);
    if (c.status !== 'alleged') {
      throw new InvalidState(`the case is ${c.status}: verify and dismiss are for alleged cases${c.status === 'verified' ? ' (a verified case is lifted)' : ''}`);
    }
    return this.recordFinding(c, monitor, dto.decision, dto.comment ?? null, dto.evidenceFiles, signed, 'case_finding');
  }

  async lift(id: string, dto: LiftCaseDto, monitor: Principal): Promise<CaseView> {
    const c = await this.lockCase(id);
    const signed = await this.statements.verifyStatement(monitor, 'case.finding', id, dto);
    if (c.status !== 'verified') throw new InvalidState(`the case is ${c.status}: only a verified case is lifted`);
    return this.recordFinding(c, monitor, 'lift', dto.comment, dto.evidenceFiles, signed, 'case_lift');
  }

  async get(id: string): Promise<CaseView> {
    const c = await this.cases.find(this.db.reader, id);
    if (!c) throw new NotFound('violation case', id);
    return this.view(this.db.reader, c);
  }

  async list(): Promise<CaseView[]> {
    const db = this.db.reader;
    const all = await this.cases.list(db);
    const findings = await this.cases.findings(db, all.map((c) => c.id));
    return Promise.all(all.map((c) => this.view(db, c, findings.get(c.id))));
  }

  /** The case, locked for the rest of the transaction: findings, claims and repayments queue on it. */
  async lockCase(id: string): Promise<CaseRecord> {
    const c = await this.cases.find(this.db.writer, id, true);
    if (!c) throw new NotFound('violation case', id);
    return c;
  }

  private async openCase(c: NewCase, monitor: Principal): Promise<CaseView> {
    const db = this.db.writer;
    await this.scopes.assertExists(db, c.scope);
    await this.assertEligible(db, c.scope, monitor);
    const evidenceFiles = await this.evidence.assertStored(db, c.evidenceFiles);
    await this.reports.markCaseOpened(db, c.reportIds);
    const requiredVerifications = this.config.CASE_QUORUM;
    await this.cases.insert(db, { ...c, evidenceFiles, requiredVerifications, openedBy: monitor.id });
    await this.ledger.post(db, {
      kind: 'case_opened',
      actorPrincipalId: monitor.id,
      escrowAccountId: await this.scopes.escrowAccountOf(db, c.scope),
      refs: { caseId: c.id, ...scopeIds(c.scope), ...(c.inspectionId ? { inspectionId: c.inspectionId } : {}) },
      details: { scope: c.scope.scope, allegation: c.allegation, reportIds: [...c.reportIds], evidenceFiles: [...evidenceFiles], requiredVerifications },
    });
    return this.get(c.id);
  }

  private async recordFinding(
    c: CaseRecord,
    monitor: Principal,
    decision: CaseDecision,
    comment: string | null,
    files: readonly string[] | undefined,
    signed: StatementDetails | Record<string, never>,
    kind: 'case_finding' | 'case_lift' | 'case_finding_by_inspection',
  ): Promise<CaseView> {
    const db = this.db.writer;
    await this.assertEligible(db, c.scope, monitor);
    const evidenceFiles = await this.evidence.assertStored(db, files);
    const findingId = await this.cases.insertFinding(db, { caseId: c.id, principalId: monitor.id, organizationId: monitor.organizationId, decision, comment, evidenceFiles });
    const findings = (await this.cases.findings(db, [c.id])).get(c.id)!;
    const counts = await this.tally(db, c, findings);
    const status = nextStatus(c.status, counts, c.requiredVerifications);
    await this.ledger.post(db, {
      kind,
      actorPrincipalId: monitor.id,
      escrowAccountId: await this.scopes.escrowAccountOf(db, c.scope),
      refs: { caseId: c.id, monitorOrganizationId: monitor.organizationId },
      details: {
        decision,
        comment,
        evidenceFiles: [...evidenceFiles],
        statusBefore: c.status,
        statusAfter: status,
        verifications: counts.verify,
        dismissals: counts.dismiss,
        lifts: counts.lift,
        requiredVerifications: c.requiredVerifications,
        ...signed,
      },
    });
    if (status !== c.status) {
      await this.cases.setStatus(db, c.id, status, status === 'verified' ? findingId : undefined);
      if (status === 'verified') {
        await this.holds.place(c.id, c.scope, monitor.id, `violation case ${c.id} verified by ${counts.verify} monitor organizations`);
      }
      if (status === 'resolved') await this.holds.lift(c.id, monitor.id);
    }
    return this.get(c.id);
  }

  /**
   * Who judges a case: a principal of a monitor organization that is no party to the money in
   * scope (neither a donor nor a recipient there), as for sign-offs and release approvals.
   */
  private async assertEligible(db: EntityManager, scope: EscrowScope, monitor: Principal): Promise<void> {
    if (monitor.organizationType !== 'monitor') throw new Forbidden('case findings count only from principals of monitor organizations');
    const parties = await this.scopes.parties(db, scope);
    if (parties.donors.includes(monitor.organizationId) || parties.recipients.includes(monitor.organizationId)) {
      throw new Forbidden('a monitor of a donor or recipient organization in the scope cannot judge this case');
    }
  }

  /** Findings counted as they stand now: a monitor revoked since no longer counts toward the next move. */
  private async tally(db: EntityManager, c: CaseRecord, findings: FindingRecord[]): Promise<Tally> {
    const standings = await this.identities.standings(db, [...new Set(findings.map((f) => f.principalId))]);
    const parties = findings.length > 0 ? await this.scopes.parties(db, c.scope) : { donors: [], recipients: [] };
    const excluded = new Set([...parties.donors, ...parties.recipients]);
    return tally(findings, c.verifiedThroughFinding, (f) => {
      const standing = standings.get(f.principalId);
      return standing !== undefined && standing.active && standing.organizationType === 'monitor' && !excluded.has(f.organizationId);
    });
  }

  private async view(db: EntityManager, c: CaseRecord, known?: FindingRecord[]): Promise<CaseView> {
    const findings = known ?? (await this.cases.findings(db, [c.id])).get(c.id)!;
    const counts = await this.tally(db, c, findings);
    return toCaseView(c, findings, counts, await this.cases.claimsOfCase(db, c.id), await this.recoveries.repaidUnderCase(db, c.id));
  }
}

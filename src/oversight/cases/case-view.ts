import { Money } from '../../common/money/money';
import { ScopeKind } from '../../escrow/holds/escrow-scope';
import { scopeView } from '../scope-input';
import { CaseDecision, CaseStatus, Tally } from './case-quorum';
import { CaseRecord, FindingRecord, RecoveryTotals } from './cases.repository';

export interface CaseFindingView {
  principalId: string;
  organizationId: string;
  decision: CaseDecision;
  comment: string | null;
  evidenceFiles: string[];
  at: string;
  /** Whether it counts toward the current round (its monitor's latest, and eligible now). */
  counts: boolean;
}

export interface CaseRecoveryView {
  trancheId: string;
  currency: string;
  claimed: string;
  repaid: string;
  outstanding: string;
}

export interface CaseView {
  id: string;
  scope: ScopeKind;
  escrowAccountId: string | null;
  recipientOrganizationId: string | null;
  trancheId: string | null;
  country: string | null;
  allegation: string;
  status: CaseStatus;
  requiredVerifications: number;
  verifications: number;
  dismissals: number;
  lifts: number;
  reportIds: string[];
  evidenceFiles: string[];
  inspectionId: string | null;
  openedBy: string;
  openedAt: string;
  verifiedAt: string | null;
  decidedAt: string | null;
  findings: CaseFindingView[];
  recoveries: CaseRecoveryView[];
}

export function toCaseView(c: CaseRecord, findings: FindingRecord[], counts: Tally, claims: RecoveryTotals[], repaid: Map<string, string>): CaseView {
  return {
    id: c.id,
    ...scopeView(c.scope),
    allegation: c.allegation,
    status: c.status,
    requiredVerifications: c.requiredVerifications,
    verifications: counts.verify,
    dismissals: counts.dismiss,
    lifts: counts.lift,
    reportIds: c.reportIds,
    evidenceFiles: c.evidenceFiles,
    inspectionId: c.inspectionId,
    openedBy: c.openedBy,
    openedAt: c.openedAt.toISOString(),
    verifiedAt: c.verifiedAt?.toISOString() ?? null,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    findings: findings.map((f) => ({
      principalId: f.principalId,
      organizationId: f.organizationId,
      decision: f.decision,
      comment: f.comment,
      evidenceFiles: f.evidenceFiles,
      at: f.at.toISOString(),
      counts: counts.counting.has(f.id),
    })),
    recoveries: claims.map((claim) => {
      const claimed = Money.of(claim.claimed, claim.currency);
      const paid = Money.of(repaid.get(claim.trancheId) ?? 0, claim.currency);
      return { trancheId: claim.trancheId, currency: claim.currency, claimed: claimed.toString(), repaid: paid.toString(), outstanding: claimed.minus(paid).toString() };
    }),
  };
}

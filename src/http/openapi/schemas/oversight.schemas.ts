import { SCOPE_KINDS } from '../../../escrow/holds/escrow-scope';
import { CASE_STATUSES } from '../../../oversight/cases/case-quorum';
import { INSPECTION_OUTCOMES } from '../../../oversight/inspections/inspections.repository';
import { REPORT_STATUSES } from '../../../oversight/reports/reports.repository';
import { arr, bool, dateTime, decimal, int, nullable, obj, oneOf, str, uuid } from './schema-kit';

const REPORT = {
  details: nullable(str),
  escrowAccountId: nullable(uuid),
  id: uuid,
  recipientOrganizationId: nullable(uuid),
  salt: str,
  summary: str,
  trancheId: nullable(uuid),
  status: oneOf(REPORT_STATUSES),
  receivedAt: dateTime,
  contentHash: str,
};

/** A recovery claim on a tranche with what was claimed, repaid and is outstanding. */
const CLAIM_MOVEMENT = {
  id: uuid,
  caseId: uuid,
  trancheId: uuid,
  escrowAccountId: uuid,
  recipientOrganizationId: uuid,
  donorOrganizationId: uuid,
  amount: decimal,
  currency: str,
  claimed: decimal,
  repaid: decimal,
  outstanding: decimal,
  journalTransactionId: uuid,
};

/** The oversight answers' schemas (components.schemas): the views its services return. */
export const OVERSIGHT_SCHEMAS = {
  ReportReceipt: obj({
    id: uuid,
    receipt: str,
  }),
  ReporterView: obj({
    id: uuid,
    status: oneOf(REPORT_STATUSES),
    messages: arr(obj({
      from: str,
      text: str,
      at: dateTime,
    })),
  }),
  /** A report as its handlers list it. */
  ReportSummary: obj(REPORT),
  /** A report with its conversation. */
  Report: obj({
    ...REPORT,
    messages: arr(obj({
      from: str,
      text: str,
      at: dateTime,
      monitorId: nullable(uuid),
    })),
  }),
  ViolationCase: obj({
    id: uuid,
    scope: oneOf(SCOPE_KINDS),
    escrowAccountId: nullable(uuid),
    recipientOrganizationId: nullable(uuid),
    trancheId: nullable(uuid),
    country: nullable(str),
    allegation: str,
    status: oneOf(CASE_STATUSES),
    requiredVerifications: int,
    verifications: int,
    dismissals: int,
    lifts: int,
    reportIds: arr(uuid),
    evidenceFiles: arr(str),
    inspectionId: nullable(uuid),
    openedBy: uuid,
    openedAt: dateTime,
    verifiedAt: nullable(dateTime),
    decidedAt: nullable(dateTime),
    findings: arr(obj({
      principalId: uuid,
      organizationId: uuid,
      decision: str,
      comment: nullable(str),
      evidenceFiles: arr(str),
      at: dateTime,
      counts: bool,
    })),
    recoveries: arr(obj({
      trancheId: uuid,
      currency: str,
      claimed: decimal,
      repaid: decimal,
      outstanding: decimal,
    })),
  }),
  Recovery: obj(CLAIM_MOVEMENT),
  /** A repayment answers as its claim does, with the payer's reference. */
  Repayment: obj({ ...CLAIM_MOVEMENT, reference: nullable(str) }),
  Inspection: obj({
    id: uuid,
    scope: oneOf(SCOPE_KINDS),
    escrowAccountId: nullable(uuid),
    recipientOrganizationId: nullable(uuid),
    trancheId: nullable(uuid),
    country: nullable(str),
    assignedMonitorId: uuid,
    dueBy: dateTime,
    announced: bool,
    status: str,
    overdue: bool,
    commitment: str,
    revealed: nullable(obj({
      id: uuid,
      scope: str,
      ids: obj({
        trancheId: uuid,
        escrowAccountId: uuid,
      }, ['trancheId', 'escrowAccountId']),
      assignedMonitorId: uuid,
      dueBy: dateTime,
      nonce: str,
    })),
    drawId: nullable(uuid),
    drawIndex: nullable(int),
    scheduledBy: uuid,
    scheduledAt: dateTime,
    outcome: nullable(oneOf(INSPECTION_OUTCOMES)),
    comment: nullable(str),
    evidenceFiles: arr(str),
    caseId: nullable(uuid),
    completedAt: nullable(dateTime),
  }),
};

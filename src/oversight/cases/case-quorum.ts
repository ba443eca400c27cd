export const CASE_STATUSES = ['alleged', 'verified', 'dismissed', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_DECISIONS = ['verify', 'dismiss', 'lift'] as const;
export type CaseDecision = (typeof CASE_DECISIONS)[number];

export interface FindingDecision {
  /** case_findings.id: the order findings were made in. */
  id: number;
  principalId: string;
  organizationId: string;
  decision: CaseDecision;
}

/** Distinct monitor organizations behind each decision in the current round. */
export interface Tally {
  verify: number;
  dismiss: number;
  lift: number;
  /** The findings that count (each eligible monitor's latest in its round). */
  counting: Set<number>;
}

/**
 * Counts a case's findings in its two rounds. The first: each monitor's latest `verify` or
 * `dismiss` (up to the verifying finding, once there is one). The second, once verified: each
 * monitor's latest `lift` after it. Only eligible findings count (an active monitor of a monitor
 * organization that is no party to the money: see CasesService), and each organization once,
 * however many of its people agree: a quorum is of organizations, so one office never makes it alone.
 */
export function tally(findings: readonly FindingDecision[], verifiedThrough: number | null, eligible: (f: FindingDecision) => boolean): Tally {
  const ordered = [...findings].sort((a, b) => a.id - b.id);
  const first = ordered.filter((f) => f.decision !== 'lift' && (verifiedThrough === null || f.id <= verifiedThrough));
  const second = verifiedThrough === null ? [] : ordered.filter((f) => f.decision === 'lift' && f.id > verifiedThrough);
  const counting = [...latestPerMonitor(first), ...latestPerMonitor(second)].filter(eligible);
  const organizations = (decision: CaseDecision) => new Set(counting.filter((f) => f.decision === decision).map((f) => f.organizationId)).size;
  return { verify: organizations('verify'), dismiss: organizations('dismiss'), lift: organizations('lift'), counting: new Set(counting.map((f) => f.id)) };
}

function latestPerMonitor(round: readonly FindingDecision[]): FindingDecision[] {
  const latest = new Map<string, FindingDecision>();
  for (const finding of round) latest.set(finding.principalId, finding);
  return [...latest.values()];
}

/** Where a case goes once `tally` is what it is: the quorum moves it, anything less leaves it. */
export function nextStatus(status: CaseStatus, counts: Tally, quorum: number): CaseStatus {
  if (status === 'alleged' && counts.verify >= quorum) return 'verified';
  if (status === 'alleged' && counts.dismiss >= quorum) return 'dismissed';
  if (status === 'verified' && counts.lift >= quorum) return 'resolved';
  return status;
}

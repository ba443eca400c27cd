export const BENCHMARK_STATUSES = ['pending', 'met', 'blocked'] as const;
export type BenchmarkStatus = (typeof BENCHMARK_STATUSES)[number];
export type Decision = 'approve' | 'reject';

export interface SignoffDecision {
  principalId: string;
  organizationId: string;
  decision: Decision;
}

/**
 * A benchmark's status from the sign-offs that count, oldest first. Each monitor's latest
 * decision counts: `blocked` while any latest decision is a reject; `met` once monitors of at
 * least `requiredApprovals` distinct organizations approve; `pending` otherwise. Derived on every
 * read, so it can never be stored out of step with the sign-offs.
 */
export function benchmarkStatus(signoffs: readonly SignoffDecision[], requiredApprovals: number): BenchmarkStatus {
  const latest = new Map<string, SignoffDecision>();
  for (const signoff of signoffs) latest.set(signoff.principalId, signoff);
  const decisions = [...latest.values()];
  if (decisions.some((d) => d.decision === 'reject')) return 'blocked';
  const approvingOrganizations = new Set(decisions.map((d) => d.organizationId));
  return approvingOrganizations.size >= requiredApprovals ? 'met' : 'pending';
}

/** Where a signer stands now, as AuthService reports it. */
export interface SignerStanding {
  active: boolean;
  organizationId: string;
  organizationType: string;
}

/**
 * Whether a sign-off counts: its monitor is still active (a revoked key does nothing, its
 * standing decisions included), belongs to a monitor organization, and that organization is
 * neither the tranche's donor nor its recipient (nobody judges their own money).
 */
export function signoffCounts(
  signoff: { principalId: string; organizationId: string },
  tranche: { donorOrganizationId: string; recipientOrganizationId: string },
  standing: SignerStanding | undefined,
): boolean {
  return (
    standing !== undefined &&
    standing.active &&
    standing.organizationType === 'monitor' &&
    signoff.organizationId !== tranche.donorOrganizationId &&
    signoff.organizationId !== tranche.recipientOrganizationId
  );
}

export const BENCHMARK_KINDS = ['humanitarian_access', 'anti_corruption', 'final_audit'] as const;
export type BenchmarkKind = (typeof BENCHMARK_KINDS)[number];

/** The kinds every instalment waits on; final_audit frees only the retained share. */
export const RELEASE_BENCHMARK_KINDS = ['humanitarian_access', 'anti_corruption'] as const;

/** An instalment may be released only with a benchmark of every release kind, all of those met. */
export function unmetReleaseConditions(benchmarks: readonly { kind: BenchmarkKind; status: BenchmarkStatus }[]): string[] {
  const gating = benchmarks.filter((b) => b.kind !== 'final_audit');
  const missing = RELEASE_BENCHMARK_KINDS.filter((kind) => !gating.some((b) => b.kind === kind)).map((kind) => `no ${kind} benchmark`);
  const unmet = gating.filter((b) => b.status !== 'met').map((b) => `${b.kind} benchmark is ${b.status}`);
  return [...missing, ...unmet];
}

/** The retained share may leave once the tranche has a final_audit benchmark and every one of them is met. */
export function finalAuditMet(benchmarks: readonly { kind: BenchmarkKind; status: BenchmarkStatus }[]): boolean {
  const audits = benchmarks.filter((b) => b.kind === 'final_audit');
  return audits.length > 0 && audits.every((b) => b.status === 'met');
}

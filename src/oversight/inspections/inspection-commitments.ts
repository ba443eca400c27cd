import { canonicalJson } from '../../ledger/canonical-body';
import { commitmentOf, InspectionPreimage, sha256Hex } from './commitment';
import { DrawCandidate, drawWeighted } from './weighted-draw';

/** A journal transaction as GET /v1/ledger/transactions and the NDJSON export give it. */
export interface JournalItemLike {
  seq: number;
  kind: string;
  body: unknown;
  contentHash?: string;
}

export interface CommitmentProblem {
  seq: number;
  problem: string;
}

export interface CommitmentReport {
  ok: boolean;
  scheduled: number;
  revealed: number;
  /** Scheduled and not revealed yet: nothing to check until their finding. */
  pending: number;
  draws: number;
  drawsRevealed: number;
  problems: CommitmentProblem[];
}

interface Body {
  refs?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

/**
 * Checks, from the journal alone, that every inspection was fixed before its visit and every
 * random draw was not chosen after the fact:
 * - each `inspection_finding` reveals an object whose commitment (see commitment.ts) equals the
 *   one its `inspection_scheduled` recorded earlier, for the same inspection id, with a nonce of
 *   at least 128 bits;
 * - a draw's seed is revealed with the finding that completes the draw (earlier, it would give
 *   away the draw's other, unannounced targets): it must hash to the `inspections_drawn`
 *   commitment, and re-running the draw (weighted-draw.ts) over the population recorded there
 *   must give each of the draw's inspections, in order, the tranche its finding revealed;
 * - where a transaction carries its contentHash, its body hashes to it (a reveal cannot have
 *   been edited afterwards without breaking the chain the ledger verifier checks).
 * Pure: give it the transactions in journal order.
 */
export function verifyInspectionCommitments(items: Iterable<JournalItemLike>): CommitmentReport {
  const problems: CommitmentProblem[] = [];
  const scheduled = new Map<string, { seq: number; commitment: string; drawId?: string }>();
  const draws = new Map<string, { seedCommitment: string; population: DrawCandidate[]; inspectionIds: string[] }>();
  const revealed = new Map<string, InspectionPreimage>();
  const revealedDraws = new Set<string>();

  for (const item of items) {
    if (!['inspection_scheduled', 'inspections_drawn', 'inspection_finding'].includes(item.kind)) continue;
    const problem = (text: string) => problems.push({ seq: item.seq, problem: text });
    if (item.contentHash !== undefined && sha256Hex(canonicalJson(item.body)) !== item.contentHash) {
      problem('the body does not hash to its contentHash');
      continue;
    }
    const body = (item.body ?? {}) as Body;
    const refs = body.refs ?? {};
    const details = body.details ?? {};

    if (item.kind === 'inspections_drawn') {
      draws.set(String(refs.drawId), {
        seedCommitment: String(details.seedCommitment),
        population: Array.isArray(details.population) ? (details.population as DrawCandidate[]) : [],
        inspectionIds: Array.isArray(details.inspectionIds) ? (details.inspectionIds as string[]) : [],
      });
    } else if (item.kind === 'inspection_scheduled') {
      scheduled.set(String(refs.inspectionId), { seq: item.seq, commitment: String(details.commitment), drawId: refs.drawId as string | undefined });
    } else {
      const id = String(refs.inspectionId);
      const preimage = details.revealed as InspectionPreimage | undefined;
      const before = scheduled.get(id);
      if (!before) {
        problem(`inspection ${id} has a finding but no earlier inspection_scheduled`);
        continue;
      }
      if (!preimage || typeof preimage !== 'object') {
        problem(`the finding of inspection ${id} reveals nothing`);
        continue;
      }
      if (preimage.id !== id) problem(`the finding of inspection ${id} reveals the preimage of ${String(preimage.id)}`);
      if (typeof preimage.nonce !== 'string' || !/^[0-9a-f]{32,}$/.test(preimage.nonce)) problem(`inspection ${id}: the nonce is not 128 bits or more of lowercase hex`);
      if (commitmentOf(preimage) !== before.commitment) problem(`inspection ${id}: the revealed object does not match the commitment recorded at seq ${before.seq}`);
      if (revealed.has(id)) problem(`inspection ${id} is revealed twice`);
      revealed.set(id, preimage);
      const seedReveal = details.draw as { drawId?: unknown; seed?: unknown } | undefined;
      if (seedReveal !== undefined) {
        const drawId = String(seedReveal.drawId);
        for (const text of checkDraw(drawId, seedReveal.seed)) problem(text);
        revealedDraws.add(drawId);
      }
    }
  }

  function checkDraw(drawId: string, seed: unknown): string[] {
    const draw = draws.get(drawId);
    if (!draw) return [`a seed is revealed for draw ${drawId}, which the journal does not hold before it`];
    if (typeof seed !== 'string' || !/^[0-9a-f]{64}$/.test(seed)) return [`draw ${drawId}: the revealed seed is not 32 bytes of lowercase hex`];
    if (sha256Hex(Buffer.from(seed, 'hex')) !== draw.seedCommitment) return [`draw ${drawId}: the revealed seed does not match its commitment`];
    const picks = drawWeighted(Buffer.from(seed, 'hex'), draw.population, draw.inspectionIds.length);
    const found: string[] = [];
    if (picks.length !== draw.inspectionIds.length) found.push(`draw ${drawId}: the population yields ${picks.length} picks, the draw lists ${draw.inspectionIds.length} inspections`);
    draw.inspectionIds.forEach((inspectionId, index) => {
      const preimage = revealed.get(inspectionId);
      if (!preimage) found.push(`draw ${drawId}: its seed is revealed before inspection ${inspectionId} is`);
      else if (scheduled.get(inspectionId)?.drawId !== drawId) found.push(`draw ${drawId}: inspection ${inspectionId} was not scheduled as part of it`);
      else if (preimage.scope !== 'tranche' || preimage.ids?.trancheId !== picks[index]) {
        found.push(`draw ${drawId}: inspection ${inspectionId} is pick ${index}, which the seed gives to tranche ${picks[index]}, not to what was revealed`);
      }
    });
    return found;
  }

  return {
    ok: problems.length === 0,
    scheduled: scheduled.size,
    revealed: revealed.size,
    pending: [...scheduled.keys()].filter((id) => !revealed.has(id)).length,
    draws: draws.size,
    drawsRevealed: revealedDraws.size,
    problems,
  };
}

import { createHash } from 'node:crypto';
import { canonicalJson } from '../../ledger/canonical-body';
import { ScopeKind } from '../../escrow/holds/escrow-scope';

/**
 * What an inspection's commitment hides until its finding (API.md, "Oversight"): the journal's
 * `inspection_scheduled.details.commitment` is the hex SHA-256 of the UTF-8 RFC 8785 canonical
 * JSON of exactly this object; `inspection_finding.details.revealed` is the object itself.
 *   id                 the inspection's id
 *   scope              escrow_account | recipient | tranche | country
 *   ids                the scope's one target field, e.g. {"trancheId": "…"} or {"country": "UA"}
 *   assignedMonitorId  the monitor who inspects
 *   dueBy              ISO 8601 UTC with milliseconds, as Date.toISOString() writes it
 *   nonce              128 random bits or more, lowercase hex
 */
export interface InspectionPreimage {
  id: string;
  scope: ScopeKind;
  ids: Record<string, string>;
  assignedMonitorId: string;
  dueBy: string;
  nonce: string;
}

export function commitmentOf(preimage: InspectionPreimage): string {
  return sha256Hex(canonicalJson(preimage));
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

import { Injectable } from '@nestjs/common';
import { Principal } from '../common/access/principal';
import { SigningKeysService } from '../auth/signing-keys/signing-keys.service';
import { Database } from '../database/database';
import {
  signedAtProblem,
  StatementAction,
  StatementDetails,
  statementSignatureVerifies,
  statementText,
} from '../ledger/signed-statement';
import { SignatureInvalid } from './statement-errors';

/**
 * The check every command that records a principal's judgement runs (a sign-off, a release
 * approval, a case or inspection finding): see README.md in this folder for how to call it.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeysService,
  ) {}

  /**
   * Checks the statement `principal` makes by sending `body` (the request body as received, with
   * its `signedAt` and `signature`; a validated DTO whose fields are the body's is the same) to
   * the route of `action` on `targetId`, and returns what the journal keeps of it, to spread into
   * the journal transaction's `details`: `{statement, signature, signingKeyId}`, or `{}` when
   * the principal has registered no key (and sent no signature). Throws SIGNATURE_INVALID (400)
   * otherwise. Call it inside the command's transaction: the key is read after the command's
   * share lock on its principal, which a key registration waits for.
   */
  async verifyStatement(principal: Principal, action: StatementAction, targetId: string, body: object): Promise<StatementDetails | Record<string, never>> {
    const fields = ownFields(body);
    const registered = await this.keys.current(this.db.writer, principal.id);
    if (!registered) {
      if (fields.signature !== undefined || fields.signedAt !== undefined) {
        throw new SignatureInvalid('this principal has registered no signing key (POST /v1/principals/me/signing-keys): a signature cannot be checked, so none is accepted');
      }
      return {};
    }
    if (fields.signature === undefined || fields.signedAt === undefined) {
      throw new SignatureInvalid(`this principal registered signing key ${registered.keyId}: the body must carry signedAt and signature`);
    }
    if ('action' in fields || 'targetId' in fields) throw new SignatureInvalid('the body carries no action or targetId: the statement adds them');
    const stale = signedAtProblem(fields.signedAt, Date.now());
    if (stale) throw new SignatureInvalid(stale);
    const statement = statementText(action, targetId, fields);
    if (!statementSignatureVerifies(registered.key, statement, fields.signature)) {
      throw new SignatureInvalid(
        `the signature does not verify with signing key ${registered.keyId} over "aid-escrow-ledger/statement/v1\\n" followed by the canonical JSON of ` +
          `{action: "${action}", targetId, …the body without signature}`,
      );
    }
    return { statement, signature: fields.signature as string, signingKeyId: registered.keyId };
  }
}

/** The body's own fields that have a value (a DTO instance declares absent ones as undefined). */
function ownFields(body: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

import { AUTH_SCHEMAS } from './auth.schemas';
import { ESCROW_SCHEMAS } from './escrow.schemas';
import { LEDGER_SCHEMAS } from './ledger.schemas';
import { OVERSIGHT_SCHEMAS } from './oversight.schemas';
import { TRANSPARENCY_SCHEMAS } from './transparency.schemas';
import { WEBHOOKS_SCHEMAS } from './webhooks.schemas';

/** Every named response schema of the document (components.schemas). */
export const RESPONSE_SCHEMAS: Record<string, object> = {
  ...AUTH_SCHEMAS,
  ...ESCROW_SCHEMAS,
  ...LEDGER_SCHEMAS,
  ...OVERSIGHT_SCHEMAS,
  ...TRANSPARENCY_SCHEMAS,
  ...WEBHOOKS_SCHEMAS,
};

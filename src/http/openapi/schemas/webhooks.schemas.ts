import { arr, dateTime, int, nullable, obj, str, uuid } from './schema-kit';

const ENDPOINT = {
  id: uuid,
  url: str,
  events: arr(str),
  status: str,
  disabledReason: nullable(str),
  deliveredThroughChainIndex: int,
  failedAttempts: int,
  nextAttemptAt: dateTime,
  previousSecretExpiresAt: nullable(dateTime),
  createdBy: uuid,
  createdAt: dateTime,
};

/** The webhooks answers' schemas (components.schemas): the views its services return. */
export const WEBHOOKS_SCHEMAS = {
  WebhookEndpoint: obj(ENDPOINT),
  /** The endpoint as created: with its signing secret, shown this once. */
  WebhookEndpointCreated: obj({ ...ENDPOINT, secret: str }),
  WebhookSecret: obj({
    id: uuid,
    secret: str,
    previousSecretExpiresAt: nullable(dateTime),
  }),
  DeliveryPage: obj({
    items: arr(obj({
      id: int,
      chainIndex: int,
      messageId: uuid,
      type: str,
      attempt: int,
      attemptedAt: dateTime,
      durationMs: int,
      outcome: str,
      statusCode: nullable(int),
      error: nullable(str),
      nextAttemptAt: nullable(dateTime),
    })),
    nextBeforeId: nullable(int),
  }),
};

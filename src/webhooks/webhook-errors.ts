import { DomainError } from '../common/errors/domain-error';

/** Refusals of the webhook endpoints API (API.md, "Webhooks"). */
export const WEBHOOK_ERROR_CODES = ['WEBHOOK_URL_REFUSED'] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/**
 * The URL cannot be a webhook target: not https, credentials in it, a host that does not
 * resolve, or one that resolves to a private, loopback, link-local or other special address.
 */
export class WebhookUrlRefused extends DomainError<WebhookErrorCode> {
  constructor(problem: string) {
    super('WEBHOOK_URL_REFUSED', `url ${problem}`, ['url']);
  }
}

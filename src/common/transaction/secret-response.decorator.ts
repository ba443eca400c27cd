import { SetMetadata } from '@nestjs/common';

export const SECRET_RESPONSE_KEY = 'idempotency:secret-response';

/**
 * The response holds a secret shown once (an API key). Its idempotency record keeps the request
 * fingerprint but not the response, so no secret is ever stored: a retry under the same key is
 * refused (409) instead of replayed.
 */
export const SecretInResponse = () => SetMetadata(SECRET_RESPONSE_KEY, true);

import { SetMetadata } from '@nestjs/common';

export const SECRET_RESPONSE_KEY = 'idempotency:secret-response';

/**
 * The response holds a secret shown once (an API key). Its idempotency record stores the response
 * encrypted under the client's Idempotency-Key, which is itself stored only as a hash: a retry
 * with the key gets the first response again, and the database alone cannot reveal the secret.
 */
export const SecretInResponse = () => SetMetadata(SECRET_RESPONSE_KEY, true);

import { SetMetadata } from '@nestjs/common';

export const COMMAND_KEY = 'http:command';

export interface CommandOptions {
  /**
   * The answer holds a secret shown once (an API key, a claim token). Its idempotency record
   * stores it encrypted under the client's Idempotency-Key, itself stored only as a hash: a
   * retry with the key gets the first answer again, and the database alone cannot reveal it.
   */
  secretInResponse?: boolean;
  /**
   * The route runs its own unit of work instead of the interceptor's transaction: it gathers
   * concurrent requests into one statement that checks the actor and the idempotency key per
   * request exactly as UnitOfWork.run does (deposits, see DepositBatcher). The handler gets the
   * command through @CurrentCommand() and must give it to UnitOfWork itself.
   */
  batched?: boolean;
}

/**
 * The route changes state: it runs as one unit of work (one transaction with its idempotency
 * record; see UnitOfWork). Not tied to the HTTP verb. A route without it that tries to write
 * fails at Database.writer, loudly.
 */
export const Command = (options: CommandOptions = {}) => SetMetadata(COMMAND_KEY, options);

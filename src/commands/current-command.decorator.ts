import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { CommandContext } from './unit-of-work';

/** Where CommandInterceptor leaves a batched route's command (see CommandOptions.batched). */
export interface CommandRequest {
  command?: CommandContext;
}

/** The command of a `@Command({ batched: true })` route, for the handler to run itself. */
export const CurrentCommand = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const command = context.switchToHttp().getRequest<CommandRequest>().command;
  if (!command) throw new Error('@CurrentCommand() on a route that is not @Command({ batched: true })');
  return command;
});

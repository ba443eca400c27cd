import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/access/roles.decorator';
import { ConsoleExceptionFilter } from '../http/console-exception.filter';
import { SessionGuard } from '../http/session.guard';

/**
 * A controller of console pages: outside the API key guard (@Public to it), behind the session
 * guard, its refusals answered as pages, hidden from the OpenAPI document.
 */
export const ConsoleController = (path = 'console') =>
  applyDecorators(ApiExcludeController(), Public(), UseGuards(SessionGuard), UseFilters(ConsoleExceptionFilter), Controller(path));

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { translateDatabaseError } from '../../database/database-errors';
import { statusOfCode } from '../../http/error-status';
import { h } from '../html/jsx';
import { page } from '../views/layout';
import { pageContext } from '../views/page-context';
import { refusalWords } from '../views/refusal-words';
import { Notice } from '../views/ui';
import { FormTokenRefused, RoleRefused, SignInRequired } from './console-errors';
import type { ConsoleRequest } from './console-request';

interface Refusal {
  status: number;
  headline: string;
  detail?: string;
}

/**
 * The console answers people, not programs: a refusal is a page that says in words what was
 * refused and that nothing changed (the unit of work rolled back), with the way back. Signed
 * out, the browser goes to the sign-in page. Never a code, a stack trace or SQL.
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<ConsoleRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof SignInRequired) {
      void reply.status(303).header('location', '/console/login').header('cache-control', 'no-store').send();
      return;
    }
    const refusal = this.refusal(exception);
    if (refusal.status >= 500 && refusal.status !== HttpStatus.SERVICE_UNAVAILABLE) this.logger.error({ err: exception }, 'console request failed');
    const context = pageContext(request);
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    const back = sameOriginBack(request);
    const body = page({
      context,
      title: changes ? 'Not done' : 'Cannot show this page',
      children: (
        <div>
          <Notice kind="error" title={refusal.headline}>
            {refusal.detail && <p class="detail">{sentence(refusal.detail)}</p>}
            {changes && <p>Nothing was changed.</p>}
          </Notice>
          <p>
            <a href={back}>Go back</a> · <a href="/console">Console home</a>
          </p>
        </div>
      ),
    });
    void reply.status(refusal.status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  }

  private refusal(exception: unknown): Refusal {
    if (exception instanceof FormTokenRefused) {
      return { status: HttpStatus.FORBIDDEN, headline: 'This form has expired or was not sent from your console page.', detail: 'Open the page again and resend the form.' };
    }
    if (exception instanceof RoleRefused) return { status: HttpStatus.FORBIDDEN, headline: 'This page is not for your role.', detail: exception.message };
    const domain = exception instanceof DomainError ? exception : translateDatabaseError(exception);
    if (domain) {
      const status = statusOfCode(domain.code);
      if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) return { status, headline: refusalWords(undefined, status) };
      return { status, headline: refusalWords(domain.code, status), detail: domain.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, headline: refusalWords(undefined, status), detail: status < 500 ? exception.message : undefined };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: fastifyStatus, headline: refusalWords(undefined, fastifyStatus), detail: (exception as Error).message };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, headline: refusalWords(undefined, 500) };
  }
}

/** The page the form came from (its _back field), else the console's home. */
function sameOriginBack(request: ConsoleRequest): string {
  return request.consoleBack ?? '/console';
}

/** The domain's message as a sentence: capital first letter, full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/**
 * URLs that carry a secret: a console invitation's token (its path), and the code and state a
 * single sign-on provider sends back (its query). Logged without them.
 */
function withoutSecrets(url: string): string {
  return url.replace(/^(\/console\/invitations\/)[^/?#]+/, '$1[redacted]').replace(/^(\/console\/login\/sso\/callback)\?.*$/, '$1?[redacted]');
}

/**
 * The whistleblower routes (API.md, "Oversight"): their request log keeps method, status and the
 * path without its query, so that nothing a reporter sends (a receipt pasted into the URL, say)
 * reaches a log line. No request's log ever has the client's address, user agent or headers.
 */
const REPORT_ROUTES = /^\/v1\/reports(?:[/?]|$)/;

/** What a request's log line says of it: its id, method and URL, never headers or the client's address. */
export function requestLogFields(req: { id: string; method: string; url: string }): { id: string; method: string; url: string } {
  const url = REPORT_ROUTES.test(req.url) ? req.url.split('?')[0] : withoutSecrets(req.url);
  return { id: req.id, method: req.method, url };
}

/** Structured JSON logs, one request id per request; keys, credentials and reporters never logged. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'req.headers["x-report-receipt"]', '*.apiKey', '*.receipt'],
            censor: '[redacted]',
          },
          serializers: {
            req: requestLogFields,
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}

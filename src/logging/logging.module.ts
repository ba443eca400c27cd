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

/** Structured JSON logs, one request id per request; keys and credentials never logged. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', '*.apiKey'],
            censor: '[redacted]',
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: withoutSecrets(req.url) }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}

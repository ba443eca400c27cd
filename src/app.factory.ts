import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { CONSOLE_EVIDENCE_ROUTE, useConsoleFormParser } from './console/http/form-parser';
import { useSecurityHeaders } from './common/http/security-headers';
import { useStrictJsonParser } from './common/validation/json-body-parser';
import { strictValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { useEvidenceUploads } from './evidence/evidence-upload';
import { clientErrorHandler, frameworkErrors } from './http/http-layer-errors';
import { buildOpenApiDocument } from './http/openapi/document';
import { requestIdFor } from './http/request-id';

/**
 * Builds the HTTP application (Fastify: about six times Express's throughput here) for a
 * resolved configuration. Used by main.ts and by the tests, so both run the same app.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Behind a proxy, X-Forwarded-For names the client; trusted only when configured.
    trustProxy: config.TRUST_PROXY,
    // An incoming X-Request-Id is kept only when it cannot forge a log line (API.md, "Input hygiene").
    requestIdHeader: false,
    genReqId: requestIdFor,
    frameworkErrors,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.withConfig(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(strictValidationPipe());
  // JSON only: any other body type is answered 415 rather than parsed as text.
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  useSecurityHeaders(app.getHttpAdapter().getInstance());
  // Multipart for POST /v1/evidence and the console's upload form alone; every other route stays JSON-only (415).
  await useEvidenceUploads(app, config, [CONSOLE_EVIDENCE_ROUTE]);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  // app.init() registers a form (urlencoded) parser; the API is JSON only (forms get 415 there),
  // and the console's own parser takes forms for its routes alone.
  fastify.removeContentTypeParser('application/x-www-form-urlencoded');
  useConsoleFormParser(fastify);
  useStrictJsonParser(fastify);
  await fastify.ready();
  return app;
}

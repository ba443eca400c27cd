import multipart from '@fastify/multipart';
import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { InvalidInput } from '../common/errors/common-errors';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { EvidenceRefused } from './evidence-errors';
import type { EvidenceUpload } from './evidence.service';

/** The one API route that takes multipart/form-data; every other body is JSON (API.md, "Errors": 415). */
export const EVIDENCE_UPLOAD_ROUTE = '/v1/evidence';

/**
 * Registers @fastify/multipart for the upload route only (and `alsoAt`: the console's own upload
 * page, which calls the same service). The plugin's parser answers every multipart request, so
 * a hook refuses multipart bodies (415) on every other route before anything reads them: there
 * the strict JSON parser stays the only way in.
 */
export async function useEvidenceUploads(app: NestFastifyApplication, config: AppConfig, alsoAt: readonly string[] = []): Promise<void> {
  const routes = new Set([EVIDENCE_UPLOAD_ROUTE, ...alsoAt]);
  await app.register(multipart as never, { limits: { fileSize: config.EVIDENCE_MAX_BYTES } });
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, next) => {
    const type = request.headers['content-type'];
    const route = request.routeOptions.url;
    if (typeof type === 'string' && /^\s*multipart\//i.test(type) && route !== undefined && !routes.has(route)) {
      void reply.status(415).type('application/json; charset=utf-8').send({
        statusCode: 415,
        error: STATUS_CODES[415],
        message: `this route takes application/json; multipart/form-data only at POST ${EVIDENCE_UPLOAD_ROUTE}`,
      });
      return;
    }
    next();
  });
}

const uploads = new WeakMap<object, EvidenceUpload>();

/**
 * Reads the upload once the caller is authenticated (route guards run after the global ones),
 * so an anonymous client cannot make the service read a file. The bytes wait for the handler;
 * the request's body becomes the file's hash and name, which is what the command's
 * Idempotency-Key fingerprint then covers (the same key with another file is refused, 422).
 */
@Injectable()
export class EvidenceUploadGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.isMultipart()) {
      throw new EvidenceRefused('UNSUPPORTED_MEDIA_TYPE', 'send the file as multipart/form-data with one part named file');
    }
    const upload = await this.readOneFile(request);
    (request as { body: unknown }).body = {
      file: { sha256: createHash('sha256').update(upload.content).digest('hex'), size: upload.content.length, filename: upload.filename ?? null },
    };
    uploads.set(request, upload);
    return true;
  }

  private async readOneFile(request: FastifyRequest): Promise<EvidenceUpload> {
    return (await readEvidenceParts(request, this.config.EVIDENCE_MAX_BYTES, false)).upload;
  }
}

/**
 * Reads a multipart body: exactly one file part named `file` (at most `maxBytes`) and, when
 * `withFields`, text fields, each once (the API's upload takes none; the console's form carries
 * its token and way back in them).
 */
export async function readEvidenceParts(request: FastifyRequest, maxBytes: number, withFields: boolean): Promise<{ upload: EvidenceUpload; fields: Record<string, string> }> {
  let upload: EvidenceUpload | undefined;
  const fields: Record<string, string> = Object.create(null);
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, parts: 8, fieldSize: 16 * 1024 } })) {
      if (part.type !== 'file') {
        if (!withFields) throw new InvalidInput(part.fieldname, 'is not part of an upload: send one part, named file, holding the file');
        if (part.fieldname in fields) throw new InvalidInput(part.fieldname, 'appears twice in the form');
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file') throw new InvalidInput(part.fieldname, 'is not part of an upload: the file goes in the part named file');
      if (upload) throw new InvalidInput('file', 'must be sent once: one file per upload');
      upload = { content: await part.toBuffer(), filename: part.filename };
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new EvidenceRefused('FILE_TOO_LARGE', `file is larger than ${maxBytes} bytes (EVIDENCE_MAX_BYTES)`);
    }
    throw new InvalidInput('file', `could not be read as multipart/form-data (${(error as Error).message})`);
  }
  if (!upload) throw new InvalidInput('file', 'is missing: send one part named file');
  return { upload, fields };
}

/** The file EvidenceUploadGuard read for this request. */
export const UploadedEvidence = createParamDecorator((_data: unknown, context: ExecutionContext): EvidenceUpload => {
  const upload = uploads.get(context.switchToHttp().getRequest());
  if (!upload) throw new Error('no upload read: the route needs EvidenceUploadGuard');
  return upload;
});

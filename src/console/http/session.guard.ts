import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../common/access/principal';
import { InvalidInput } from '../../common/errors/common-errors';
import { AppConfig } from '../../config/app-config';
import { readEvidenceParts } from '../../evidence/evidence-upload';
import { ConsoleKey } from '../people/console-key';
import { ConsoleSessionsService } from '../people/console-sessions.service';
import { BACK_FIELD, CSRF_FIELD } from '../views/ui';
import { CONSOLE_ROLES_KEY, CONSOLE_SIGNED_OUT_KEY, CONSOLE_UPLOAD_KEY } from './console-access';
import { FormTokenRefused, RoleRefused, SignInRequired } from './console-errors';
import type { ConsoleRequest } from './console-request';
import { readCookie, setCookie } from './cookies';

const READS = new Set(['GET', 'HEAD']);
const FORM_TOKEN_SECONDS = 12 * 60 * 60;

/**
 * The console's door (the API key guard lets console routes through: they are @Public to it).
 * A page needs a live session; a state-changing request also needs the session's CSRF token in
 * its body, or it is refused (403) before anything runs. Signed-out pages (sign-in, invitation)
 * use a token double-submitted with a SameSite=Strict cookie instead.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: ConsoleSessionsService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const changes = !READS.has(request.method);
    const upload = changes && this.reflector.getAllAndOverride<boolean>(CONSOLE_UPLOAD_KEY, targets) === true;
    let sent = takeField(request, CSRF_FIELD);
    const keepBack = () => {
      const back = takeField(request, BACK_FIELD);
      if (back !== undefined && CONSOLE_PATH.test(back)) request.consoleBack = back;
    };
    keepBack();

    if (this.reflector.getAllAndOverride<boolean>(CONSOLE_SIGNED_OUT_KEY, targets)) {
      const cookie = readCookie(request, 'form');
      if (changes && !ConsoleKey.same(sent, cookie)) throw new FormTokenRefused();
      request.consoleFormToken = cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? cookie : this.newFormToken(request, context.switchToHttp().getResponse());
      // A signed-in visitor is still known on signed-out pages (the sign-in page sends them home).
      request.consoleSession = await this.sessions.current(readCookie(request, 'session'));
      return true;
    }

    const session = await this.sessions.current(readCookie(request, 'session'));
    if (!session) throw new SignInRequired();
    request.consoleSession = session;
    // The role before any upload is read: a person who may not upload costs no buffered file.
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(CONSOLE_ROLES_KEY, targets);
    if (roles && !roles.includes(session.principal.role)) throw new RoleRefused(roles);
    if (upload) {
      // Multipart: its fields (the token among them) are read only now that the session is known.
      if (!request.isMultipart()) throw new InvalidInput('file', 'must be sent as multipart/form-data, from the upload form');
      const read = await readEvidenceParts(request, this.config.EVIDENCE_MAX_BYTES, true);
      (request as { body: unknown }).body = read.fields;
      request.consoleUpload = read.upload;
      sent = takeField(request, CSRF_FIELD);
      keepBack();
    }
    if (changes && !ConsoleKey.same(sent, session.csrfToken)) throw new FormTokenRefused();
    // What the unit of work and the services know as the actor, as for an API key.
    request.principal = session.principal;
    return true;
  }

  private newFormToken(request: ConsoleRequest, reply: FastifyReply): string {
    const token = randomBytes(32).toString('base64url');
    setCookie(reply, request, 'form', token, FORM_TOKEN_SECONDS);
    return token;
  }
}

/** A page of the console, as a form's way back may name it: a path, nothing else. */
const CONSOLE_PATH = /^\/console(\/[A-Za-z0-9_.\-/]*)?$/;

/** A field the console adds to every form, taken out of the body: handlers see only their own fields. */
function takeField(request: ConsoleRequest, name: string): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  const value = body[name];
  delete body[name];
  return typeof value === 'string' ? value : undefined;
}

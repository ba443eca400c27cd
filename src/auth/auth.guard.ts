import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../common/errors/common-errors';
import { AuthService } from './auth.service';
import { Unauthenticated } from './identity-errors';
import { AuthenticatedRequest, Role } from '../common/access/principal';
import { PUBLIC_KEY, ROLES_KEY } from '../common/access/roles.decorator';

/** RFC 9110: the scheme name is case-insensitive. */
const BEARER = /^Bearer ([A-Za-z0-9_\-]{1,200})$/i;

/** Global: every route needs a valid API key unless marked @Public(); @Roles narrows who. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    const principal = match ? await this.auth.authenticate(match[1]) : undefined;
    if (!principal) throw new Unauthenticated();
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new Forbidden(`this action needs the role ${roles.join(' or ')}; you are ${principal.role}`);
    }
    return true;
  }
}

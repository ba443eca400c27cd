import { CanActivate, ExecutionContext, Injectable, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '../common/errors/common-errors';

/**
 * Every query parameter must be one the route declares (API.md, "Input hygiene"): a route without
 * a query DTO takes none, and `__proto__` or `constructor` are unknown like any other name. Read
 * from the raw URL, so nothing a query parser drops or merges escapes the check.
 */
@Injectable()
export class DeclaredQueryGuard implements CanActivate {
  private readonly declared = new Map<Function, ReadonlySet<string>>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const url = context.switchToHttp().getRequest<FastifyRequest>().url;
    const question = url.indexOf('?');
    if (question < 0) return true;
    const allowed = this.allowed(context);
    for (const name of new URLSearchParams(url.slice(question + 1)).keys()) {
      if (!allowed.has(name)) {
        throw new InvalidInput(name, allowed.size === 0 ? 'is not a parameter of this route (it takes none)' : `is not a parameter of this route (it takes ${[...allowed].join(', ')})`);
      }
    }
    return true;
  }

  private allowed(context: ExecutionContext): ReadonlySet<string> {
    const handler = context.getHandler();
    let names = this.declared.get(handler);
    if (!names) {
      names = declaredQueryNames(context.getClass(), handler.name);
      this.declared.set(handler, names);
    }
    return names;
  }
}

function declaredQueryNames(controller: Type<unknown>, method: string): ReadonlySet<string> {
  const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
  const types: Type<unknown>[] = Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? [];
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data === 'string') names.add(arg.data);
    else for (const meta of getMetadataStorage().getTargetValidationMetadatas(types[arg.index], '', true, false)) names.add(meta.propertyName);
  }
  return names;
}

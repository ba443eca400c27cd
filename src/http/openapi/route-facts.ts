import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../../common/access/roles.decorator';
import { Role } from '../../common/access/principal';
import { COMMAND_KEY } from '../../common/http/command.decorator';
import { ANSWER_KEY, Answer, REFUSALS_KEY } from '../../common/openapi/api-answer.decorator';

/** @SkipThrottle()'s mark for the one throttler, 'default' (throttler.constants THROTTLER_SKIP, not exported). */
const SKIP_DEFAULT_THROTTLER = 'THROTTLER:SKIPdefault';

/** What the guards, the unit of work and the API decorators say about one route. */
export interface RouteFacts {
  /** Lower-case HTTP method and the path as the document writes it (`/v1/tranches/{id}`). */
  method: string;
  path: string;
  isPublic: boolean;
  roles: readonly Role[] | undefined;
  isCommand: boolean;
  throttled: boolean;
  answers: readonly Answer[];
  refusals: readonly string[];
}

/**
 * Every route of the app's controllers, read from the same metadata the guards read (handler
 * first, then its class, as Reflector.getAllAndOverride does), so the document's security and
 * errors cannot say something else than what the routes do.
 */
export function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (methodPaths === undefined) continue;
        const read = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        for (const controllerPath of asList(Reflect.getMetadata(PATH_METADATA, controller) as string | string[])) {
          for (const methodPath of asList(methodPaths)) {
            const path = documentPath(controllerPath, methodPath);
            facts.set(`${method} ${path}`, {
              method,
              path,
              isPublic: read<boolean>(PUBLIC_KEY) === true,
              roles: read<Role[]>(ROLES_KEY),
              isCommand: read(COMMAND_KEY) !== undefined,
              throttled: read<boolean>(SKIP_DEFAULT_THROTTLER) !== true,
              answers: Reflect.getMetadata(ANSWER_KEY, handler) ?? [],
              refusals: Reflect.getMetadata(REFUSALS_KEY, handler) ?? [],
            });
          }
        }
      }
    }
  }
  return facts;
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [''] : Array.isArray(value) ? value : [value];
}

function documentPath(controllerPath: string, methodPath: string): string {
  const joined = `/${controllerPath}/${methodPath}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

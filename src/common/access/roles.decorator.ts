import { SetMetadata } from '@nestjs/common';
import { Role } from './principal';

export const ROLES_KEY = 'auth:roles';
export const PUBLIC_KEY = 'auth:public';

/** Only principals with one of these roles may call the route (others get 403). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The route needs no API key. Every other route does: the guard is global. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

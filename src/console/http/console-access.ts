import { applyDecorators, Header, SetMetadata } from '@nestjs/common';
import type { Role } from '../../common/access/principal';

export const CONSOLE_ROLES_KEY = 'console:roles';
export const CONSOLE_SIGNED_OUT_KEY = 'console:signed-out';
export const CONSOLE_UPLOAD_KEY = 'console:upload';

/** Only people of these roles may open the page or send the form (others are told so in words). */
export const ConsoleRoles = (...roles: Role[]) => SetMetadata(CONSOLE_ROLES_KEY, roles);

/**
 * A page for people not signed in (sign-in, invitations): no session needed; its forms carry
 * the signed-out form token instead (double-submitted with a SameSite=Strict cookie).
 */
export const SignedOut = () => SetMetadata(CONSOLE_SIGNED_OUT_KEY, true);

/**
 * A form that posts a file (multipart/form-data, one part `file`): the session guard reads the
 * body only once the session is known (no anonymous client makes the service read a file), then
 * checks the form token sent in its text fields, as for any form.
 */
export const ConsoleUpload = () => SetMetadata(CONSOLE_UPLOAD_KEY, true);

/** An HTML page that no cache keeps (it shows one person's data and a form token). */
export const HtmlPage = () => applyDecorators(Header('content-type', 'text/html; charset=utf-8'), Header('cache-control', 'no-store'));

/** Where a form's handler sends the browser once its unit of work committed (303: GET it). */
export interface SeeOther {
  url: string;
  statusCode: 303;
}

export function seeOther(url: string): SeeOther {
  return { url, statusCode: 303 };
}

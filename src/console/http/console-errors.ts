/** Not signed in (or no longer): the console sends the browser to the sign-in page. */
export class SignInRequired extends Error {
  constructor() {
    super('sign in to use the console');
  }
}

/** A state-changing form without the right token: refused before anything runs. */
export class FormTokenRefused extends Error {
  constructor() {
    super('this form was not sent by your console session (it may have expired in another tab)');
  }
}

/** The signed-in person's role may not open this page. */
export class RoleRefused extends Error {
  constructor(readonly roles: readonly string[]) {
    super(`this page is for the ${roles.join(' or ')} role`);
  }
}

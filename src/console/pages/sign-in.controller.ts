import { Body, Controller, Get, HttpCode, Param, Post, Query, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { Public } from '../../common/access/roles.decorator';
import { UnitOfWork } from '../../commands/unit-of-work';
import { Command } from '../../common/http/command.decorator';
import { AppConfig } from '../../config/app-config';
import { renderDocument } from '../html/jsx';
import { HtmlPage, seeOther, SignedOut } from '../http/console-access';
import { ConsoleExceptionFilter } from '../http/console-exception.filter';
import type { ConsoleRequest, FormFields } from '../http/console-request';
import { clearCookie, readCookie, setCookie } from '../http/cookies';
import { publicOrigin } from '../http/public-origin';
import { SessionGuard } from '../http/session.guard';
import { InvitationsService } from '../people/invitations.service';
import { ABSOLUTE_HOURS, SECOND_FACTOR_MINUTES } from '../people/sessions.repository';
import { SignInOutcome, SignInService } from '../people/sign-in.service';
import { SingleSignOnService, SSO_STATE_SECONDS } from '../people/single-sign-on.service';
import { totpUri } from '../people/totp';
import { pageContext } from '../views/page-context';
import { CodePage, ContinuePage, InvitationGonePage, InvitationPage, LoginPage } from './sign-in.views';

const PROBLEMS: Record<string, string> = {
  wrong: 'The email, password or code is not right.',
  locked: 'Too many wrong attempts: sign-in for this email is locked for 15 minutes. Nothing else is affected.',
  no_second_factor: 'Your role signs in with a code from an authenticator app, and you have none set up yet. Ask an administrator for a new invitation.',
  expired: 'The sign-in took too long. Please start again.',
};

/**
 * Signing in and out, invitations, single sign-on. Every form here is a command (its unit of
 * work commits what it did, failures counted included) and answers with a redirect (303) once
 * it committed: the browser then loads the next page, never resends the form.
 */
@ApiExcludeController()
@Public()
@SignedOut()
@UseGuards(SessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class SignInController {
  constructor(
    private readonly signIn: SignInService,
    private readonly invitations: InvitationsService,
    private readonly sso: SingleSignOnService,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  @Get('login')
  @HtmlPage()
  login(@Req() request: ConsoleRequest, @Query('problem') problem?: string, @Query('out') out?: string): string {
    return renderDocument(LoginPage({ context: pageContext(request), problem: problem ? PROBLEMS[problem] : undefined, sso: this.sso.enabled, signedOut: out !== undefined }));
  }

  @Post('login')
  @Command()
  @Redirect()
  async submitLogin(@Body() form: FormFields, @Req() request: ConsoleRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(await this.signIn.withPassword(form.email ?? '', form.password ?? ''), request, reply);
  }

  @Get('login/code')
  @HtmlPage()
  code(@Req() request: ConsoleRequest, @Query('problem') problem?: string): string {
    return renderDocument(CodePage({ context: pageContext(request), problem: problem ? PROBLEMS[problem] : undefined }));
  }

  @Post('login/code')
  @Command()
  @Redirect()
  async submitCode(@Body() form: FormFields, @Req() request: ConsoleRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const pending = readCookie(request, 'session');
    if (!pending) return seeOther('/console/login?problem=expired');
    const outcome = await this.signIn.withCode(pending, form.code ?? '');
    if (outcome.outcome === 'refused' && outcome.reason === 'wrong') return seeOther('/console/login/code?problem=wrong');
    return this.answer(outcome, request, reply);
  }

  @Post('logout')
  @Command()
  @Redirect()
  async logout(@Req() request: ConsoleRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const secret = readCookie(request, 'session');
    if (secret) await this.signIn.signOut(secret);
    clearCookie(reply, request, 'session');
    return seeOther('/console/login?out=1');
  }

  @Get('invitations/:token')
  @HtmlPage()
  async invitation(@Param('token') token: string, @Req() request: ConsoleRequest): Promise<string> {
    return this.invitationPage(token, request);
  }

  /** 200 with the form again when something needs correcting (the same QR code stays good). */
  @Post('invitations/:token')
  @Command()
  @HttpCode(200)
  @HtmlPage()
  async acceptInvitation(@Param('token') token: string, @Body() form: FormFields, @Req() request: ConsoleRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const open = await this.invitations.open(token, form.enrollment);
    if (!open) return renderDocument(InvitationGonePage({ context: pageContext(request) }));
    try {
      await this.invitations.accept(token, {
        password: form.password ?? '',
        confirmation: form.confirmation ?? '',
        enrollment: form.enrollment ?? '',
        code: form.code ?? '',
      });
    } catch (error) {
      // Refused before anything was written (see InvitationsService.accept): the form again, in words.
      const problem = (error as { fields?: readonly string[] }).fields ? sentence((error as Error).message) : undefined;
      if (!problem) throw error;
      return this.invitationPage(token, request, form.enrollment, problem);
    }
    clearCookie(reply, request, 'session');
    return renderDocument(LoginPage({ context: pageContext(request), sso: this.sso.enabled, notice: 'Your sign-in is set up. Sign in with your email and new password.' }));
  }

  @Get('login/sso')
  @Redirect()
  async beginSingleSignOn(@Req() request: ConsoleRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!this.sso.enabled) return seeOther('/console/login');
    const { url, cookie } = await this.sso.begin(this.callbackUrl(request));
    setCookie(reply, request, 'sso', cookie, SSO_STATE_SECONDS);
    return { url, statusCode: 303 };
  }

  /** A GET that signs in: it runs as a unit of work of its own (the route test counts only other verbs). */
  @Get('login/sso/callback')
  @HtmlPage()
  async finishSingleSignOn(
    @Req() request: ConsoleRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    // What a provider may send back (RFC 6749 §4.1.2, RFC 9207, OpenID session management):
    // declared so the query check lets them in; openid-client reads them from the URL.
    @Query('code') _code?: string,
    @Query('state') _state?: string,
    @Query('iss') _iss?: string,
    @Query('session_state') _session?: string,
    @Query('error') _error?: string,
    @Query('error_description') _description?: string,
    @Query('scope') _scope?: string,
  ): Promise<string> {
    const context = pageContext(request);
    clearCookie(reply, request, 'sso');
    if (!this.sso.enabled) return renderDocument(LoginPage({ context, sso: false }));
    const query = request.url.slice(request.url.indexOf('?'));
    const result = await this.sso.finish(new URL(this.callbackUrl(request) + (request.url.includes('?') ? query : '')), readCookie(request, 'sso'));
    if ('problem' in result) return renderDocument(LoginPage({ context, sso: true, problem: `Single sign-on did not work: ${result.problem}.` }));
    const outcome = (await this.unitOfWork.run({ status: 200 }, () => this.signIn.withVerifiedEmail(result.email))) as SignInOutcome;
    if (outcome.outcome !== 'signed_in') {
      return renderDocument(LoginPage({ context, sso: true, problem: 'Your organization vouched for you, but no active person here has that email. Ask an administrator.' }));
    }
    setCookie(reply, request, 'session', outcome.session.secret, ABSOLUTE_HOURS * 3600);
    return renderDocument(ContinuePage({ context }));
  }

  private answer(outcome: SignInOutcome, request: ConsoleRequest, reply: FastifyReply) {
    switch (outcome.outcome) {
      case 'signed_in':
        setCookie(reply, request, 'session', outcome.session.secret, ABSOLUTE_HOURS * 3600);
        return seeOther('/console');
      case 'code_needed':
        setCookie(reply, request, 'session', outcome.session.secret, SECOND_FACTOR_MINUTES * 60);
        return seeOther('/console/login/code');
      case 'refused':
        clearCookie(reply, request, 'session');
        return seeOther(`/console/login?problem=${outcome.reason}`);
    }
  }

  private async invitationPage(token: string, request: ConsoleRequest, enrollment?: string, problem?: string): Promise<string> {
    const context = pageContext(request);
    const invitation = await this.invitations.open(token, enrollment);
    if (!invitation) return renderDocument(InvitationGonePage({ context }));
    const uri = totpUri(invitation.totpSecret, invitation.principal.email);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const labelled = qrSvg.replace('<svg ', '<svg role="img" aria-label="QR code of your authenticator key" ');
    return renderDocument(InvitationPage({ context, token, invitation, qrSvg: labelled, problem }));
  }

  private callbackUrl(request: ConsoleRequest): string {
    return `${publicOrigin(request, this.config)}/console/login/sso/callback`;
  }
}

function sentence(text: string): string {
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

import { HttpStatus, INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorCode, isErrorCode, statusOfCode } from '../error-status';
import { Answer } from '../../common/openapi/api-answer.decorator';
import { ERROR_BODY, errorBodySchema, errorResponse } from './error-responses';
import { routeFacts, RouteFacts } from './route-facts';
import { RESPONSE_SCHEMAS } from './schemas';

export const BEARER = 'apiKey';

/** What each group of operations is about, for readers of /docs. */
const TAGS: Record<string, string> = {
  'approval policy': 'How many admins approve a release, by amount; changed four-eyes',
  benchmarks: 'Conditions of a tranche, signed off by monitors of distinct organizations',
  'escrow accounts': 'Accounts, deposits, suspension and closing',
  evidence: 'Files backing sign-offs, findings and cases, stored by SHA-256',
  health: 'For load balancers',
  inspections: 'Announced and snap inspections and their findings',
  ledger: 'The append-only, hash-chained journal, its accounts and its verification',
  'organizations and principals': 'Who may act: organizations, principals (four-eyes), keys, invitations',
  releases: 'Release requests and their approvals',
  'reports (monitors)': 'Whistleblower reports as monitors handle them',
  'reports (whistleblower)': 'The anonymous channel: no key, a receipt instead',
  tranches: 'Earmarked money for a recipient',
  transparency: 'Public: dashboard, IATI, signed checkpoints and proofs',
  'violation cases': 'Alleged violations, their findings, holds and recoveries',
  webhooks: 'Endpoints the journal\'s events are delivered to (Standard Webhooks)',
};

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterObject = Extract<NonNullable<OperationObject['parameters']>[number], { in: string }>;
type ResponseObject = Extract<OperationObject['responses'][string], { description: string }>;

/**
 * The API's OpenAPI document: what @nestjs/swagger reads from the controllers and DTOs (paths,
 * parameters, request bodies), completed from the routes' own metadata: security from
 * @Public()/@Roles(), success answers from @ApiAnswers, and the error answers each kind of
 * route can give (the guards, pipes, unit of work and body limits apply to all of them alike).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Aid Escrow Ledger')
      .setDescription('Escrow for reconstruction aid with an append-only, hash-chained, double-entry ledger.')
      .setVersion('1')
      // Relative: the document describes whichever host serves it.
      .addServer('/')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'opaque API key (ael_…)', description: 'The API key a principal claimed once; not a JWT' },
        BEARER,
      )
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...RESPONSE_SCHEMAS, [ERROR_BODY]: errorBodySchema() } };
  const facts = routeFacts(app);
  // Every tag an operation uses, declared once at the top (Spectral's operation-tag-defined).
  const tags = new Set(Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => (op as OperationObject).tags ?? [])));
  document.tags = [...tags].sort().map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) }));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const route = facts.get(`${method} ${path}`);
      if (!route) throw new Error(`OpenAPI: no route facts for ${method} ${path}`);
      complete(operation, route);
    }
  }
  return document;
}

function complete(operation: OperationObject, route: RouteFacts): void {
  operation.security = route.isPublic ? [] : [{ [BEARER]: [] }];
  if (route.roles) operation.description = [operation.description, `Roles: ${route.roles.join(', ')}.`].filter(Boolean).join('\n\n');
  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    // Every `{id}` is a UuidParam (a malformed one is a 400 naming it).
    if (parameter.in === 'path' && parameter.name === 'id') parameter.schema = { type: 'string', format: 'uuid' };
  }
  operation.responses = { ...successes(route.answers), ...errors(operation, route) };
}

function successes(answers: readonly Answer[]): Record<string, ResponseObject> {
  return Object.fromEntries(
    answers.map((answer) => {
      const schema = typeof answer.schema === 'string' ? { $ref: `#/components/schemas/${answer.schema}` } : answer.schema;
      const mediaTypes = answer.mediaTypes ?? (schema ? ['application/json'] : []);
      const response: ResponseObject = { description: answer.description };
      if (mediaTypes.length > 0) response.content = Object.fromEntries(mediaTypes.map((type) => [type, schema ? { schema } : {}]));
      if (answer.headers) response.headers = answer.headers;
      return [String(answer.status), response];
    }),
  );
}

/** The errors this kind of route gives, plus the refusals it declares, each with its codes. */
function errors(operation: OperationObject, route: RouteFacts): Record<string, ResponseObject> {
  const codes = new Map<number, Set<ErrorCode>>();
  const add = (status: number, ...more: ErrorCode[]) => {
    const set = codes.get(status) ?? new Set<ErrorCode>();
    more.forEach((code) => set.add(code));
    codes.set(status, set);
  };
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  // Undeclared query parameters, a malformed URL or path parameter, an invalid body: 400.
  add(HttpStatus.BAD_REQUEST, 'INVALID_INPUT');
  if (parameters.some((p) => p.in === 'path')) {
    add(HttpStatus.URI_TOO_LONG);
    add(HttpStatus.NOT_FOUND, 'NOT_FOUND');
  }
  if (!route.isPublic) add(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED');
  if (route.roles) add(HttpStatus.FORBIDDEN, 'FORBIDDEN');
  if (route.method === 'post') {
    add(HttpStatus.PAYLOAD_TOO_LARGE);
    add(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
  if (route.isCommand) {
    add(HttpStatus.UNPROCESSABLE_ENTITY, 'IDEMPOTENCY_KEY_REUSED');
    add(HttpStatus.CONFLICT);
  }
  if (route.throttled) add(HttpStatus.TOO_MANY_REQUESTS);
  add(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_UNAVAILABLE');
  for (const code of route.refusals) {
    if (!isErrorCode(code)) throw new Error(`@ApiRefusals(${JSON.stringify(code)}) on ${route.method.toUpperCase()} ${route.path}: no such error code`);
    add(statusOfCode(code), code);
  }
  return Object.fromEntries([...codes].sort(([a], [b]) => a - b).map(([status, set]) => [String(status), errorResponse(status, [...set])]));
}

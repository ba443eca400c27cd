import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { appendFileSync } from 'node:fs';

/** What one answer was, in the document's terms. */
export interface Observed {
  method: string;
  url: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Operation;
}

/**
 * Checks live answers against the OpenAPI document the app serves: the status must be one the
 * operation declares, the media type one declared for that status, and a JSON body must validate
 * against its schema (refs resolved). Requests outside the document (console pages, /docs,
 * unknown paths) are not its business. OPENAPI_RECORD=<file> also appends every answer there.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, discriminator: true });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
    this.routes = Object.entries(document.paths).flatMap(([template, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        // Literal segments first: /v1/public/checkpoints/latest is not /v1/public/checkpoints/{treeSize}.
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        operation,
      })),
    ).sort((a, b) => specificity(b.template) - specificity(a.template));
  }

  /** The route template of a request, or undefined when the document does not describe it. */
  route(method: string, url: string): Route | undefined {
    const path = new URL(url, 'http://local').pathname;
    return this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  }

  /** The problems with one answer; none when it is what the document says. */
  problems(observed: Observed): string[] {
    const route = this.route(observed.method, observed.url);
    if (!route) return [];
    record(route.template, observed);
    const where = `${observed.method} ${route.template} → ${observed.status}`;
    const response = route.operation.responses[String(observed.status)];
    if (!response) return [`${where}: status not in the document (declared: ${Object.keys(route.operation.responses).join(', ')})`];
    const content = response.content ?? {};
    if (observed.status === 304 || observed.status === 204 || observed.method === 'HEAD') {
      return Object.keys(content).length === 0 ? [] : [`${where}: declares a body but answers none`];
    }
    const mediaType = (observed.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!(mediaType in content)) return [`${where}: media type ${mediaType || '(none)'} not declared (declared: ${Object.keys(content).join(', ') || 'none'})`];
    const schema = content[mediaType].schema;
    // JSON bodies are checked; NDJSON, CSV, XML and text are checked for their media type only.
    if (!schema || !(mediaType === 'application/json' || mediaType.endsWith('+json'))) return [];
    const validate = this.validator(`${route.method} ${route.template} ${observed.status} ${mediaType}`, schema);
    if (validate(observed.body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  private validator(key: string, schema: object): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      // The document's refs point at its own root; here they point at the copy added as 'openapi'.
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function specificity(template: string): number {
  return template.split('/').filter((s) => s && !s.startsWith('{')).length;
}

function record(template: string, observed: Observed): void {
  const file = process.env.OPENAPI_RECORD;
  if (file) appendFileSync(file, `${JSON.stringify({ template, ...observed })}\n`);
}

import { writeFileSync } from 'node:fs';
import { routeFacts } from '../../src/http/openapi/route-facts';
import { startTestApp, TestApp } from '../support/test-app';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}

/**
 * The document served at /docs-json says everything a client needs: each operation its success
 * schema, its security, its errors; integer parameters as integers. (That the answers match it
 * is checked on every request the e2e suite makes: test/support/openapi-agent.ts.)
 * OPENAPI_OUT=<file> writes the document there, e.g. for `npx @redocly/cli lint <file>`.
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, unknown> } };
  let operations: [string, Operation][];

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body;
    if (process.env.OPENAPI_OUT) writeFileSync(process.env.OPENAPI_OUT, JSON.stringify(document, null, 2));
    operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]));
  });
  afterAll(() => t.close());

  it('gives every operation a described success answer, with a schema for each media type it has', () => {
    const lacking = operations.filter(([, op]) => {
      const successes = Object.entries(op.responses).filter(([status]) => Number(status) < 400);
      return successes.length === 0 || successes.some(([, r]) => !r.description || Object.values(r.content ?? {}).some((media) => !media.schema));
    });
    expect(lacking.map(([name]) => name)).toEqual([]);
    // Body-less successes are the ones that are: 204 and 304.
    const bodyless = operations.flatMap(([name, op]) => Object.entries(op.responses).filter(([s, r]) => Number(s) < 400 && !r.content).map(([s]) => `${name} ${s}`));
    expect(bodyless.every((entry) => / (204|304)$/.test(entry))).toBe(true);
  });

  it('marks public routes `security: []` and every other one the bearer key, as the guards do', () => {
    const facts = routeFacts(t.app);
    for (const [name, op] of operations) {
      const [method, path] = name.split(' ');
      const route = facts.get(`${method.toLowerCase()} ${path}`)!;
      expect({ name, security: op.security }).toEqual({ name, security: route.isPublic ? [] : [{ apiKey: [] }] });
    }
    expect(operations.filter(([, op]) => op.security!.length === 0).length).toBeGreaterThan(5);
    const scheme = document.components.securitySchemes.apiKey;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).not.toMatch(/jwt/i);
  });

  it('lists each operation\'s errors with the error schema: 400, 401 when keyed, 429 when throttled, 503', () => {
    for (const [name, op] of operations) {
      const statuses = Object.keys(op.responses);
      const expected = ['400', '503', ...(op.security!.length > 0 ? ['401'] : []), ...(name === 'GET /health' ? [] : ['429'])];
      expect({ name, missing: expected.filter((s) => !statuses.includes(s)) }).toEqual({ name, missing: [] });
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
        expect({ name, status, schema: response.content?.['application/json']?.schema }).toEqual({ name, status, schema: { $ref: '#/components/schemas/ErrorBody' } });
      }
    }
    expect(document.components.schemas.ErrorBody).toMatchObject({ required: ['statusCode', 'message'] });
  });

  it('types integer parameters as integers, never `number` or an allOf', () => {
    const parameters = operations.flatMap(([name, op]) => (op.parameters ?? []).map((p) => ({ name, parameter: p.name, schema: p.schema })));
    expect(parameters.filter((p) => p.schema.type === 'number' || 'allOf' in p.schema || '$ref' in p.schema)).toEqual([]);
    const limit = document.paths['/v1/ledger/transactions'].get.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(document.paths['/v1/public/checkpoints/{treeSize}'].get.parameters![0].schema).toMatchObject({ type: 'integer' });
  });

  it('declares the media types of the answers that are not JSON', () => {
    const types = (path: string, status = '200') => Object.keys(document.paths[path].get.responses[status].content ?? {});
    expect(types('/v1/public/iati.xml')).toEqual(['application/xml']);
    expect(types('/v1/ledger/export')).toEqual(['application/x-ndjson', 'text/csv']);
    expect(types('/checkpoint')).toEqual(['text/plain']);
    expect(types('/v1/public/proofs/receipt')).toEqual(['text/plain']);
    expect(types('/v1/public/dashboard')).toEqual(['application/json']);
    expect(Object.keys(document.paths['/v1/public/dashboard'].get.responses)).toContain('304');
  });
});

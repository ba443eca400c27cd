import request from 'supertest';
import { OpenApiContract } from './openapi-contract';

type App = Parameters<typeof request>[0];

/**
 * Whether every e2e answer is checked against the document: on unless OPENAPI_VALIDATE=0
 * (e.g. to look at an unrelated failure first).
 */
export const VALIDATE_ANSWERS = process.env.OPENAPI_VALIDATE !== '0';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/**
 * A supertest agent whose every awaited answer is checked against the app's own OpenAPI document
 * (GET /docs-json, read once): an answer the document does not describe rejects the request
 * with the problems, at the line of the test that made it.
 */
export function checkedAgent(server: App, contract: () => Promise<OpenApiContract>): request.Agent {
  const agent = request.agent(server);
  if (!VALIDATE_ANSWERS) return agent;
  for (const verb of VERBS) {
    const original = agent[verb].bind(agent) as (url: string) => request.Test;
    (agent as unknown as Record<string, unknown>)[verb] = (url: string) => checked(original(url), contract);
  }
  return agent;
}

function checked(test: request.Test, contract: () => Promise<OpenApiContract>): request.Test {
  const then = test.then.bind(test);
  const method = (test as unknown as { method: string }).method;
  const url = (test as unknown as { url: string }).url;
  test.then = ((onFulfilled, onRejected) =>
    then(async (res) => {
      const problems = (await contract()).problems({
        method,
        url,
        status: res.status,
        contentType: res.headers['content-type'],
        body: res.body,
      });
      // OPENAPI_RECORD: recording answers to write or review the document, not judging them yet.
      if (problems.length > 0 && !process.env.OPENAPI_RECORD) throw new Error(`the answer is not what the OpenAPI document says:\n  ${problems.join('\n  ')}`);
      return res;
    }).then(onFulfilled, onRejected)) as request.Test['then'];
  return test;
}

/** The document as the app serves it, made into a contract once per app. */
export function servedContract(server: App): () => Promise<OpenApiContract> {
  let loaded: Promise<OpenApiContract> | undefined;
  return () => (loaded ??= request(server).get('/docs-json').expect(200).then((res) => new OpenApiContract(res.body)));
}

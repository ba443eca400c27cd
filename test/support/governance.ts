import { Role } from '../../src/common/access/principal';
import { TestApp, TestPrincipal } from './test-app';

/**
 * A principal made the governed way, through the API: one admin requests it, another
 * principal approves it, and the key is claimed with the token shown once.
 */
export async function issuePrincipal(
  t: TestApp,
  requester: TestPrincipal,
  approver: TestPrincipal,
  body: { name: string; role: Role; organizationId: string; email?: string },
): Promise<TestPrincipal> {
  const requested = await t.http().post('/v1/principals').set(requester.auth).send(body).expect(202);
  await t.http().post(`/v1/principals/${requested.body.id}/approve`).set(approver.auth).send({}).expect(200);
  const claimed = await t.http().post('/v1/principals/claim').send({ claimToken: requested.body.claimToken }).expect(200);
  return {
    id: requested.body.id,
    organizationId: body.organizationId,
    role: body.role,
    apiKey: claimed.body.apiKey,
    auth: { Authorization: `Bearer ${claimed.body.apiKey}` },
  };
}

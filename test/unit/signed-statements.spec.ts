import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { ed25519PrivateKeyFromSeed, rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { signedAtProblem, signingKeyId, statementMessage, statementText } from '../../src/ledger/signed-statement';
import { StatementRules } from '../../src/ledger/verify/statement-rules';
import { signStatement } from '../../src/statements/statement.command';

/** The statement format of API.md ("Signed statements") and the verifier's rules on it, without a database. */

const MONITOR = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const BENCHMARK = '00000000-0000-4000-8000-0000000000b1';
const AT = '2027-03-14T09:30:00.000Z';

function registration(actor: string, key: KeyObject, principalId = actor) {
  const raw = rawEd25519PublicKey(key);
  return { occurredAt: AT, refs: { principalId }, details: { publicKey: raw.toString('base64'), keyId: signingKeyId(raw) } };
}

function signedSignoff(key: KeyObject, body: Record<string, unknown> = { decision: 'approve', signedAt: AT }, target = BENCHMARK) {
  const { signature, ...rest } = signStatement(key, 'benchmark.signoff', target, body);
  const statement = statementText('benchmark.signoff', target, rest);
  return {
    occurredAt: AT,
    refs: { benchmarkId: BENCHMARK },
    details: { decision: body.decision, evidence: body.evidence ?? null, comment: null, statement, signature, signingKeyId: signingKeyId(rawEd25519PublicKey(key)) },
  };
}

describe('the statement message', () => {
  it('is the prefix and the RFC 8785 JSON of {action, targetId, …body}, the signature left out', () => {
    const text = statementText('benchmark.signoff', BENCHMARK, { signature: 'x', signedAt: AT, decision: 'approve', evidence: 'é ☃' });
    expect(text).toBe(`{"action":"benchmark.signoff","decision":"approve","evidence":"é ☃","signedAt":"${AT}","targetId":"${BENCHMARK}"}`);
    expect(statementMessage(text).toString('utf8')).toBe(`aid-escrow-ledger/statement/v1\n${text}`);
    // Neither the body's own action nor targetId can stand in for the route's.
    expect(statementText('benchmark.signoff', BENCHMARK, { action: 'x', targetId: 'y' })).toBe(`{"action":"benchmark.signoff","targetId":"${BENCHMARK}"}`);
  });

  it('signs the contract\'s message: a known key gives a known signature (Ed25519 is deterministic)', () => {
    // Computed apart from this code, from the contract's words: Ed25519 with seed 01…01 over
    // "aid-escrow-ledger/statement/v1\n" + {"action":…,"decision":"approve","signedAt":…,"targetId":…}.
    const key = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 1));
    expect(signStatement(key, 'benchmark.signoff', BENCHMARK, { decision: 'approve', signedAt: AT })).toEqual({
      decision: 'approve',
      signedAt: AT,
      signature: 'ZNgxdo+R8W2GRJKXBwrm5vca916rHi13SruBUsTEzs4P3OX9ZyCSYQLHoi9XV0qIqZH2IvVOuL/y9JultogUCg==',
    });
  });

  it('takes signedAt as an ISO 8601 instant within 5 minutes', () => {
    const now = Date.parse(AT);
    expect(signedAtProblem(AT, now)).toBeUndefined();
    expect(signedAtProblem('2027-03-14T11:34:59+02:00', now)).toBeUndefined();
    expect(signedAtProblem('2027-03-14T09:35:01Z', now)).toMatch(/more than 5 minutes/);
    expect(signedAtProblem('2027-03-14T09:30:00', now)).toMatch(/ISO 8601/);
    expect(signedAtProblem(1773480600000, now)).toMatch(/ISO 8601/);
  });
});

describe('StatementRules', () => {
  const key = generateKeyPairSync('ed25519').privateKey;
  const other = generateKeyPairSync('ed25519').privateKey;

  it('accepts unsigned sign-offs before a key, and only signed ones after', () => {
    const rules = new StatementRules();
    expect(rules.check('benchmark_signoff', MONITOR, { occurredAt: AT, refs: { benchmarkId: BENCHMARK }, details: { decision: 'approve' } })).toBeUndefined();
    expect(rules.check('signing_key_registered', MONITOR, registration(MONITOR, key))).toBeUndefined();
    expect(rules.check('benchmark_signoff', MONITOR, signedSignoff(key))).toBeUndefined();
    expect(rules.check('benchmark_signoff', MONITOR, { occurredAt: AT, refs: { benchmarkId: BENCHMARK }, details: { decision: 'approve' } })).toMatch(/missing/);
    // Another principal's sign-offs are not its business.
    expect(rules.check('benchmark_signoff', OTHER, { occurredAt: AT, refs: { benchmarkId: BENCHMARK }, details: { decision: 'approve' } })).toBeUndefined();
  });

  it('refuses a statement before any key, a second key, a key registered for someone else or twice', () => {
    const rules = new StatementRules();
    expect(rules.check('benchmark_signoff', MONITOR, signedSignoff(key))).toMatch(/registered no signing key/);
    expect(rules.check('signing_key_registered', MONITOR, registration(MONITOR, key, OTHER))).toMatch(/its own principal/);
    expect(rules.check('signing_key_registered', null, registration(MONITOR, key))).toMatch(/its own principal/);
    expect(rules.check('signing_key_registered', MONITOR, registration(MONITOR, key))).toBeUndefined();
    expect(rules.check('signing_key_registered', MONITOR, registration(MONITOR, other))).toMatch(/second signing key/);
    expect(rules.check('signing_key_registered', OTHER, registration(OTHER, key))).toMatch(/already principal/);
    const bad = registration(OTHER, other);
    expect(rules.check('signing_key_registered', OTHER, { ...bad, details: { ...bad.details, keyId: '0'.repeat(64) } })).toMatch(/keyId/);
  });

  it('ties the statement to the transaction: action, target, fields, time, canonical text', () => {
    const rules = new StatementRules();
    rules.check('signing_key_registered', MONITOR, registration(MONITOR, key));
    const good = signedSignoff(key, { decision: 'approve', evidence: 'photos', signedAt: AT });
    expect(rules.check('benchmark_signoff', MONITOR, good)).toBeUndefined();
    expect(rules.check('benchmark_signoff', MONITOR, { ...good, details: { ...good.details, evidence: 'other' } })).toMatch(/evidence differs/);
    expect(rules.check('benchmark_signoff', MONITOR, { ...good, refs: { benchmarkId: OTHER } })).toMatch(/targetId/);
    expect(rules.check('benchmark_signoff', MONITOR, { ...good, occurredAt: '2027-03-14T09:35:01.000Z' })).toMatch(/within 5 minutes/);
    const spaced = good.details.statement.replace('{', '{ ');
    const resigned = sign(null, statementMessage(spaced), key).toString('base64');
    expect(rules.check('benchmark_signoff', MONITOR, { ...good, details: { ...good.details, statement: spaced, signature: resigned } })).toMatch(/canonical/);
    // A kind not listed as signed is still checked when it carries a statement.
    const approval = signStatement(key, 'release.approve', OTHER, { signedAt: AT });
    const statement = statementText('release.approve', OTHER, { signedAt: AT });
    const details = { statement, signature: approval.signature, signingKeyId: signingKeyId(rawEd25519PublicKey(key)) };
    expect(rules.check('some_future_kind', MONITOR, { occurredAt: AT, refs: { releaseRequestId: OTHER }, details })).toBeUndefined();
    expect(rules.check('some_future_kind', MONITOR, { occurredAt: AT, refs: { releaseRequestId: BENCHMARK }, details })).toMatch(/targetId/);
  });
});

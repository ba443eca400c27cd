import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { JournalItemLike, verifyInspectionCommitments } from '../../src/oversight/inspections/inspection-commitments';
import { finding } from '../support/oversight';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, deposit, readJournal, readyTranche } from '../support/workflow';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('snap inspections', () => {
  let t: TestApp;
  let cast: Cast;
  let inspector: TestPrincipal;
  let escrowId: string;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    inspector = cast.monitors[0];
    escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '100000.00');
  });
  afterAll(() => t.close());

  const journal = async () => (await readJournal(t, cast.auditor)) as unknown as JournalItemLike[];
  const schedule = (by: TestPrincipal, body: object) => t.http().post('/v1/inspections').set(by.auth).send({ assignedMonitorId: inspector.id, dueBy: inDays(7), ...body });
  const look = (id: string, who: TestPrincipal) => t.http().get(`/v1/inspections/${id}`).set(who.auth);
  const report = (id: string, who: TestPrincipal, body: object = {}) => t.http().post(`/v1/inspections/${id}/findings`).set(who.auth).send({ outcome: 'satisfactory', comment: 'all in order', ...body });

  it('an unannounced inspection: seen only by admins and its monitor until the finding, committed in the journal, revealed with the finding', async () => {
    const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '10.00', recipientOrganizationId: cast.recipientId });
    const created = (await schedule(cast.monitors[1], { scope: 'tranche', trancheId }).expect(201)).body;
    expect(created).toMatchObject({ scope: 'tranche', trancheId, announced: false, status: 'scheduled', revealed: null, commitment: expect.stringMatching(/^[0-9a-f]{64}$/) });

    expect([(await look(created.id, cast.admin)).status, (await look(created.id, inspector)).status]).toEqual([200, 200]);
    expect([(await look(created.id, cast.monitors[1])).status, (await look(created.id, cast.auditor)).status, (await look(created.id, cast.donorA)).status]).toEqual([404, 404, 403]);
    const listed = async (who: TestPrincipal) => (await t.http().get('/v1/inspections').set(who.auth).expect(200)).body.map((i: { id: string }) => i.id);
    expect(await listed(inspector)).toContain(created.id);
    expect(await listed(cast.monitors[1])).not.toContain(created.id);

    const scheduled = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'inspection_scheduled' && i.body.refs.inspectionId === created.id)!;
    expect(scheduled.body).toMatchObject({ escrowAccountId: null, refs: { inspectionId: created.id }, details: { commitment: created.commitment, announced: false } });
    expect(JSON.stringify(scheduled)).not.toContain(trancheId);
    expect(JSON.stringify(scheduled)).not.toContain(inspector.id);

    expect((await report(created.id, cast.monitors[1])).status).toBe(404);
    expect((await report(created.id, cast.admin)).status).toBe(403);
    const done = (await report(created.id, inspector).expect(201)).body;
    expect(done).toMatchObject({ status: 'completed', outcome: 'satisfactory', caseId: null });
    expect(done.revealed).toEqual({ id: created.id, scope: 'tranche', ids: { trancheId }, assignedMonitorId: inspector.id, dueBy: created.dueBy, nonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(sha256(canonicalJson(done.revealed)).toString('hex')).toBe(created.commitment);
    expect((await look(created.id, cast.auditor)).status).toBe(200);
    expect((await report(created.id, inspector)).body.code).toBe('INVALID_STATE');

    const items = await journal();
    expect(verifyInspectionCommitments(items)).toMatchObject({ ok: true, problems: [] });
    // Anyone changing the reveal is caught: by the commitment, and by the body's own hash.
    const findingAt = items.findIndex((i) => i.kind === 'inspection_finding' && (i.body as { refs: { inspectionId: string } }).refs.inspectionId === created.id);
    const forged = structuredClone(items);
    (forged[findingAt].body as { details: { revealed: { ids: { trancheId: string } } } }).details.revealed.ids.trancheId = escrowId;
    expect(verifyInspectionCommitments(forged).problems).toEqual([{ seq: items[findingAt].seq, problem: 'the body does not hash to its contentHash' }]);
    delete forged[findingAt].contentHash;
    expect(verifyInspectionCommitments(forged).problems[0].problem).toMatch(/does not match the commitment/);
  });

  it('an announced inspection is visible to every monitor and auditor from the start; evidence cited at scheduling is journaled with the finding', async () => {
    const tip = (await t.http().post('/v1/evidence').set(cast.admin.auth).attach('file', Buffer.from(`tip ${Math.random()}\n`), 'tip.txt').expect(201)).body.sha256;
    expect((await schedule(cast.admin, { scope: 'escrow_account', escrowAccountId: escrowId, evidenceFiles: ['e'.repeat(64)] })).status).toBe(400);
    const created = (await schedule(cast.admin, { scope: 'escrow_account', escrowAccountId: escrowId, announced: true, evidenceFiles: [tip] }).expect(201)).body;
    expect([(await look(created.id, cast.monitors[2])).status, (await look(created.id, cast.auditor)).status]).toEqual([200, 200]);
    const scheduled = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'inspection_scheduled' && i.body.refs.inspectionId === created.id)!;
    expect(JSON.stringify(scheduled)).not.toContain(tip);
    expect((await report(created.id, inspector).expect(201)).body.evidenceFiles).toEqual([tip]);
    const found = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'inspection_finding' && i.body.refs.inspectionId === created.id)!;
    expect(found.body.details).toMatchObject({ evidenceFiles: [], scheduledEvidenceFiles: [tip] });
  });

  it('a violation finding opens a case on the same scope with this monitor’s verify as its first finding', async () => {
    const trancheId = await readyTranche(t, cast, escrowId, '25.00');
    const created = (await schedule(cast.admin, { scope: 'tranche', trancheId }).expect(201)).body;
    const photo = (await t.http().post('/v1/evidence').set(inspector.auth).attach('file', Buffer.from('%PDF-1.4\nsite report\n'), 'site.pdf').expect(201)).body.sha256;
    const done = (await report(created.id, inspector, { outcome: 'violation', comment: 'Half the pipes were never laid', evidenceFiles: [photo] }).expect(201)).body;
    expect(done.caseId).toEqual(expect.any(String));
    const opened = (await t.http().get(`/v1/violation-cases/${done.caseId}`).set(cast.auditor.auth).expect(200)).body;
    expect(opened).toMatchObject({ scope: 'tranche', trancheId, status: 'alleged', inspectionId: created.id, verifications: 1, evidenceFiles: [photo] });
    expect(opened.findings).toEqual([expect.objectContaining({ principalId: inspector.id, decision: 'verify', evidenceFiles: [photo], counts: true })]);
    expect((await finding(t, cast.monitors[1], done.caseId, 'verify').expect(201)).body.status).toBe('verified');
    expect((await t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({})).body.code).toBe('VIOLATION_VERIFIED');
  });

  it('draws distinct tranches weighted by money at risk; the draw’s last finding reveals the seed, and the draw re-runs from the journal alone', async () => {
    const released = await readyTranche(t, cast, escrowId, '5000.00');
    const request = (await t.http().post(`/v1/tranches/${released}/release-requests`).set(cast.admin.auth).send({}).expect(201)).body.id;
    await t.http().post(`/v1/release-requests/${request}/approve`).set(cast.checker.auth).send({}).expect(200);
    const cancelled = await allocate(t, cast.donorA, escrowId, { amount: '9000.00', recipientOrganizationId: cast.recipientId });
    await t.http().post(`/v1/tranches/${cancelled}/cancel`).set(cast.admin.auth).send({ reason: 'duplicate' }).expect(200);
    for (const amount of ['40000.00', '1.00', '2.50']) await allocate(t, cast.donorA, escrowId, { amount, recipientOrganizationId: cast.recipientId });

    const drawn = (await t.http().post('/v1/inspections/draw').set(cast.admin.auth).send({ count: 3, assignedMonitorIds: [inspector.id, cast.monitors[2].id] }).expect(201)).body;
    expect(drawn).toHaveLength(3);
    expect(new Set(drawn.map((i: { trancheId: string }) => i.trancheId)).size).toBe(3);
    expect(drawn.map((i: { assignedMonitorId: string }) => i.assignedMonitorId)).toEqual([inspector.id, cast.monitors[2].id, inspector.id]);
    const draw = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'inspections_drawn')!;
    const population = draw.body.details.population as { trancheId: string; weight: string }[];
    expect(population.map((c) => c.trancheId)).not.toContain(released);
    expect(population.map((c) => c.trancheId)).not.toContain(cancelled);
    expect(population.map((c) => c.trancheId)).toEqual([...population.map((c) => c.trancheId)].sort());
    expect(population.map((c) => c.weight)).toContain('40000.00');
    expect(draw.body.details.inspectionIds).toEqual(drawn.map((i: { id: string }) => i.id));
    expect(JSON.stringify(draw.body)).not.toMatch(/"seed"/);

    const findings = [];
    for (const inspection of drawn) {
      const monitor = [inspector, cast.monitors[2]].find((m) => m.id === inspection.assignedMonitorId)!;
      await report(inspection.id, monitor).expect(201);
      findings.push((await readJournal(t, cast.auditor)).filter((i) => i.kind === 'inspection_finding').pop()!);
      const check = verifyInspectionCommitments(await journal());
      expect(check).toMatchObject({ ok: true, drawsRevealed: findings.length === drawn.length ? 1 : 0 });
    }
    expect(findings.map((f) => f.body.details.draw === undefined)).toEqual([true, true, false]);

    // The CLI checks an export offline; a doctored population is caught.
    const dir = mkdtempSync(join(tmpdir(), 'inspections-verify-'));
    const exported = (await t.http().get('/v1/ledger/export?format=ndjson').set(cast.auditor.auth).expect(200)).text;
    const cli = (file: string) => spawnSync(process.execPath, [resolve(__dirname, '../../dist/cli.js'), 'inspections:verify', '--export', file], { encoding: 'utf8' });
    writeFileSync(join(dir, 'journal.ndjson'), exported);
    const good = cli(join(dir, 'journal.ndjson'));
    expect({ status: good.status, report: JSON.parse(good.stdout) }).toMatchObject({ status: 0, report: { ok: true, drawsRevealed: 1 } });
    // Drop the first drawn tranche from the recorded population: the re-run cannot give it to anyone.
    const doctored = exported
      .split('\n')
      .map((line) => {
        if (!line.includes('"inspections_drawn"')) return line;
        const item = JSON.parse(line);
        item.body.details.population = item.body.details.population.filter((c: { trancheId: string }) => c.trancheId !== drawn[0].trancheId);
        delete item.contentHash;
        return JSON.stringify(item);
      })
      .join('\n');
    writeFileSync(join(dir, 'doctored.ndjson'), doctored);
    const bad = cli(join(dir, 'doctored.ndjson'));
    expect({ status: bad.status, ok: JSON.parse(bad.stdout).ok }).toEqual({ status: 1, ok: false });
    expect(JSON.parse(bad.stdout).problems[0].problem).toContain(`inspection ${drawn[0].id} is pick 0`);
  });

  it('refuses a schedule that is not one, naming the field', async () => {
    const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '1.00', recipientOrganizationId: cast.recipientId });
    const attempts: [object, number, string][] = [
      [{ scope: 'tranche', trancheId, dueBy: new Date(Date.now() - 1000).toISOString() }, 400, 'dueBy'],
      [{ scope: 'tranche', trancheId, dueBy: 'next week' }, 400, 'dueBy'],
      [{ scope: 'tranche', trancheId, assignedMonitorId: cast.donorA.id }, 400, 'assignedMonitorId'],
      [{ scope: 'tranche', trancheId: '00000000-0000-4000-8000-000000000000' }, 404, 'trancheId'],
      [{ scope: 'tranche', escrowAccountId: escrowId }, 400, 'trancheId'],
    ];
    for (const [body, status, field] of attempts) {
      const res = await schedule(cast.admin, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(JSON.stringify(res.body)).toContain(field);
    }
    const noMonitors = await t.http().post('/v1/inspections/draw').set(cast.admin.auth).send({ count: 1, assignedMonitorIds: [cast.auditor.id] });
    expect(noMonitors.status).toBe(400);
  });
});

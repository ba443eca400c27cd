import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../common/access/principal';
import { Forbidden, InvalidInput, InvalidState, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { EscrowScope } from '../../escrow/holds/escrow-scope';
import { EscrowScopeReader } from '../../escrow/holds/escrow-scope-reader';
import { EvidenceService } from '../../evidence/evidence.service';
import { LedgerService } from '../../ledger/ledger.service';
import { StatementsService } from '../../statements/statements.service';
import { CasesService } from '../cases/cases.service';
import { scopeFromInput } from '../scope-input';
import { commitmentOf, sha256Hex } from './commitment';
import { DrawInspectionsDto, InspectionFindingDto, ScheduleInspectionDto } from './dto/schedule-inspection.dto';
import { InspectionView, preimageOf, toInspectionView } from './inspection-view';
import { InspectionRecord, InspectionsRepository } from './inspections.repository';
import { canonicalPopulation, drawWeighted } from './weighted-draw';

const DEFAULT_DRAW_DUE_MS = 14 * 24 * 3600 * 1000;

interface NewInspection {
  id: string;
  scope: EscrowScope;
  assignedMonitorId: string;
  dueBy: string;
  announced: boolean;
  drawId: string | null;
  drawIndex: number | null;
  evidenceFiles: readonly string[];
}

/**
 * Snap inspections. At scheduling the journal gets only a commitment (commitment.ts): the
 * target and the monitor stay hidden from everyone reading the journal until the finding reveals
 * them; an unannounced inspection is not even shown through the API, except to admins and the
 * assigned monitor. A draw commits to its seed and records its population, so anyone can re-run it
 * once the seed is revealed (with the draw's last finding).
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly db: Database,
    private readonly inspections: InspectionsRepository,
    private readonly scopes: EscrowScopeReader,
    private readonly evidence: EvidenceService,
    private readonly cases: CasesService,
    private readonly identities: AuthService,
    private readonly ledger: LedgerService,
    private readonly statements: StatementsService,
  ) {}

  async schedule(dto: ScheduleInspectionDto, actor: Principal): Promise<InspectionView> {
    const scope = scopeFromInput(dto);
    await this.scopes.assertExists(this.db.writer, scope);
    await this.assertMonitors(this.db.writer, [dto.assignedMonitorId], 'assignedMonitorId');
    const evidenceFiles = await this.evidence.assertStored(this.db.writer, dto.evidenceFiles);
    const inspection = await this.create(
      { id: randomUUID(), scope, assignedMonitorId: dto.assignedMonitorId, dueBy: futureInstant(dto.dueBy, 'dueBy'), announced: dto.announced ?? false, drawId: null, drawIndex: null, evidenceFiles },
      actor,
    );
    return toInspectionView(inspection);
  }

  /** Distinct tranches, weighted by the money they have at risk, from a committed seed. */
  async draw(dto: DrawInspectionsDto, admin: Principal): Promise<InspectionView[]> {
    const db = this.db.writer;
    await this.assertMonitors(db, dto.assignedMonitorIds, 'assignedMonitorIds');
    const dueBy = dto.dueBy ? futureInstant(dto.dueBy, 'dueBy') : new Date(Date.now() + DEFAULT_DRAW_DUE_MS).toISOString();
    const population = canonicalPopulation((await this.scopes.openTranches(db)).map((t) => ({ trancheId: t.id, weight: t.unreleased })));
    if (population.length === 0) throw new InvalidState('no tranche has money allocated and not released: there is nothing to draw from');
    const seed = randomBytes(32);
    const drawId = randomUUID();
    const picks = drawWeighted(seed, population, dto.count);
    const inspectionIds = picks.map(() => randomUUID());
    await this.inspections.insertDraw(db, { id: drawId, seed, drawnBy: admin.id });
    await this.ledger.post(db, {
      kind: 'inspections_drawn',
      actorPrincipalId: admin.id,
      refs: { drawId },
      details: { seedCommitment: sha256Hex(seed), population: population.map((c) => ({ ...c })), requested: dto.count, inspectionIds },
    });
    const drawn: InspectionView[] = [];
    for (const [index, trancheId] of picks.entries()) {
      const inspection = await this.create(
        {
          id: inspectionIds[index],
          scope: { scope: 'tranche', trancheId },
          assignedMonitorId: dto.assignedMonitorIds[index % dto.assignedMonitorIds.length],
          dueBy,
          announced: dto.announced ?? false,
          drawId,
          drawIndex: index,
          evidenceFiles: [],
        },
        admin,
      );
      drawn.push(toInspectionView(inspection));
    }
    return drawn;
  }

  async get(id: string, viewer: Principal): Promise<InspectionView> {
    return toInspectionView(await this.visible(this.db.reader, id, viewer));
  }

  async list(viewer: Principal): Promise<InspectionView[]> {
    return (await this.inspections.visibleTo(this.db.reader, viewer.id, viewer.role === 'admin')).map((i) => toInspectionView(i));
  }

  /**
   * The assigned monitor's finding: reveals the commitment's preimage (and, with a draw's last
   * finding, its seed); a `violation` opens a case with this monitor's verify as its first finding.
   */
  async finding(id: string, dto: InspectionFindingDto, monitor: Principal): Promise<InspectionView> {
    const db = this.db.writer;
    const inspection = await this.visible(db, id, monitor, true);
    if (inspection.assignedMonitorId !== monitor.id) throw new Forbidden('only the monitor assigned to this inspection records its finding');
    if (inspection.completedAt) throw new InvalidState(`this inspection already has its finding (${inspection.outcome})`);
    const signed = await this.statements.verifyStatement(monitor, 'inspection.finding', id, dto);
    const evidenceFiles = await this.evidence.assertStored(db, dto.evidenceFiles);
    const revealsSeed = inspection.drawId !== null && (await this.inspections.lockDrawIsLast(db, inspection.drawId, id));
    const caseId = dto.outcome === 'violation' ? randomUUID() : null;
    await this.ledger.post(db, {
      kind: 'inspection_finding',
      actorPrincipalId: monitor.id,
      escrowAccountId: await this.scopes.escrowAccountOf(db, inspection.scope),
      refs: { inspectionId: id, ...(caseId ? { caseId } : {}), ...(inspection.drawId ? { drawId: inspection.drawId } : {}) },
      details: {
        outcome: dto.outcome,
        comment: dto.comment,
        evidenceFiles: [...evidenceFiles],
        scheduledEvidenceFiles: [...inspection.evidenceFiles],
        revealed: { ...preimageOf(inspection), ids: { ...preimageOf(inspection).ids } },
        ...(revealsSeed ? { draw: { drawId: inspection.drawId!, seed: inspection.drawSeed!.toString('hex') } } : {}),
        ...signed,
      },
    });
    if (caseId) {
      await this.cases.openFromInspection(
        { id: caseId, scope: inspection.scope, allegation: `Inspection ${id} found a violation: ${dto.comment}`, reportIds: [], evidenceFiles, inspectionId: id },
        monitor,
        dto.comment,
      );
    }
    const allFiles = [...new Set([...inspection.evidenceFiles, ...evidenceFiles])];
    await this.inspections.complete(db, id, { outcome: dto.outcome, comment: dto.comment, evidenceFiles: allFiles, caseId });
    return this.get(id, monitor);
  }

  private async create(i: NewInspection, actor: Principal): Promise<InspectionRecord> {
    const db = this.db.writer;
    const nonce = randomBytes(16).toString('hex');
    const commitment = commitmentOf(preimageOf({ ...i, dueBy: new Date(i.dueBy), nonce }));
    await this.inspections.insert(db, { ...i, nonce, commitment, scheduledBy: actor.id });
    // Nothing that names the target or the monitor: the commitment stands for them until the finding.
    await this.ledger.post(db, {
      kind: 'inspection_scheduled',
      actorPrincipalId: actor.id,
      refs: { inspectionId: i.id, ...(i.drawId ? { drawId: i.drawId } : {}) },
      details: { commitment, announced: i.announced },
    });
    return (await this.inspections.find(db, i.id))!;
  }

  /** Unannounced and without a finding: only admins and the assigned monitor know it exists (404 to anyone else). */
  private async visible(db: EntityManager, id: string, viewer: Principal, lock = false): Promise<InspectionRecord> {
    const inspection = await this.inspections.find(db, id, lock);
    const sees = inspection && (viewer.role === 'admin' || inspection.announced || inspection.completedAt !== null || inspection.assignedMonitorId === viewer.id);
    if (!sees) throw new NotFound('inspection', id);
    return inspection;
  }

  /** Active principals of monitor organizations, else 400 naming the field. */
  private async assertMonitors(db: EntityManager, ids: readonly string[], field: string): Promise<void> {
    const standings = await this.identities.standings(db, ids);
    const wrong = ids.filter((id) => {
      const standing = standings.get(id);
      return !standing || !standing.active || standing.organizationType !== 'monitor';
    });
    if (wrong.length > 0) throw new InvalidInput(field, `must name active monitors; not: ${wrong.join(', ')}`);
  }
}

/** An ISO 8601 instant in the future, normalized as toISOString() writes it (what the commitment hashes). */
function futureInstant(text: string, field: string): string {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new InvalidInput(field, 'must be an ISO 8601 instant');
  if (at.getTime() <= Date.now()) throw new InvalidInput(field, 'must be in the future');
  return at.toISOString();
}

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { GovernanceService } from '../../src/auth/governance.service';
import { Role } from '../../src/common/access/principal';
import { AppConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';
import { SealerService } from '../../src/ledger/sealer.service';
import { createTestDatabase } from './database';
import { checkedAgent, servedContract } from './openapi-agent';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  dataSource: DataSource;
  /** Requests whose answers are checked against the OpenAPI document (openapi-agent.ts). */
  http: () => request.Agent;
  /** Creates a principal (and its organization when named anew) and returns its key. */
  principal(role: Role, organization?: string): Promise<TestPrincipal>;
  /** Seals until every committed journal transaction is chained; returns how many were. */
  seal(): Promise<number>;
  close(): Promise<void>;
}

export interface TestPrincipal {
  id: string;
  organizationId: string;
  role: Role;
  apiKey: string;
  auth: { Authorization: string };
}

let counter = 0;

/** The real application on its own fresh database. The sealer runs only when asked. */
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const url = overrides.DATABASE_URL ?? (await createTestDatabase());
  const config = Object.assign(new AppConfig(), {
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    SEALER_INTERVAL_MS: 0,
    DB_POOL_SIZE: 10,
    ...overrides,
  });
  const app = await createApp(config);
  const server = app.getHttpServer();
  const contract = servedContract(server);
  return {
    app,
    url,
    dataSource: app.get(DataSource),
    http: () => checkedAgent(server, contract),
    async principal(role, organization) {
      const name = organization ?? `${role} org ${++counter} ${Math.random().toString(36).slice(2, 8)}`;
      const issued = await app
        .get(Database)
        .transaction(() => app.get(GovernanceService).bootstrap(`${role} ${++counter}`, role, name));
      return {
        id: issued.id,
        organizationId: issued.organizationId,
        role,
        apiKey: issued.apiKey,
        auth: { Authorization: `Bearer ${issued.apiKey}` },
      };
    },
    seal: () => sealEverything(app.get(SealerService), app.get(DataSource)),
    close: () => app.close(),
  };
}

/**
 * The sealer chains only what lies below the snapshot horizon, so a transaction that is still
 * running in this database (e.g. autovacuum analysing it) can hold back one that committed
 * after it. Tests that read the chain right after a write wait for that moment to pass.
 */
async function sealEverything(sealer: SealerService, dataSource: DataSource): Promise<number> {
  let sealed = 0;
  for (const deadline = Date.now() + 10_000; ; ) {
    sealed += await sealer.sealPending();
    const [{ unsealed }] = await dataSource.query(
      `SELECT count(*)::int AS unsealed FROM journal_transactions t
        WHERE NOT EXISTS (SELECT 1 FROM journal_chain c WHERE c.transaction_seq = t.seq)`,
    );
    if (unsealed === 0 || Date.now() > deadline) return sealed;
    await new Promise((r) => setTimeout(r, 20));
  }
}

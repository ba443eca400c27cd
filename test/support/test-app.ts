import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AuthService } from '../../src/auth/auth.service';
import { Role } from '../../src/auth/principal';
import { TransactionContext } from '../../src/common/transaction/transaction-context';
import { AppConfig } from '../../src/config/app-config';
import { SealerService } from '../../src/ledger/sealer.service';
import { createTestDatabase } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  dataSource: DataSource;
  http: () => request.Agent;
  /** Creates a principal (and its organization when named anew) and returns its key. */
  principal(role: Role, organization?: string): Promise<TestPrincipal>;
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
  return {
    app,
    url,
    dataSource: app.get(DataSource),
    http: () => request.agent(server),
    async principal(role, organization) {
      const name = organization ?? `${role} org ${++counter} ${Math.random().toString(36).slice(2, 8)}`;
      const issued = await app
        .get(TransactionContext)
        .run(() => app.get(AuthService).createPrincipalInOrganizationNamed(`${role} ${++counter}`, role, name));
      return {
        id: issued.id,
        organizationId: issued.organizationId,
        role,
        apiKey: issued.apiKey,
        auth: { Authorization: `Bearer ${issued.apiKey}` },
      };
    },
    seal: () => app.get(SealerService).sealPending(),
    close: () => app.close(),
  };
}

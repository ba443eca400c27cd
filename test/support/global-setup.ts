// Runs once before all test files: a PostgreSQL (DATABASE_URL, or an embedded server in a
// temporary folder), and a template database migrated once. Each test file then gets its
// own database copied from the template (see database.ts).
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions, runMigrations } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from './processes';

export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'aid-escrow-test-'));
    chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres(dir, await freePort());
    (globalThis as Record<string, unknown>).__EMBEDDED_POSTGRES__ = embedded;
    serverUrl = embedded.url;
  }
  const template = `aid_test_tpl_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const config = Object.assign(new AppConfig(), { DATABASE_URL: url.toString(), DB_POOL_SIZE: 2 });
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();

  process.env.TEST_SERVER_URL = serverUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
  (globalThis as Record<string, unknown>).__TEST_TEMPLATE__ = { serverUrl, template };
}

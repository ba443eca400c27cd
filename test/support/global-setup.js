// Runs once before all test files: a PostgreSQL (DATABASE_URL, or an embedded server in a
// temporary folder), and a template database migrated once. Each test file then gets its
// own database copied from the template (see database.ts). Uses the build in dist/ (pretest).
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const net = require('node:net');
const { Client } = require('pg');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = async function globalSetup() {
  const { startEmbeddedPostgres } = require('../../dist/database/embedded-postgres');
  const { AppConfig } = require('../../dist/config/app-config');
  const { dataSourceOptions, runMigrations } = require('../../dist/database/data-source-options');
  const { DataSource } = require('typeorm');

  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'aid-escrow-test-'));
    const embedded = await startEmbeddedPostgres(dir, await freePort());
    globalThis.__EMBEDDED_POSTGRES__ = embedded;
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
  globalThis.__TEST_TEMPLATE__ = { serverUrl, template };
};

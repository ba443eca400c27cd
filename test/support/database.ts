import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/** The test server's URL pointing at another database. */
export function databaseUrl(database: string): string {
  const url = new URL(process.env.TEST_SERVER_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, migrated database copied from the run's template: tests never share state. */
export async function createTestDatabase(): Promise<string> {
  const template = process.env.TEST_TEMPLATE_DATABASE!;
  const name = `${template}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        // 55006: the template is briefly in use by another worker's CREATE DATABASE.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/** A raw connection as the server's superuser, for tests that must bypass the app. */
export async function superuserClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A new, empty database on the test server (dropped with the run's others at teardown). */
export async function createEmptyDatabase(): Promise<string> {
  const name = `${process.env.TEST_TEMPLATE_DATABASE!}_empty_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

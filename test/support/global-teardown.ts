import { Client } from 'pg';
import type { EmbeddedDatabase } from '../../src/database/embedded-postgres';

/** Drops this run's databases (template and per-file copies), then stops the embedded server. */
export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as { __TEST_TEMPLATE__?: { serverUrl: string; template: string }; __EMBEDDED_POSTGRES__?: EmbeddedDatabase };
  const { serverUrl, template } = globals.__TEST_TEMPLATE__ ?? {};
  if (serverUrl) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}%`]);
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
  }
  await globals.__EMBEDDED_POSTGRES__?.stop();
}

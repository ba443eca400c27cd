import 'reflect-metadata';
import { createApp } from './app.factory';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { openDatabaseServer } from './database/database-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabaseServer(config);
  const app = await createApp(Object.assign(new AppConfig(), config, { DATABASE_URL: database.url }));
  await app.listen(config.PORT, config.HOST);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    await app.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    process.exit(signal === 'SIGINT' ? 130 : 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  // Configuration errors name the variable; anything else is a start-up failure.
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});

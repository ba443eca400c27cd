import { AppConfig } from '../config/app-config';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';

/**
 * The PostgreSQL the process talks to: DATABASE_URL when set, else the embedded server in
 * DATA_DIR (started here, or shared with the process that already serves it).
 */
export async function openDatabaseServer(config: AppConfig, log?: (m: string) => void): Promise<EmbeddedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => undefined };
  return startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, log);
}

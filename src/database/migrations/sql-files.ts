import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One SQL script: its file name without `.sql` (what the migrations table records) and its text. */
export interface SqlFile {
  name: string;
  sql: string;
}

/**
 * The .sql files sit next to this module: src/database/... under ts-jest, dist/database/... once
 * built (nest-cli.json copies them as assets).
 */
const SCHEMA_DIR = join(__dirname, '..', 'schema');
const UPGRADES_DIR = join(__dirname, 'upgrades');
const BASELINE_FILE = join(__dirname, 'baseline-release-0.1.0.sql');

/** The current schema, file by file in dependency order: `NN-area.sql`. */
export function schemaFiles(): SqlFile[] {
  return numberedFiles(SCHEMA_DIR, /^(\d{2})-[a-z0-9-]+\.sql$/);
}

/** The upgrade steps from release 0.1.0, in order: `NNN-what.sql`. */
export function upgradeSteps(): SqlFile[] {
  return numberedFiles(UPGRADES_DIR, /^(\d{3})-[a-z0-9-]+\.sql$/);
}

/** What a release-0.1.0 database holds (frozen; only the equivalence test applies it). */
export function baselineSql(): string {
  return readFileSync(BASELINE_FILE, 'utf8');
}

function numberedFiles(dir: string, pattern: RegExp): SqlFile[] {
  if (!existsSync(dir)) throw new Error(`schema files missing: ${dir} (a build without the .sql assets?)`);
  const names = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const strays = names.filter((f) => !pattern.test(f));
  if (strays.length > 0) throw new Error(`${dir}: ${strays.join(', ')} not named like ${pattern.source}`);
  names.sort();
  // Two branches may each add "the next" step: their numbers collide and the order is a guess.
  const numbers = names.map((f) => pattern.exec(f)![1]);
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated) throw new Error(`${dir}: two files numbered ${repeated}; renumber one`);
  return names.map((f) => ({ name: f.slice(0, -'.sql'.length), sql: readFileSync(join(dir, f), 'utf8') }));
}

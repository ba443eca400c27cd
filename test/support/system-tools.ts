import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { IATI_SCHEMA } from './iati';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const xmllintInstalled = () => !spawnSync('xmllint', ['--version']).error;

/**
 * For tests that need a system tool beyond Node.js. In CI (.ci/run installs the tools) they
 * always run, and fail loudly if a tool is missing. On a developer's fresh machine they are
 * skipped with a note, so `npm test` works with nothing but Node.js installed.
 */
export function describeNeeding(missing: string | undefined): jest.Describe {
  if (!missing || process.env.CI) return describe;
  process.stderr.write(`skipped: needs ${missing}\n`);
  return describe.skip;
}

export const describeWithChromium = () =>
  describeNeeding(existsSync(CHROMIUM) ? undefined : `Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

export const describeWithIatiSchema = () =>
  describeNeeding(
    !xmllintInstalled()
      ? 'xmllint (apt-get install libxml2-utils)'
      : !existsSync(IATI_SCHEMA)
        ? `the IATI 2.03 schema at ${IATI_SCHEMA}`
        : undefined,
  );

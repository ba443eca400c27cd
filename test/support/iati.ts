import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The official IATI 2.03 schema: ../shared/iati-2.03 from the repository root. */
export const IATI_SCHEMA = resolve(__dirname, '../../../shared/iati-2.03/iati-activities-schema.xsd');

/** Runs xmllint (Debian package libxml2-utils; .ci/run installs it); fails loudly when missing. */
export function xmllint(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('xmllint', args, { input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`xmllint is needed for this test (apt-get install libxml2-utils): ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Validates an IATI activity document against the official schema; returns xmllint's verdict. */
export function validateIati(xml: string): { valid: boolean; errors: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'aid-escrow-iati-')), 'activities.xml');
  writeFileSync(file, xml);
  const result = xmllint(['--noout', '--schema', IATI_SCHEMA, file]);
  return { valid: result.status === 0, errors: result.stderr };
}

/** Evaluates an XPath expression over a document (xmllint --xpath). */
export function xpath(xml: string, expression: string): string {
  const result = xmllint(['--xpath', expression, '-'], xml);
  return result.status === 0 ? result.stdout.trim() : '';
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The IATI 2.03 reference data (schema, codelists, Standard Ruleset): ../shared/iati-2.03 from the
 * repository root, or AID_ESCROW_SHARED_DIR/iati-2.03 (a checkout elsewhere, e.g. a git worktree).
 */
export const IATI_DIR = resolve(process.env.AID_ESCROW_SHARED_DIR ?? resolve(__dirname, '../../../shared'), 'iati-2.03');

/** The official IATI 2.03 schema. */
export const IATI_SCHEMA = resolve(IATI_DIR, 'iati-activities-schema.xsd');

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

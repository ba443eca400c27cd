import { InvalidInput } from '../../common/errors/common-errors';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Comma-separated values of one field (a form sends a field once), each checked. */
export function list(text: string, field: string, pattern: RegExp): string[] {
  const items = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  for (const item of items) if (!pattern.test(item)) throw new InvalidInput(field, `names something that is not valid: ${item}`);
  return items;
}

/** The evidenceFiles field of a decision form: the hashes the upload form attached. */
export function evidenceField(text: string): string[] | undefined {
  const files = list(text, 'evidenceFiles', SHA256_HEX);
  return files.length > 0 ? files : undefined;
}

/** ?evidence= as a page shows it: valid hashes only (a link is not a form: nothing is refused here). */
export function evidenceQuery(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.split(',').filter((s) => SHA256_HEX.test(s)))].slice(0, 20);
}


/**
 * What no text field may carry (API.md, "Input hygiene"), found in one walk over a parsed body,
 * query or path parameter. Each rule guards something real: a lone surrogate cannot be stored
 * as sent (PostgreSQL keeps U+FFFD while the journal body keeps the original, and the two then
 * disagree); control characters forge terminal output, log lines and header-like text; a
 * bidirectional override shows a reader other text than the one stored.
 */

/** Fields that may hold several lines of prose: the only ones where \n and \t are allowed. */
export const FREE_TEXT_FIELDS = new Set(['description', 'evidence', 'comment', 'details', 'text', 'allegation', 'summary']);

/** Fields that must say something: empty or only whitespace is no name, reason or description. */
const MEANINGFUL_FIELDS = new Set(['name', 'reason', 'description']);

// C0 and C1 controls and DEL; \t and \n are judged apart.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LINE_OR_TAB = /[\t\n]/;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

export interface TextProblem {
  field: string;
  problem: string;
}

/** The first problem in `value` (a body, a query object, a parameter), its field named by path. */
export function findTextProblem(value: unknown, path = ''): TextProblem | undefined {
  if (typeof value === 'string') return stringProblem(value, path);
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    const keyProblem = stringProblem(key, field, 'its name');
    if (keyProblem) return keyProblem;
    if (MEANINGFUL_FIELDS.has(key) && typeof child === 'string' && child.trim() === '') {
      return { field, problem: 'must not be empty or only whitespace' };
    }
    const found = findTextProblem(child, field);
    if (found) return found;
  }
  return undefined;
}

function stringProblem(text: string, field: string, what = 'it'): TextProblem | undefined {
  const name = field || 'body';
  if (!text.isWellFormed()) return { field: name, problem: `must be well-formed Unicode: ${what} holds a lone UTF-16 surrogate` };
  if (CONTROL.test(text)) return { field: name, problem: `must not contain control characters (${what} holds one)` };
  if (LINE_OR_TAB.test(text) && !(what === 'it' && FREE_TEXT_FIELDS.has(topField(name)))) {
    return { field: name, problem: 'must be a single line without tabs (only description, evidence, comment, details and text may hold several)' };
  }
  if (BIDI.test(text)) return { field: name, problem: `must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)` };
  return undefined;
}

/** `details.note` is free text because `details` is. */
function topField(path: string): string {
  return path.split('.')[0];
}

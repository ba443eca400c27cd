import { DOMParser } from '@xmldom/xmldom';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as xpath from 'xpath';
import { IATI_DIR } from './iati';
import { Decimal } from '../../src/common/money/money';
import { codelist } from './iati-codelists';

/**
 * The IATI Standard Ruleset (IATI/IATI-Rulesets, rulesets/standard.json for 2.03), applied the
 * way the IATI Validator applies it (IATI/js-validator-api, services/rulesValidator.js): every
 * context XPath selects elements, each rule kind's cases are evaluated on each of them with
 * XPath 1.0 (the `xpath` package over @xmldom/xmldom). Two deliberate differences, both
 * stricter: if_then's XPath results are converted with XPath's boolean() (the Validator treats an
 * empty node-set as true, so 3.7.1 could never fail), and sums are exact decimals.
 *
 * Identifier conditions: the Validator skips some identifier rules for organisation
 * identifiers found in the IATI Registry's publisher list. That list is not here, so no
 * identifier is "existing" and those rules always apply (again the stricter reading).
 */
export const RULESET_PATH = resolve(IATI_DIR, 'rulesets/standard.json');

export interface RuleInfo {
  id: string;
  severity: 'error' | 'warning' | string;
  category: string;
  message: string;
}

interface RuleCase {
  ruleInfo?: RuleInfo;
  paths?: string[];
  condition?: string;
  idCondition?: 'NOT_EXISTING_ORG_ID' | 'NOT_EXISTING_ORG_ID_PREFIX';
  prefix?: string[];
  separator?: string;
  one?: string;
  all?: string;
  date?: string;
  less?: string;
  more?: string;
  start?: string;
  end?: string;
  regex?: string;
  sum?: number;
  min?: number;
  max?: number;
  if?: string;
  then?: string;
  foreach?: string;
  do?: Record<string, { cases: RuleCase[] }>;
  subs?: string[];
}

type Ruleset = Record<string, Record<string, { cases: RuleCase[] }>>;

export interface RuleOutcome {
  rule: string;
  id: string;
  severity: string;
  message: string;
  /** The iati-identifier of the activity (or organisation) the context element is in. */
  activity: string;
  context: string;
  /** false: failed; true: passed; 'not applicable': a condition or missing input skipped it. */
  result: boolean | 'not applicable';
}

const select = xpath.useNamespaces({ xml: 'http://www.w3.org/XML/1998/namespace' });

/** The kinds this evaluator knows; a ruleset using another one fails loudly rather than passing. */
export const RULE_KINDS = [
  'atleast_one', 'no_more_than_one', 'unique', 'one_or_all', 'sum', 'strict_sum', 'date_order', 'date_now',
  'between_dates', 'time_limit', 'regex_matches', 'regex_no_matches', 'startswith', 'if_then', 'range',
  'no_spaces', 'loop',
] as const;

export function loadRuleset(path = RULESET_PATH): Ruleset {
  return JSON.parse(readFileSync(path, 'utf8')) as Ruleset;
}

/** Applies every rule of `ruleset` to the document; one outcome per (context element, case). */
export function applyRuleset(xml: string, ruleset: Ruleset = loadRuleset()): RuleOutcome[] {
  const document = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Node;
  const orgIdPrefixes = new Set(codelist('OrganisationRegistrationAgency').keys());
  const outcomes: RuleOutcome[] = [];
  for (const [contextPath, rules] of Object.entries(ruleset)) {
    for (const element of nodes(contextPath, document)) {
      const activity = text(select('string(ancestor-or-self::iati-activity/iati-identifier | ancestor-or-self::iati-organisation/organisation-identifier)', element, true));
      for (const [rule, { cases }] of Object.entries(rules)) {
        for (const oneCase of cases) {
          const expanded = rule === 'loop' ? loopCases(oneCase, element) : [{ rule, oneCase }];
          for (const { rule: kind, oneCase: c } of expanded) {
            const info = c.ruleInfo ?? { id: '?', severity: '?', category: '?', message: '?' };
            outcomes.push({
              rule: kind,
              id: info.id,
              severity: info.severity,
              message: info.message,
              activity,
              context: contextPath,
              result: evaluate(kind, c, element, orgIdPrefixes),
            });
          }
        }
      }
    }
  }
  return outcomes;
}

/** A loop's sub-cases, once per distinct value its `foreach` selects, with $1 replaced in its `subs`. */
function loopCases(loop: RuleCase, element: Node): { rule: string; oneCase: RuleCase }[] {
  const values = [...new Set(nodes(loop.foreach!, element).map(valueOf))];
  const out: { rule: string; oneCase: RuleCase }[] = [];
  for (const [rule, { cases }] of Object.entries(loop.do ?? {})) {
    for (const subCase of cases) {
      for (const value of values) {
        const replaced: RuleCase = { ...subCase };
        for (const key of loop.subs ?? []) {
          const field = subCase[key as keyof RuleCase];
          const sub = (s: string) => s.replace(/\$1/g, value);
          if (typeof field === 'string') (replaced as Record<string, unknown>)[key] = sub(field);
          else if (Array.isArray(field)) (replaced as Record<string, unknown>)[key] = (field as string[]).map(sub);
        }
        out.push({ rule, oneCase: replaced });
      }
    }
  }
  return out;
}

function evaluate(rule: string, c: RuleCase, element: Node, orgIdPrefixes: ReadonlySet<string>): boolean | 'not applicable' {
  if (c.condition !== undefined && !booleanOf(select(c.condition, element))) return 'not applicable';
  const matches = (c.paths ?? []).flatMap((path) => nodes(path, element));
  const texts = matches.map(valueOf);
  // With no registry of existing identifiers, every identifier counts as "not existing".
  if (c.idCondition !== undefined && !['NOT_EXISTING_ORG_ID', 'NOT_EXISTING_ORG_ID_PREFIX'].includes(c.idCondition)) {
    throw new Error(`unknown idCondition ${c.idCondition}`);
  }
  switch (rule) {
    case 'atleast_one':
      return matches.length >= 1;
    case 'no_more_than_one':
      return matches.length <= 1;
    case 'unique':
      return new Set(texts).size === texts.length;
    case 'one_or_all':
      return oneOrAll(c, element);
    case 'sum':
      return matches.length === 0 || exactSum(texts).equals(c.sum!);
    case 'strict_sum':
      return exactSum(texts).equals(c.sum!);
    case 'date_order': {
      const less = dateOf(c.less!, element);
      const more = dateOf(c.more!, element);
      return less === null || more === null ? 'not applicable' : less.getTime() <= more.getTime();
    }
    case 'date_now': {
      const date = dateOf(c.date!, element);
      return date === null ? 'not applicable' : date.getTime() <= Date.now();
    }
    case 'between_dates': {
      const [date, start, end] = [dateOf(c.date!, element), dateOf(c.start!, element), dateOf(c.end!, element)];
      if (date === null || start === null || end === null) return 'not applicable';
      return start.getTime() <= date.getTime() && date.getTime() <= end.getTime();
    }
    case 'time_limit': {
      const [start, end] = [dateOf(c.start!, element), dateOf(c.end!, element)];
      if (start === null || end === null) return 'not applicable';
      // date-fns differenceInDays: whole days, truncated.
      return Math.trunc((end.getTime() - start.getTime()) / 86_400_000) <= 365;
    }
    case 'regex_matches':
    case 'regex_no_matches': {
      const pattern = new RegExp(c.regex!);
      return texts.every((t) => t === '' || pattern.test(t) === (rule === 'regex_matches'));
    }
    case 'startswith': {
      if (c.prefix!.length === 1 && c.prefix![0] === 'ORG-ID-PREFIX') {
        return texts.every((t) => orgIdPrefixes.has(t.split('-').slice(0, 2).join('-')));
      }
      const prefixes = c.prefix!.flatMap((path) => nodes(path, element)).map(valueOf);
      return texts.every((t) => prefixes.some((p) => t.startsWith(p + (c.separator ?? ''))));
    }
    case 'if_then':
      return !booleanOf(select(c.if!, element)) || booleanOf(select(c.then!, element));
    case 'range':
      return texts.every((t) => {
        const value = Number(t);
        return (c.min ?? value) <= value && value <= (c.max ?? value);
      });
    case 'no_spaces':
      return texts.every((t) => t === t.trim());
    default:
      throw new Error(`rule kind ${rule} is not implemented`);
  }
}

function oneOrAll(c: RuleCase, element: Node): boolean {
  if (nodes(c.one!, element).length > 0) return true;
  switch (c.all) {
    case 'lang':
      return nodes('descendant::narrative', element).every((n) => nodes('@xml:lang', n).length > 0);
    case 'sector':
      return nodes('transaction', element).every((t) => nodes('sector', t).length > 0);
    case 'currency':
      return ['value', 'forecast', 'loan-status'].every((name) => nodes(`descendant::${name}`, element).every((v) => nodes('@currency', v).length > 0));
    default:
      throw new Error(`one_or_all over ${c.all} is not implemented`);
  }
}

function exactSum(texts: string[]): Decimal {
  return texts.reduce((sum, t) => sum.plus(new Decimal(t.trim() === '' ? NaN : t)), new Decimal(0));
}

/** The first node's value as a date (as the Validator: `new Date(text)`), or NOW. */
function dateOf(path: string, element: Node): Date | null {
  if (path === 'NOW') return new Date();
  const [first] = nodes(path, element);
  if (!first) return null;
  const value = valueOf(first);
  const date = new Date(value);
  return value === '' || Number.isNaN(date.getTime()) ? null : date;
}

function nodes(expression: string, context: Node): Node[] {
  const result = select(expression, context);
  if (!Array.isArray(result)) throw new Error(`${expression} selects no node-set`);
  return result as Node[];
}

/** XPath 1.0 boolean(): a node-set is true when it is not empty. */
function booleanOf(value: xpath.SelectReturnType): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return Boolean(value);
}

function valueOf(node: Node): string {
  return (xpath.isAttribute(node) ? node.value : node.textContent) ?? '';
}

function text(value: xpath.SelectSingleReturnType): string {
  return typeof value === 'string' ? value : '';
}

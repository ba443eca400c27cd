import { DOMParser } from '@xmldom/xmldom';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as xpath from 'xpath';
import { IATI_DIR } from './iati';

/** The IATI 2.03 codelists and mapping.xml. */
export const CODELISTS_DIR = resolve(IATI_DIR, 'codelists');

const select = xpath.useNamespaces({ xml: 'http://www.w3.org/XML/1998/namespace' });
const cache = new Map<string, Map<string, 'active' | 'withdrawn'>>();

function parse(xml: string): Node {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Node;
}

function nodes(expression: string, context: Node): Node[] {
  return select(expression, context) as Node[];
}

function valueOf(node: Node): string {
  return (xpath.isAttribute(node) ? node.value : node.textContent) ?? '';
}

/** A codelist's codes with their status (an item without a status is active). */
export function codelist(name: string): Map<string, 'active' | 'withdrawn'> {
  let codes = cache.get(name);
  if (!codes) {
    const document = parse(readFileSync(resolve(CODELISTS_DIR, `${name}.xml`), 'utf8'));
    codes = new Map(
      nodes('//codelist-item', document).map((item) => [
        valueOf(nodes('code', item)[0]).trim(),
        select('string(@status)', item) === 'withdrawn' ? 'withdrawn' : 'active',
      ]),
    );
    cache.set(name, codes);
  }
  return codes;
}

export interface Mapping {
  path: string;
  codelist: string;
  /** An XPath evaluated on the element holding the attribute (or text): the mapping applies when true. */
  condition?: string;
}

export function mappings(): Mapping[] {
  const document = parse(readFileSync(resolve(CODELISTS_DIR, 'mapping.xml'), 'utf8'));
  return nodes('/mappings/mapping', document).map((m) => {
    const condition = nodes('condition', m)[0];
    return {
      path: valueOf(nodes('path', m)[0]).trim(),
      codelist: valueOf(nodes('codelist/@ref', m)[0]),
      ...(condition ? { condition: valueOf(condition).trim() } : {}),
    };
  });
}

export interface CodeUse {
  path: string;
  codelist: string;
  code: string;
  /** in: an active code of the list; withdrawn: in it, but withdrawn; missing: not in it. */
  verdict: 'in' | 'withdrawn' | 'missing';
}

/**
 * Every code the document uses where mapping.xml names a codelist, with its verdict. A mapping
 * with a condition (sector codes per vocabulary…) applies where the condition holds on the
 * element that carries the code.
 */
export function codesInDocument(xml: string): CodeUse[] {
  const document = parse(xml);
  const uses: CodeUse[] = [];
  for (const mapping of mappings()) {
    for (const node of nodes(mapping.path, document)) {
      const owner = xpath.isAttribute(node) ? node.ownerElement! : node.parentNode!;
      if (mapping.condition && !select(`boolean(${mapping.condition})`, owner)) continue;
      const code = valueOf(node).trim();
      const status = codelist(mapping.codelist).get(code);
      uses.push({ path: mapping.path, codelist: mapping.codelist, code, verdict: status === undefined ? 'missing' : status === 'active' ? 'in' : 'withdrawn' });
    }
  }
  return uses;
}

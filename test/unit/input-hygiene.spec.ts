import fc from 'fast-check';
import { firstDuplicateKey } from '../../src/common/validation/duplicate-keys';
import { findTextProblem } from '../../src/common/validation/text-hygiene';
import { requestIdFor } from '../../src/http/request-id';

describe('firstDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"c":{"d":1},"b":2}}', 'a.b'],
    ['{"list":[{"x":1},{"y":1,"y":2}]}', 'list.1.y'],
    ['{"\\u0061":1,"a":2}', 'a'], // the same key, escaped once
    ['{"k":"\\"a\\":1","a":1,"k":2}', 'k'],
  ])('finds %s', (text, path) => {
    expect(firstDuplicateKey(text)).toBe(path);
  });

  it.each(['{"a":1,"b":{"a":1}}', '[{"a":1},{"a":2}]', '{"a":"a","b":"a"}', '{}', '[]', '"a"', '{"a":[1,2,{"a":3}]}'])('finds nothing in %s', (text) => {
    expect(firstDuplicateKey(text)).toBeUndefined();
  });

  it('agrees with JSON.parse on any JSON without duplicates: never a false alarm', () => {
    fc.assert(fc.property(fc.json(), (text) => expect(firstDuplicateKey(text)).toBeUndefined()));
  });
});

describe('findTextProblem', () => {
  it('names the field at its path', () => {
    expect(findTextProblem({ a: { b: ['ok', 'x\u202e'] } })).toEqual({ field: 'a.b.1', problem: expect.stringContaining('bidirectional') });
    expect(findTextProblem({ ['bad\u0007key']: 1 })).toEqual({ field: 'bad\u0007key', problem: expect.stringContaining('control') });
  });

  it('allows \\n and \\t in free text only, and nothing else of control', () => {
    expect(findTextProblem({ description: 'a\n\tb', details: { note: 'x\ny' } })).toBeUndefined();
    expect(findTextProblem({ reference: 'a\nb' })?.field).toBe('reference');
    expect(findTextProblem({ description: 'a\rb' })?.field).toBe('description');
  });

  it('wants a name, reason or description to say something', () => {
    expect(findTextProblem({ reason: ' \u00a0 ' })?.field).toBe('reason');
    expect(findTextProblem({ reference: ' ' })).toBeUndefined();
  });

  it('passes any well-formed text without controls or bidi characters', () => {
    const clean = fc.string({ unit: 'grapheme' }).filter((s) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s) && s.trim() !== '');
    fc.assert(fc.property(clean, (s) => expect(findTextProblem({ name: s, comment: s })).toBeUndefined()));
  });
});

describe('requestIdFor', () => {
  const of = (value?: string | string[]) => requestIdFor({ headers: value === undefined ? {} : { 'x-request-id': value } });
  it('keeps a safe incoming id and replaces anything that could forge a log line', () => {
    expect(of('trace-42.a_b')).toBe('trace-42.a_b');
    expect(of('x'.repeat(64))).toBe('x'.repeat(64));
    for (const forged of ['x'.repeat(65), 'forged"},"level":60,"msg":"admin deleted', 'a b', 'a\nb', '', undefined, ['a', 'b']]) {
      expect(of(forged as string)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

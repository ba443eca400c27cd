import { createHash } from 'node:crypto';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { chainHash, GENESIS_HASH } from '../../src/ledger/chain-link';

describe('canonical JSON (RFC 8785) and hashes', () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    // RFC 8785 §3.2.3: by UTF-16 code units, so "€" (0x20ac) sorts before "😀" (0xd83d 0xde00).
    expect(canonicalJson({ '\u{1F600}': 1, '\u20ac': 2, '\r': 3, '1': 4 })).toBe('{"\\r":3,"1":4,"€":2,"😀":1}');
  });

  it('serializes numbers the ECMAScript way and escapes only what JSON needs', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 100])).toBe('[1e+21,1e-7,0,0.1,100]');
    expect(canonicalJson({ s: 'é"\\\u0007/' })).toBe('{"s":"é\\"\\\\\\u0007/"}');
  });

  it('matches the RFC 8785 sample', () => {
    const sample = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(sample)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses values without a JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('gives the same text, and so the same hash, whatever the key order', () => {
    const a = canonicalJson({ id: 'x', postings: [{ amount: '1.00', account: 'a' }], kind: 'deposit' });
    const b = canonicalJson({ kind: 'deposit', postings: [{ account: 'a', amount: '1.00' }], id: 'x' });
    expect(a).toBe(b);
    expect(sha256(a).equals(sha256(b))).toBe(true);
  });

  it('hashes with SHA-256 over the concatenated parts', () => {
    expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('ab', 'c').equals(sha256('abc'))).toBe(true);
  });

  it('links the chain as SHA-256(prev_hash || content_hash), starting from 32 zero bytes', () => {
    expect(GENESIS_HASH).toEqual(Buffer.alloc(32));
    const content = sha256('{"a":1}');
    const expected = createHash('sha256').update(Buffer.concat([GENESIS_HASH, content])).digest();
    expect(chainHash(GENESIS_HASH, content).equals(expected)).toBe(true);
    expect(chainHash(expected, content).equals(expected)).toBe(false);
  });
});

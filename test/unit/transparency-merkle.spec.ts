import fc from 'fast-check';
import {
  consistencyProof,
  consistencyRanges,
  EMPTY_ROOT,
  inclusionProof,
  inclusionRanges,
  leafHash,
  nodeHash,
  PerfectSubtree,
  rangeHashes,
  rootFromInclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/tlog/merkle';

const hex = (s: string) => Buffer.from(s, 'hex');
const hexes = (list: Buffer[]) => list.map((b) => b.toString('hex'));

// The reference test data of RFC 6962's implementations (certificate-transparency, and
// transparency-dev/merkle testonly/constants.go): leaf inputs d0..d7 and known hashes.
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const LEAVES = LEAF_INPUTS.map(leafHash);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Node names of RFC 6962 §2.1.3's 7-leaf example tree (a..f, j are leaves d0..d6).
const N = {
  b: '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  c: '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  d: '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  f: '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  g: 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  h: '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  i: '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  j: 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  k: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  l: '837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e',
};

/** Proofs built the way the service builds them: ranges first, then perfect subtrees. */
function proofFromRanges(ranges: ReturnType<typeof inclusionRanges>, leaves: Buffer[]): Buffer[] {
  const subtree = ({ level, index }: PerfectSubtree) => rootOf(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  return rangeHashes(ranges, subtree);
}

describe('Merkle tree (RFC 9162 §2.1) against the reference test vectors', () => {
  it('computes the root of every prefix of the 8 reference leaves', () => {
    for (let size = 0; size <= 8; size++) expect(rootOf(LEAVES.slice(0, size)).toString('hex')).toBe(ROOTS[size]);
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
  });

  it('hashes leaves and nodes with the 0x00 / 0x01 domain prefixes', () => {
    expect(LEAVES[1].toString('hex')).toBe(N.b);
    expect(nodeHash(hex(N.k), hex(N.l)).toString('hex')).toBe(ROOTS[7]);
    expect(nodeHash(hex(N.i), hex(N.j)).toString('hex')).toBe(N.l);
  });

  describe('the 7-leaf tree of RFC 6962 §2.1.3', () => {
    const seven = LEAVES.slice(0, 7);
    const root7 = hex(ROOTS[7]);

    it.each([
      [0, [N.b, N.h, N.l]],
      [3, [N.c, N.g, N.l]],
      [4, [N.f, N.j, N.k]],
      [6, [N.i, N.k]],
    ])('inclusion proof of d%i', (index, expected) => {
      expect(hexes(inclusionProof(index, seven))).toEqual(expected);
      expect(hexes(proofFromRanges(inclusionRanges(index, 7), seven))).toEqual(expected);
      expect(verifyInclusion(index, 7, seven[index], expected.map(hex), root7)).toBe(true);
    });

    it.each([
      [3, [N.c, N.d, N.g, N.l]],
      [4, [N.l]],
      [6, [N.i, N.j, N.k]],
    ])('consistency proof from size %i to 7', (from, expected) => {
      expect(hexes(consistencyProof(from, seven))).toEqual(expected);
      expect(hexes(proofFromRanges(consistencyRanges(from, 7), seven))).toEqual(expected);
      expect(verifyConsistency(from, 7, hex(ROOTS[from]), root7, expected.map(hex))).toBe(true);
    });
  });

  // transparency-dev/merkle proof/verify_test.go (leaf indexes there are 1-based).
  it.each([
    [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  ])('reference inclusion vector: leaf %i of %i', (index, size, expected) => {
    const leaves = LEAVES.slice(0, size);
    expect(hexes(proofFromRanges(inclusionRanges(index, size), leaves))).toEqual(expected);
    expect(verifyInclusion(index, size, leaves[index], expected.map(hex), hex(ROOTS[size]))).toBe(true);
  });

  it.each([
    [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  ])('reference consistency vector: %i to %i', (from, to, expected) => {
    const leaves = LEAVES.slice(0, to);
    expect(hexes(proofFromRanges(consistencyRanges(from, to), leaves))).toEqual(expected);
    expect(verifyConsistency(from, to, hex(ROOTS[from]), hex(ROOTS[to]), expected.map(hex))).toBe(true);
  });

  it('rejects the corruptions the reference verifier tests reject', () => {
    const path = [N.b, N.h, N.l].map(hex);
    const root = hex(ROOTS[7]);
    const leaf = LEAVES[0];
    expect(verifyInclusion(1, 7, leaf, path, root)).toBe(false); // wrong index
    expect(verifyInclusion(0, 14, leaf, path, root)).toBe(false); // wrong size
    expect(verifyInclusion(0, 3, leaf, path, root)).toBe(false);
    expect(verifyInclusion(0, 7, LEAVES[1], path, root)).toBe(false); // wrong leaf
    expect(verifyInclusion(0, 7, leaf, path, EMPTY_ROOT)).toBe(false); // wrong root
    expect(verifyInclusion(0, 7, leaf, [...path, root], root)).toBe(false); // trailing element
    expect(verifyInclusion(0, 7, leaf, [root, ...path], root)).toBe(false); // preceding element
    expect(verifyInclusion(0, 7, leaf, path.slice(0, 2), root)).toBe(false); // removed element
    expect(verifyInclusion(7, 7, leaf, path, root)).toBe(false); // index out of range
    expect(rootFromInclusionProof(0, 0, leaf, [])).toBeUndefined();

    const cpath = [N.c, N.d, N.g, N.l].map(hex);
    const root3 = hex(ROOTS[3]);
    expect(verifyConsistency(3, 7, root3, root, cpath)).toBe(true);
    expect(verifyConsistency(2, 7, root3, root, cpath)).toBe(false);
    expect(verifyConsistency(4, 7, root3, root, cpath)).toBe(false);
    expect(verifyConsistency(3, 7, root, root3, cpath)).toBe(false); // swapped roots
    expect(verifyConsistency(3, 7, root3, root, [])).toBe(false);
    expect(verifyConsistency(3, 7, root3, root, cpath.slice(0, 3))).toBe(false);
    expect(verifyConsistency(3, 7, root3, root, [...cpath, root])).toBe(false);
    expect(verifyConsistency(7, 3, root, root3, cpath)).toBe(false); // time travel
    expect(verifyConsistency(7, 7, root, root, [])).toBe(true);
    expect(verifyConsistency(7, 7, root, root3, [])).toBe(false);
    expect(verifyConsistency(7, 7, root, root, [root])).toBe(false);
  });
});

describe('Merkle proofs over random trees (property tests)', () => {
  const leafList = (max: number) =>
    fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: max }).map((list) => list.map((b) => leafHash(Buffer.from(b))));
  const flipBit = (buf: Buffer, bit: number) => {
    const copy = Buffer.from(buf);
    copy[Math.floor(bit / 8) % 32] ^= 1 << bit % 8;
    return copy;
  };

  it('every inclusion proof verifies and equals the RFC definition; a changed leaf, path or root fails', () => {
    fc.assert(
      fc.property(leafList(70), fc.nat(), fc.nat(255), (leaves, pick, bit) => {
        const size = leaves.length;
        const index = pick % size;
        const root = rootOf(leaves);
        const path = proofFromRanges(inclusionRanges(index, size), leaves);
        expect(hexes(path)).toEqual(hexes(inclusionProof(index, leaves)));
        expect(verifyInclusion(index, size, leaves[index], path, root)).toBe(true);
        expect(verifyInclusion(index, size, flipBit(leaves[index], bit), path, root)).toBe(false);
        expect(verifyInclusion(index, size, leaves[index], path, flipBit(root, bit))).toBe(false);
        if (path.length > 0) {
          const tampered = [...path];
          tampered[bit % path.length] = flipBit(tampered[bit % path.length], bit);
          expect(verifyInclusion(index, size, leaves[index], tampered, root)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies and equals the RFC definition; a changed leaf or root fails', () => {
    fc.assert(
      fc.property(leafList(70), fc.nat(), fc.nat(255), (leaves, pick, bit) => {
        const to = leaves.length;
        const from = 1 + (pick % to);
        const fromRoot = rootOf(leaves.slice(0, from));
        const toRoot = rootOf(leaves);
        const path = proofFromRanges(consistencyRanges(from, to), leaves);
        expect(hexes(path)).toEqual(hexes(consistencyProof(from, leaves)));
        expect(verifyConsistency(from, to, fromRoot, toRoot, path)).toBe(true);
        expect(verifyConsistency(from, to, flipBit(fromRoot, bit), toRoot, path)).toBe(false);
        expect(verifyConsistency(from, to, fromRoot, flipBit(toRoot, bit), path)).toBe(false);
        if (from < to) {
          // History rewritten: a leaf of the old tree changed, so the old root differs.
          const rewritten = [...leaves];
          rewritten[bit % from] = flipBit(rewritten[bit % from], bit);
          const newPath = proofFromRanges(consistencyRanges(from, to), rewritten);
          expect(verifyConsistency(from, to, fromRoot, rootOf(rewritten), newPath)).toBe(false);
          const tampered = [...path];
          tampered[bit % path.length] = flipBit(tampered[bit % path.length], bit);
          expect(verifyConsistency(from, to, fromRoot, toRoot, tampered)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

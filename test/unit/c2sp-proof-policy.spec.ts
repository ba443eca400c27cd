import { createHash, generateKeyPairSync } from 'node:crypto';
import { inclusionProof, leafHash, rootOf } from '../../src/tlog/merkle';
import { signCheckpoint } from '../../src/tlog/c2sp/checkpoint';
import { ed25519Cosigner, mergeCosignatures } from '../../src/tlog/c2sp/cosignature';
import { FormatError } from '../../src/tlog/c2sp/encoding';
import { ed25519NoteSigner, NoteVerificationError, parseNote } from '../../src/tlog/c2sp/signed-note';
import { formatPolicy, parsePolicy, PolicyError, quorumSatisfied, thresholdPolicy, verifyCheckpoint } from '../../src/tlog/c2sp/tlog-policy';
import { formatTlogProof, InclusionProofError, parseTlogProof, TLOG_PROOF_HEADER, verifyTlogProof } from '../../src/tlog/c2sp/tlog-proof';
import { cosignerVerifierFromKey } from '../../src/tlog/c2sp/verifier-keys';

const newKey = () => generateKeyPairSync('ed25519').privateKey;
const ORIGIN = 'example.org/ledger';

/** A log of `size` leaves (each the hash of a made-up transaction), its key, and three witnesses. */
function fixture(size = 11) {
  const leaves = Array.from({ length: size }, (_, i) => leafHash(createHash('sha256').update(`tx ${i}`).digest()));
  const log = ed25519NoteSigner(ORIGIN, newKey());
  const witnesses = ['w1.example', 'w2.example', 'w3.example'].map((name) => ed25519Cosigner(name, newKey()));
  const signed = signCheckpoint({ origin: ORIGIN, size, rootHash: rootOf(leaves), extensions: [] }, log);
  const text = parseNote(signed).text;
  const cosignedBy = (...indexes: number[]) =>
    mergeCosignatures(signed, indexes.map((i) => witnesses[i].cosign(text)), witnesses.map((w) => cosignerVerifierFromKey(w.vkey)));
  return { leaves, log, witnesses, signed, cosignedBy };
}

describe('C2SP tlog-proof', () => {
  it('formats the spec\'s layout and parses it back', () => {
    const { leaves, cosignedBy } = fixture();
    const checkpoint = cosignedBy(0, 1);
    const path = inclusionProof(6, leaves);
    const text = formatTlogProof({ index: 6, inclusionProof: path, checkpoint, extra: Buffer.from('age-v1.2.1') });
    expect(text).toBe(
      [TLOG_PROOF_HEADER, `extra ${Buffer.from('age-v1.2.1').toString('base64')}`, 'index 6', ...path.map((h) => h.toString('base64')), ''].join('\n') + '\n' + checkpoint,
    );
    expect(parseTlogProof(text)).toEqual({ extra: Buffer.from('age-v1.2.1'), index: 6, inclusionProof: path, checkpoint, parsedCheckpoint: expect.objectContaining({ size: 11 }) });
    // Without extra, and for a one-leaf tree (no proof lines at all).
    const single = fixture(1);
    const bare = formatTlogProof({ index: 0, inclusionProof: [], checkpoint: single.signed });
    expect(bare.startsWith(`${TLOG_PROOF_HEADER}\nindex 0\n\n`)).toBe(true);
    expect(parseTlogProof(bare).inclusionProof).toEqual([]);
  });

  it('verifies offline: log signature, witness quorum, then the inclusion of the leaf', () => {
    const { leaves, log, witnesses, cosignedBy } = fixture();
    const policy = thresholdPolicy(log.vkey, witnesses.map((w) => ({ vkey: w.vkey })), 2);
    const proof = (index: number, checkpoint: string) => formatTlogProof({ index, inclusionProof: inclusionProof(index, leaves), checkpoint });

    const verified = verifyTlogProof(proof(6, cosignedBy(0, 2)), leaves[6], policy);
    expect(verified.index).toBe(6);
    expect(verified.checkpoint.size).toBe(11);
    expect(verified.cosignatures.map((c) => c.witness)).toEqual(['w1.example', 'w3.example']);

    expect(() => verifyTlogProof(proof(6, cosignedBy(0, 2)), leaves[5], policy)).toThrow(InclusionProofError); // another leaf
    expect(() => verifyTlogProof(proof(6, cosignedBy(1)), leaves[6], policy)).toThrow(PolicyError); // one witness of two
    const otherLog = thresholdPolicy(ed25519NoteSigner(ORIGIN, newKey()).vkey, witnesses.map((w) => ({ vkey: w.vkey })), 2);
    expect(() => verifyTlogProof(proof(6, cosignedBy(0, 1)), leaves[6], otherLog)).toThrow(NoteVerificationError);
    // An index the path does not belong to.
    const moved = proof(6, cosignedBy(0, 1)).replace('index 6\n', 'index 7\n');
    expect(() => verifyTlogProof(moved, leaves[6], policy)).toThrow(InclusionProofError);
  });

  it('rejects malformed proofs', () => {
    const { leaves, signed } = fixture();
    const good = formatTlogProof({ index: 3, inclusionProof: inclusionProof(3, leaves), checkpoint: signed });
    const bad = [
      good.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'),
      good.replace('index 3', 'index 03'),
      good.replace('index 3', 'index  3'),
      good.replace('index 3', 'index 11'), // not below the tree size
      good.replace('index 3\n', 'index 3\nextra AAAA\n'), // extra after the index
      good.replace('index 3\n', 'index 3\n!!!!\n'),
      good.replace('index 3\n', `index 3\n${Buffer.alloc(31).toString('base64')}\n`),
      good.replace(`\n\n${ORIGIN}`, `\n${ORIGIN}`), // no blank line before the checkpoint
      good.slice(0, good.indexOf(ORIGIN)), // no checkpoint
      good.replace(`${ORIGIN}\n11\n`, `${ORIGIN}\n011\n`), // a malformed checkpoint
    ];
    for (const text of bad) expect(() => parseTlogProof(text)).toThrow(FormatError);
  });
});

describe('C2SP tlog-policy', () => {
  it('parses the spec\'s two-level example and evaluates its quorum', () => {
    const { log } = fixture(1);
    const keys = Array.from({ length: 6 }, (_, i) => ed25519Cosigner(`w${i}.example`, newKey()).vkey);
    const text = `# two organizations, two of X and one of Y
log ${log.vkey} https://ledger.example.org

witness X1 ${keys[0]}
witness X2 ${keys[1]}
 witness X3\t${keys[2]}
group X-witnesses 2 X1 X2 X3

witness Y1 ${keys[3]}
witness Y2 ${keys[4]}
witness Y3 ${keys[5]} https://y3.example/
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
`;
    const policy = parsePolicy(text);
    expect(policy.logs[0].url).toBe('https://ledger.example.org');
    expect(policy.witnesses.map((w) => w.name)).toEqual(['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3']);
    const met = (...names: string[]) => quorumSatisfied(policy, new Set(names));
    expect(met('X1', 'X3', 'Y2')).toBe(true);
    expect(met('X1', 'X2', 'X3')).toBe(false);
    expect(met('X1', 'Y1', 'Y2', 'Y3')).toBe(false);
    expect(formatPolicy(parsePolicy(formatPolicy(policy)))).toBe(formatPolicy(policy));
    expect(formatPolicy(policy)).toContain(`group X-witnesses 2 X1 X2 X3\ngroup Y-witnesses any Y1 Y2 Y3\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n`);
  });

  it('rejects what the spec forbids', () => {
    const { log } = fixture(1);
    const [a, b] = [ed25519Cosigner('a.example', newKey()).vkey, ed25519Cosigner('b.example', newKey()).vkey];
    const bad = [
      `log ${log.vkey}\n`, // no quorum
      `witness A ${a}\nquorum A\nquorum A\n`, // two quorum lines
      `quorum A\nwitness A ${a}\n`, // quorum before its name
      `witness A ${a}\ngroup G 1 A B\nquorum G\n`, // unknown member
      `witness A ${a}\ngroup G 1 A A\nquorum G\n`, // member twice
      `witness A ${a}\ngroup G 2 A\nquorum G\n`, // k > n
      `witness A ${a}\ngroup G 0 A\nquorum G\n`, // k = 0
      `witness A ${a}\nwitness A ${b}\nquorum A\n`, // name twice
      `witness A ${a}\nwitness B ${a}\nquorum A\n`, // key twice
      `witness none ${a}\nquorum none\n`, // predefined name
      `witness A ${log.vkey}\nquorum A\n`, // a log key as a witness key
      `log ${a}\nquorum none\n`, // a witness key as a log key
      `witness A ${a}\ngroup G any none\nquorum G\n`,
      `witness A ${a}\r\nquorum A\n`,
      `monitor A ${a}\nquorum none\n`,
    ];
    for (const text of bad) expect(() => parsePolicy(text)).toThrow(FormatError);
    expect(quorumSatisfied(parsePolicy('quorum none\n'), new Set())).toBe(true);
  });

  it('builds the k-of-n policy of WITNESS_QUORUM and checks checkpoints with it', () => {
    const { log, witnesses, signed, cosignedBy } = fixture();
    const list = witnesses.map((w) => ({ vkey: w.vkey }));
    expect(verifyCheckpoint(signed, thresholdPolicy(log.vkey, list, 0)).cosignatures).toEqual([]);
    expect(() => verifyCheckpoint(signed, thresholdPolicy(log.vkey, list, 1))).toThrow(PolicyError);
    expect(verifyCheckpoint(cosignedBy(2), thresholdPolicy(log.vkey, list, 1)).cosignatures.map((c) => c.name)).toEqual(['w3.example']);
    expect(verifyCheckpoint(cosignedBy(0, 1, 2), thresholdPolicy(log.vkey, list, 3)).cosignatures).toHaveLength(3);
    expect(verifyCheckpoint(cosignedBy(0), thresholdPolicy(log.vkey, [list[0]], 1)).cosignatures).toHaveLength(1);
    expect(() => thresholdPolicy(log.vkey, list, 4)).toThrow(PolicyError);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { EMPTY_ROOT } from '../../src/tlog/merkle';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../src/tlog/c2sp/checkpoint';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  cosignatureVerifier,
  ed25519Cosigner,
  formatSignatureLines,
  mergeCosignatures,
  verifiedCosignatures,
} from '../../src/tlog/c2sp/cosignature';
import { FormatError } from '../../src/tlog/c2sp/encoding';
import { ed25519NoteSigner, ed25519NoteVerifier, formatNote, NoteVerificationError, openNote, parseNote, parseSignatureLine } from '../../src/tlog/c2sp/signed-note';
import { cosignerVerifierFromKey, logVerifierFromKey } from '../../src/tlog/c2sp/verifier-keys';

// The checkpoint of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature, with its cosignature.
const SPEC_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIGNATURE = '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';

const newKey = () => generateKeyPairSync('ed25519').privateKey;
const root = (byte: number) => Buffer.alloc(32, byte);

describe('C2SP tlog-checkpoint', () => {
  it('reads and writes the spec\'s example byte for byte', () => {
    const checkpoint = parseCheckpoint(SPEC_TEXT);
    expect(checkpoint).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(SPEC_TEXT);
    const extended = { ...checkpoint, extensions: ['ext one', 'ext two'] };
    expect(parseCheckpoint(formatCheckpoint(extended))).toEqual(extended);
    expect(parseCheckpoint(formatCheckpoint({ origin: 'o', size: 0, rootHash: EMPTY_ROOT, extensions: [] })).size).toBe(0);
  });

  it('rejects malformed checkpoints', () => {
    const [origin, size, hash] = SPEC_TEXT.split('\n');
    const bad = [
      `${origin}\n${size}\n`, // two lines
      `${origin}\n${size}\n${hash}`, // no final newline
      `\n${size}\n${hash}\n`, // empty origin
      `${origin}\n020852163\n${hash}\n`, // leading zero
      `${origin}\n-1\n${hash}\n`,
      `${origin}\n+5\n${hash}\n`,
      `${origin}\n1e3\n${hash}\n`,
      `${origin}\n 5\n${hash}\n`,
      `${origin}\n9007199254740992\n${hash}\n`, // 2^53: beyond what this implementation counts
      `${origin}\n${size}\n${hash.slice(0, -1)}\n`, // not base64
      `${origin}\n${size}\n${Buffer.alloc(31).toString('base64')}\n`, // 31 bytes
      `${origin}\n${size}\n${Buffer.from(hash, 'base64').toString('hex')}\n`, // hex
      `${origin}\n${size}\n${hash}\n\n`, // empty extension line
    ];
    for (const text of bad) expect(() => parseCheckpoint(text)).toThrow(FormatError);
    expect(() => formatCheckpoint({ origin: '', size: 1, rootHash: root(1), extensions: [] })).toThrow(FormatError);
    expect(() => formatCheckpoint({ origin: 'o\nx', size: 1, rootHash: root(1), extensions: [] })).toThrow(FormatError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root(1), extensions: [] })).toThrow(FormatError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root(1), extensions: [''] })).toThrow(FormatError);
  });

  it('opens a checkpoint signed by a log key named as its origin, and no other', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const note = signCheckpoint({ origin: 'example.org/log', size: 3, rootHash: root(3), extensions: [] }, log);
    const verifier = logVerifierFromKey(log.vkey);
    expect(openCheckpoint(note, [verifier]).checkpoint.size).toBe(3);

    // The same key under another name signing another origin's checkpoint does not count.
    const misnamed = ed25519NoteSigner('example.org/other', newKey());
    const foreign = signCheckpoint({ origin: 'example.org/log', size: 3, rootHash: root(3), extensions: [] }, misnamed);
    expect(() => openCheckpoint(foreign, [logVerifierFromKey(misnamed.vkey)])).toThrow(NoteVerificationError);
    expect(() => openCheckpoint(note.replace('\n3\n', '\n4\n'), [verifier])).toThrow(NoteVerificationError);
  });
});

describe('C2SP tlog-cosignature (cosignature/v1, Ed25519)', () => {
  it('signs the message of the spec: header, time line, then the checkpoint text', () => {
    expect(cosignatureMessage(SPEC_TEXT, 1679315147).toString()).toBe(`cosignature/v1\ntime 1679315147\n${SPEC_TEXT}`);
    // The spec's example cosignature carries that timestamp, after its key ID.
    expect(cosignatureTimestamp(parseSignatureLine(SPEC_COSIGNATURE))).toBe(1679315147);
    // And transparency-dev/formats' test vector.
    expect(cosignatureTimestamp(parseSignatureLine('— w ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=='))).toBe(1727964367);
  });

  it('derives its key ID with the type byte 0x04: the same key as a note key has another ID', () => {
    const key = newKey();
    const cosigner = ed25519Cosigner('witness.example/w1', key);
    const asNoteKey = ed25519NoteSigner('witness.example/w1', key);
    expect(cosigner.keyId).not.toBe(asNoteKey.keyId);
    expect(cosignerVerifierFromKey(cosigner.vkey).keyId).toBe(cosigner.keyId);
    expect(() => cosignerVerifierFromKey(asNoteKey.vkey)).toThrow('type 0x04');
    expect(() => logVerifierFromKey(cosigner.vkey)).toThrow('type 0x01');
  });

  it('produces cosignatures that verify with the vkey, carry the timestamp, and cover every line', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const witness = ed25519Cosigner('witness.example/w1', newKey(), () => 1_700_000_000);
    const note = signCheckpoint({ origin: 'example.org/log', size: 5, rootHash: root(5), extensions: ['ext'] }, log);
    const text = parseNote(note).text;
    const cosignature = witness.cosign(text);
    expect(cosignature.signature).toHaveLength(8 + 64);
    expect(cosignatureTimestamp(cosignature)).toBe(1_700_000_000);
    expect(witness.cosign(text, 42).signature.readBigUInt64BE(0)).toBe(42n);

    const cosigned = mergeCosignatures(note, [cosignature], [cosignerVerifierFromKey(witness.vkey)]);
    expect(verifiedCosignatures(cosigned, [cosignerVerifierFromKey(witness.vkey)])).toEqual([{ name: witness.name, keyId: witness.keyId, timestamp: 1_700_000_000 }]);
    // The log's key still verifies the log's signature: cosignatures are just more lines.
    expect(openNote(cosigned, [ed25519NoteVerifier(log.name, log.publicKey)]).unverified).toHaveLength(1);

    const verifier = cosignatureVerifier(witness.name, witness.publicKey);
    const sig = cosignature.signature;
    expect(verifier.verify(Buffer.from(text), sig)).toBe(true);
    expect(verifier.verify(Buffer.from(text.replace('ext', 'exu')), sig)).toBe(false); // extension lines are signed
    const otherTime = Buffer.from(sig);
    otherTime.writeBigUInt64BE(1_700_000_001n);
    expect(verifier.verify(Buffer.from(text), otherTime)).toBe(false); // so is the timestamp
    const huge = Buffer.from(sig);
    huge.writeBigUInt64BE(2n ** 63n);
    expect(verifier.verify(Buffer.from(text), huge)).toBe(false);
    expect(verifier.verify(Buffer.from(text), sig.subarray(0, 71))).toBe(false);
    // A plain Ed25519 signature over the checkpoint is not a cosignature.
    expect(verifier.verify(Buffer.from(text), log.sign(Buffer.from(text)))).toBe(false);
    expect(() => witness.cosign('not a checkpoint\n')).toThrow(FormatError);
  });

  it('merges only cosignatures of trusted cosigners that verify, replacing a cosigner\'s older one', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    let now = 1000;
    const w1 = ed25519Cosigner('w1.example', newKey(), () => now);
    const w2 = ed25519Cosigner('w2.example', newKey(), () => now);
    const stranger = ed25519Cosigner('w3.example', newKey(), () => now);
    const trusted = [cosignerVerifierFromKey(w1.vkey), cosignerVerifierFromKey(w2.vkey)];
    const note = signCheckpoint({ origin: 'example.org/log', size: 7, rootHash: root(7), extensions: [] }, log);
    const text = parseNote(note).text;
    const forged = { ...w2.cosign(text), signature: Buffer.concat([Buffer.alloc(8, 0), Buffer.alloc(64, 1)]) };

    const merged = mergeCosignatures(note, [w1.cosign(text), forged, stranger.cosign(text)], trusted);
    expect(parseNote(merged).signatures.map((s) => s.name)).toEqual(['example.org/log', 'w1.example']);

    now = 2000;
    const lines = formatSignatureLines([w1.cosign(text), w2.cosign(text)]);
    const again = mergeCosignatures(merged, lines, trusted);
    expect(verifiedCosignatures(again, trusted).map((c) => [c.name, c.timestamp])).toEqual([['w1.example', 2000], ['w2.example', 2000]]);
    expect(parseNote(again).signatures).toHaveLength(3);

    // A bad cosignature by a trusted cosigner inside a note rejects the note.
    const tampered = formatNote({ text, signatures: [...parseNote(note).signatures, forged] });
    expect(() => verifiedCosignatures(tampered, trusted)).toThrow(NoteVerificationError);
  });
});

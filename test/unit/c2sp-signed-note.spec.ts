import { generateKeyPairSync } from 'node:crypto';
import { FormatError } from '../../src/tlog/c2sp/encoding';
import {
  computeKeyId,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  MAX_SIGNATURES,
  NoteVerificationError,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/tlog/c2sp/signed-note';
import { verifierFromKey } from '../../src/tlog/c2sp/verifier-keys';

// c2sp.org/signed-note's example, and the one in golang.org/x/mod/sumdb/note's documentation.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const newKey = () => generateKeyPairSync('ed25519').privateKey;

function parsesAsNote(note: string | Buffer): boolean {
  try {
    parseNote(note);
    return true;
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return false;
  }
}

describe('C2SP signed-note', () => {
  it('verifies the spec\'s and Go\'s example notes with their vkeys', () => {
    expect(openNote(SPEC_NOTE, [verifierFromKey(SPEC_VKEY)])).toEqual({
      text: 'This is an example message.\n',
      verified: [expect.objectContaining({ name: 'example.com/foo', keyId: 0x530d903a })],
      unverified: [],
    });
    expect(openNote(Buffer.from(GO_NOTE), [verifierFromKey(GO_VKEY)]).text).toBe(GO_TEXT);
  });

  it('signs exactly as Go does with Go\'s signer key (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(GO_SKEY);
    expect(signer.vkey).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    // And the key survives a round trip through Go's format and PKCS#8.
    const key = newKey();
    expect(parseSignerKey(formatSignerKey('example.org/log', key)).vkey).toBe(ed25519NoteSigner('example.org/log', key).vkey);
  });

  it('derives key IDs as SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4], in vkeys of either Ed25519 type', () => {
    for (const vkey of [SPEC_VKEY, GO_VKEY, 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6', 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2']) {
      const key = parseVerifierKey(vkey);
      expect(computeKeyId(key.name, key.type, key.publicKey)).toBe(key.keyId);
      expect(formatVerifierKey(key.name, key.type, key.publicKey)).toBe(vkey);
    }
    const raw = parseVerifierKey(SPEC_VKEY).publicKey;
    expect(computeKeyId('example.com/foo', 0x04, raw)).not.toBe(computeKeyId('example.com/foo', 0x01, raw));
  });

  it('refuses malformed vkeys and signer keys', () => {
    const bad = [
      'example.com/foo+530d903a', // two parts
      'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', // wrong key ID
      'example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', // upper-case hex
      'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', // ID of another name
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2', // not base64
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U', // 31-byte key
      'two words+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
    ];
    for (const vkey of bad) expect(() => parseVerifierKey(vkey)).toThrow(FormatError);
    expect(() => verifierFromKey(formatVerifierKey('x', 0x02, Buffer.alloc(33)))).toThrow('unsupported signature type 0x02');
    expect(() => parseSignerKey(GO_SKEY.replace('c74f20a3', 'c74f20a4'))).toThrow('key ID');
    expect(() => parseSignerKey(GO_VKEY)).toThrow(FormatError);
  });

  it('accepts key names without spaces or plus signs only', () => {
    expect(isValidKeyName('example.com/log42')).toBe(true);
    expect(isValidKeyName('oid/1.3.6.1.4.1.44363.47.1')).toBe(true);
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'a\u3000b']) expect(isValidKeyName(name)).toBe(false);
  });

  it('ignores unknown keys, even sharing a name or a key ID with a known one, and verifies every known one', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const sameName = ed25519NoteSigner('example.org/log', newKey());
    const other = ed25519NoteSigner('example.org/other', newKey());
    const note = signNote('hello\n', [log, sameName, other]);
    const opened = openNote(note, [ed25519NoteVerifier(log.name, log.publicKey)]);
    expect(opened.verified.map((s) => s.keyId)).toEqual([log.keyId]);
    expect(opened.unverified.map((s) => s.name)).toEqual(['example.org/log', 'example.org/other']);

    // A signature line with the known name and ID but another key's signature: the note is bad.
    const parsed = parseNote(note);
    const forged = formatNote({ text: parsed.text, signatures: [parsed.signatures[2], { ...parsed.signatures[1], keyId: log.keyId }] });
    expect(() => openNote(forged, [ed25519NoteVerifier(log.name, log.publicKey)])).toThrow(NoteVerificationError);
    // Also when a good signature by the same key came first (Go's Open skips that repeat).
    const repeated = formatNote({ text: parsed.text, signatures: [parsed.signatures[0], { ...parsed.signatures[1], keyId: log.keyId }] });
    expect(() => openNote(repeated, [ed25519NoteVerifier(log.name, log.publicKey)])).toThrow('does not verify');

    // No known signer at all: rejected, unless the caller only wants to look.
    expect(() => openNote(note, [ed25519NoteVerifier('example.org/x', log.publicKey)])).toThrow(expect.objectContaining({ reason: 'unverified' }));
    expect(openNote(note, [], { requireVerified: false }).unverified).toHaveLength(3);
  });

  it('rejects a note whose text was changed after signing', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const note = signNote('pay 100\n', [log]);
    expect(() => openNote(note.replace('100', '900'), [ed25519NoteVerifier(log.name, log.publicKey)])).toThrow(expect.objectContaining({ reason: 'invalid-signature' }));
  });

  it('separates text and signatures at the last blank line: texts may hold blank lines', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const text = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    expect(openNote(signNote(text, [log]), [ed25519NoteVerifier(log.name, log.publicKey)]).text).toBe(text);
  });

  it('rejects malformed notes as the spec defines them', () => {
    const sig = SPEC_NOTE.slice(SPEC_NOTE.indexOf('—'));
    const malformed: [string, string | Buffer][] = [
      ['no blank line', 'text\n' + sig],
      ['no signature', 'text\n\n'],
      ['no final newline', SPEC_NOTE.slice(0, -1)],
      ['a hyphen instead of an em dash', SPEC_NOTE.replace('—', '-')],
      ['no space after the dash', SPEC_NOTE.replace('— ', '—')],
      ['a tab', SPEC_NOTE.replace('This is', 'This\tis')],
      ['a carriage return', SPEC_NOTE.replace('message.\n', 'message.\r\n')],
      ['a NUL byte', SPEC_NOTE.replace('This', 'Th\0is')],
      ['invalid UTF-8', Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(SPEC_NOTE.slice(SPEC_NOTE.indexOf('\n')))])],
      ['an empty key name', SPEC_NOTE.replace('example.com/foo ', ' ')],
      ['a plus in the key name', SPEC_NOTE.replace('example.com/foo', 'example.com/f+o')],
      ['no signature after the name', 'text\n\n— example.com/foo\n'],
      ['a signature of 4 bytes (only a key ID)', 'text\n\n— example.com/foo Uw2QOg==\n'],
      ['base64 without padding', SPEC_NOTE.replace('IneyaQM=', 'IneyaQM')],
      ['base64 with foreign characters', SPEC_NOTE.replace('Uw2QOkn8', 'Uw2Q*kn8')],
      ['non-canonical base64 (trailing bits)', SPEC_NOTE.replace('IneyaQM=', 'IneyaQN=')],
      ['a trailing blank line', SPEC_NOTE + '\n'],
      ['text after the signatures', SPEC_NOTE + 'more\n'],
      [`${MAX_SIGNATURES + 1} signatures`, SPEC_NOTE + sig.repeat(MAX_SIGNATURES)],
    ];
    const accepted = malformed.filter(([, note]) => parsesAsNote(note)).map(([why]) => why);
    expect(accepted).toEqual([]);
    // The limit itself is fine.
    expect(parseNote(SPEC_NOTE + sig.repeat(MAX_SIGNATURES - 1)).signatures).toHaveLength(MAX_SIGNATURES);
  });

  it('does not sign what it could not parse back', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    expect(() => signNote('no newline', [log])).toThrow(FormatError);
    expect(() => signNote('tab\there\n', [log])).toThrow(FormatError);
    expect(() => signNote('lone \ud800 surrogate\n', [log])).toThrow(FormatError);
    expect(() => ed25519NoteSigner('bad name', newKey())).toThrow(FormatError);
  });

  it('replaces an earlier signature by the same key when signing again, keeping the others', () => {
    const log = ed25519NoteSigner('example.org/log', newKey());
    const other = ed25519NoteSigner('example.org/other', newKey());
    const first = parseNote(signNote('t\n', [log, other]));
    const again = parseNote(signNote('t\n', [log], first.signatures));
    expect(again.signatures.map((s) => s.name)).toEqual(['example.org/other', 'example.org/log']);
  });
});

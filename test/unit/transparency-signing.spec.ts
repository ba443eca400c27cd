import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519PublicKey, rawPublicKey, treeHeadMessage, verifyTreeHead } from '../../src/attestation/checkpoints/signed-tree-head';
import { KEY_FILE_NAME, loadOrCreateKeyFile, parsePrivateKey } from '../../src/attestation/checkpoints/signing-key.service';

const head = { treeSize: 7, rootHash: 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', timestamp: '2025-11-25T12:00:00.000Z' };

describe('checkpoint signing', () => {
  it('signs the RFC 8785 canonical JSON of {treeSize, rootHash, timestamp}: keys sorted, no spaces', () => {
    expect(treeHeadMessage(head).toString('utf8')).toBe(
      '{"rootHash":"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c","timestamp":"2025-11-25T12:00:00.000Z","treeSize":7}',
    );
    // Extra fields (the signature itself) are not part of the signed message.
    expect(treeHeadMessage({ ...head, signature: 'x' } as typeof head)).toEqual(treeHeadMessage(head));
  });

  it('verifies a head signed with the key, and nothing else', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signed = { ...head, signature: sign(null, treeHeadMessage(head), privateKey).toString('base64') };
    const key = ed25519PublicKey(rawPublicKey(publicKey).toString('base64'));
    expect(verifyTreeHead(signed, key)).toBe(true);
    expect(verifyTreeHead({ ...signed, treeSize: 8 }, key)).toBe(false);
    expect(verifyTreeHead({ ...signed, rootHash: signed.rootHash.toUpperCase() }, key)).toBe(false);
    expect(verifyTreeHead({ ...signed, signature: signed.signature.slice(4) }, key)).toBe(false);
    const other = ed25519PublicKey(rawPublicKey(generateKeyPairSync('ed25519').publicKey).toString('base64'));
    expect(verifyTreeHead(signed, other)).toBe(false);
    expect(() => ed25519PublicKey(Buffer.alloc(31).toString('base64'))).toThrow('32 bytes');
  });

  it('reads a configured key as PKCS#8 PEM or as the base64 of its 32-byte seed, and refuses anything else', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const fromPem = parsePrivateKey(pem);
    const seed = (fromPem.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(-32);
    const fromSeed = parsePrivateKey(seed.toString('base64'));
    expect(rawPublicKey(createPublicKey(fromSeed))).toEqual(rawPublicKey(createPublicKey(fromPem)));

    expect(() => parsePrivateKey(Buffer.alloc(16).toString('base64'))).toThrow('32-byte');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => parsePrivateKey(rsa)).toThrow('not an Ed25519 key');
  });

  it('creates the key file once, readable by its owner only, and reuses it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aid-escrow-keys-')), 'nested');
    const first = loadOrCreateKeyFile(dir);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    const second = loadOrCreateKeyFile(dir);
    expect(second.created).toBe(false);
    expect(rawPublicKey(createPublicKey(second.key))).toEqual(rawPublicKey(createPublicKey(first.key)));
    expect(readFileSync(join(dir, KEY_FILE_NAME), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    writeFileSync(join(dir, KEY_FILE_NAME), 'garbage');
    expect(() => loadOrCreateKeyFile(dir)).toThrow();
  });
});

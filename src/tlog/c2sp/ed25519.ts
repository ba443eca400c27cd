import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Ed25519 through node:crypto, with keys as the raw 32 bytes the note formats carry. */

/** The raw 32-byte public key of an Ed25519 private or public key. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  return Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url');
}

/** The 32-byte seed of an Ed25519 private key (what Go's note package calls the private key). */
export function ed25519Seed(key: KeyObject): Buffer {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 private key');
  return Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
}

export function ed25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** PKCS#8 DER of an Ed25519 private key, up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PrivateKeyFromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Parses a PKCS#8 PEM Ed25519 private key (`openssl genpkey -algorithm ed25519`). */
export function parseEd25519PrivateKeyPem(pem: string): KeyObject {
  if (!/-----BEGIN PRIVATE KEY-----/.test(pem)) throw new TypeError('not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)');
  const key = createPrivateKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`the key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

/** The key of a `--key FILE` option; errors name the file. */
export function readEd25519PrivateKeyFile(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the key file ${path}: ${(error as Error).message}`);
  }
  try {
    return parseEd25519PrivateKeyPem(pem);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

export function ed25519Sign(key: KeyObject, message: Buffer): Buffer {
  return sign(null, message, key);
}

export function ed25519Verify(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  return signature.length === 64 && verify(null, message, publicKey, signature);
}

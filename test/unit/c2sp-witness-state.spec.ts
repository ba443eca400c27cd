import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../../src/tlog/c2sp/checkpoint';
import { ed25519NoteSigner } from '../../src/tlog/c2sp/signed-note';
import { originHash, WitnessStateStore } from '../../src/tlog/c2sp/witness/witness-state';
import { parseWitnessList } from '../../src/tlog/c2sp/witness/witness-client';
import { ed25519Cosigner } from '../../src/tlog/c2sp/cosignature';
import { FormatError } from '../../src/tlog/c2sp/encoding';

const ORIGIN = 'example.org/log';
const log = ed25519NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
const note = (size: number) => signCheckpoint({ origin: ORIGIN, size, rootHash: Buffer.alloc(32, size), extensions: [] }, log);
const dir = () => mkdtempSync(join(tmpdir(), 'aid-escrow-witness-state-'));

describe('witness state on disk', () => {
  it('replaces the record of an origin atomically, readable by a later process, owner-only', async () => {
    const path = dir();
    const store = new WitnessStateStore(path);
    store.open();
    expect(await store.read(ORIGIN)).toBeUndefined();
    await store.write(note(3));
    await store.write(note(5));
    store.close();
    expect(readdirSync(path)).toEqual([originHash(ORIGIN)]); // no temp file, lock released
    expect(statSync(join(path, originHash(ORIGIN))).mode & 0o777).toBe(0o600);

    const later = new WitnessStateStore(path);
    later.open();
    const record = await later.read(ORIGIN);
    expect(record).toEqual({ checkpoint: expect.objectContaining({ size: 5 }), note: note(5) });
    later.close();
  });

  it('takes over the lock of a process that died, removes its temp files, refuses a live holder', () => {
    const path = dir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(path, 'witness.lock'), `${dead}\n`);
    writeFileSync(join(path, `${originHash(ORIGIN)}.tmp-${dead}-abcd`), 'half a checkpoi');
    const store = new WitnessStateStore(path);
    store.open();
    expect(readdirSync(path)).toEqual(['witness.lock']);

    // Our own pid in the lock is this process's previous life (pid 1 in a container): stale too.
    store.close();
    writeFileSync(join(path, 'witness.lock'), `${process.pid}\n`);
    store.open();
    store.close();

    const live = String(process.ppid); // this process's parent: alive, and not this process
    writeFileSync(join(path, 'witness.lock'), `${live}\n`);
    expect(() => new WitnessStateStore(path).open()).toThrow(`in use by process ${live}`);
    expect(existsSync(join(path, 'witness.lock'))).toBe(true);
  });

  it('refuses a state file that is not a checkpoint of its origin', async () => {
    const path = dir();
    const store = new WitnessStateStore(path);
    store.open();
    writeFileSync(join(path, originHash(ORIGIN)), 'garbage');
    await expect(store.read(ORIGIN)).rejects.toThrow();
    const other = signCheckpoint({ origin: 'example.org/other', size: 1, rootHash: Buffer.alloc(32), extensions: [] }, ed25519NoteSigner('example.org/other', generateKeyPairSync('ed25519').privateKey));
    writeFileSync(join(path, originHash('example.org/x')), other);
    await expect(store.read('example.org/x')).rejects.toThrow('not of example.org/x');
    store.close();
  });
});

describe('the WITNESSES list', () => {
  it('splits vkey=url entries although key names may hold =', () => {
    const vkeys = Array.from({ length: 40 }, (_, i) => ed25519Cosigner(`w${i}.example/a=b`, generateKeyPairSync('ed25519').privateKey).vkey);
    const list = parseWitnessList(vkeys.map((v, i) => ` ${v}=https://w${i}.example/sub?x=1`).join(','));
    expect(list.map((w) => [w.vkey, w.url])).toEqual(vkeys.map((v, i) => [v, `https://w${i}.example/sub?x=1`]));
    expect(parseWitnessList('')).toEqual([]);
    expect(() => parseWitnessList(`${vkeys[0]}`)).toThrow(FormatError);
    expect(() => parseWitnessList(`${vkeys[0]}=ftp://x`)).toThrow(FormatError);
    expect(() => parseWitnessList(`${log.vkey}=https://x`)).toThrow(FormatError); // a log key, not a cosigner key
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Checkpoint, parseCheckpoint } from '../checkpoint';
import { parseNote } from '../signed-note';

/**
 * A witness's durable memory: per log origin, the latest checkpoint it cosigned, as the note it
 * serves to monitors (the log's signatures and its own cosignature). One file per origin, named
 * by the lowercase hex SHA-256 of the origin (as in the monitoring URL), replaced atomically:
 * temp file, fsync, rename, fsync of the directory. So after a crash the file holds either the
 * old or the new checkpoint, never a mix, and a cosignature was only sent once its checkpoint is
 * on disk.
 *
 * One process per state directory: a lock file with the holder's pid refuses a second one
 * (two witnesses on one directory could each cosign a different tree of one size).
 */

export interface WitnessRecord {
  checkpoint: Checkpoint;
  /** The cosigned checkpoint note, as served to monitors. */
  note: string;
}

const LOCK_FILE = 'witness.lock';
const TEMP_MARK = '.tmp-';

export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

export class WitnessStateStore {
  private readonly cache = new Map<string, WitnessRecord | undefined>();
  private locked = false;

  constructor(readonly dir: string) {}

  /** Takes the directory's lock and removes temp files a crash left behind. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.lock();
    for (const name of readdirSync(this.dir)) if (name.includes(TEMP_MARK)) rmSync(join(this.dir, name), { force: true });
  }

  close(): void {
    if (!this.locked) return;
    this.locked = false;
    try {
      unlinkSync(join(this.dir, LOCK_FILE));
    } catch {
      // already gone: nothing to release
    }
  }

  /** The latest cosigned checkpoint of `origin`, or undefined when none was ever cosigned. */
  async read(origin: string): Promise<WitnessRecord | undefined> {
    if (this.cache.has(origin)) return this.cache.get(origin);
    const path = this.pathOf(origin);
    let note: string;
    try {
      note = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.cache.set(origin, undefined);
      return undefined;
    }
    const checkpoint = parseCheckpoint(parseNote(note).text);
    if (checkpoint.origin !== origin) throw new Error(`${path} holds a checkpoint of ${checkpoint.origin}, not of ${origin}`);
    const record = { checkpoint, note };
    this.cache.set(origin, record);
    return record;
  }

  /** Replaces the record of the note's origin; resolves once it is durable. */
  async write(note: string): Promise<WitnessRecord> {
    if (!this.locked) throw new Error('the witness state is not open');
    const checkpoint = parseCheckpoint(parseNote(note).text);
    const path = this.pathOf(checkpoint.origin);
    const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(note, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      // What is on disk is unknown now: read it again next time.
      this.cache.delete(checkpoint.origin);
      throw error;
    }
    try {
      await syncDirectory(this.dir); // the rename itself survives a power loss only after this
    } catch (error) {
      this.cache.delete(checkpoint.origin);
      throw error;
    }
    const record = { checkpoint, note };
    this.cache.set(checkpoint.origin, record);
    return record;
  }

  /**
   * Keeps two checkpoint notes the log signed for one size with different roots: the one this
   * witness cosigned and the one submitted since. One file per pair of trees, so a replayed
   * request adds nothing.
   */
  async keepForkEvidence(cosignedNote: string, submittedNote: string): Promise<string> {
    const ours = parseCheckpoint(parseNote(cosignedNote).text);
    const theirs = parseCheckpoint(parseNote(submittedNote).text);
    const dir = join(this.dir, 'forks');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${originHash(ours.origin)}-${ours.size}-${theirs.rootHash.toString('hex')}.txt`);
    try {
      writeFileSync(path, `${cosignedNote}\n${submittedNote}`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return path;
  }

  private pathOf(origin: string): string {
    return join(this.dir, originHash(origin));
  }

  private lock(): void {
    const path = join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new Error(`the witness state ${this.dir} is in use by process ${holder} (${path})`);
      }
      // A crashed holder (or this pid's previous life, e.g. pid 1 in a container): stale.
      rmSync(path, { force: true });
    }
    throw new Error(`could not take the lock ${path}`);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

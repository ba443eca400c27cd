import { Checkpoint, openCheckpoint } from './checkpoint';
import { verifiedCosignatures, VerifiedCosignature } from './cosignature';
import { FormatError, parseDecimal } from './encoding';
import { KeyedVerifier, cosignerVerifierFromKey, logVerifierFromKey } from './verifier-keys';

/**
 * C2SP tlog-policy: which logs and witnesses a verifier trusts, and the quorum of witnesses
 * that must have cosigned a checkpoint.
 *
 *     log <vkey> [<url>]
 *     witness <name> <vkey> [<url>]
 *     group <name> all|any|<k> <member>...
 *     quorum <name>|none
 */

export interface PolicyLog {
  verifier: KeyedVerifier;
  url?: string;
}

export interface PolicyWitness {
  name: string;
  verifier: KeyedVerifier;
  url?: string;
}

export interface PolicyGroup {
  name: string;
  threshold: number;
  /** The `all`/`any` spelling, kept for formatting; undefined when numeric. */
  keyword?: 'all' | 'any';
  members: string[];
}

export interface Policy {
  logs: PolicyLog[];
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  /** A witness or group name, or 'none'. */
  quorum: string;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

const NONE = 'none';

export function parsePolicy(text: string): Policy {
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) throw new FormatError('a policy holds no control characters other than tab and newline');
  const policy: Policy = { logs: [], witnesses: [], groups: [], quorum: '' };
  const names = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const fail = (message: string): never => {
      throw new FormatError(`policy line ${i + 1}: ${message}`);
    };
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '' || line.startsWith('#')) return;
    const [keyword, ...args] = line.split(/[ \t]+/);
    const define = (name: string) => {
      if (name === NONE) fail('the name "none" is predefined');
      if (names.has(name)) fail(`${name} is defined twice`);
      names.add(name);
    };
    const key = (vkey: string, read: (v: string) => KeyedVerifier) => {
      try {
        return read(vkey);
      } catch (error) {
        return fail((error as Error).message);
      }
    };
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) fail('log <vkey> [<url>]');
        const verifier = key(args[0], logVerifierFromKey);
        if (policy.logs.some((l) => l.verifier.key.publicKey.equals(verifier.key.publicKey))) fail('a log is listed twice');
        policy.logs.push({ verifier, url: args[1] });
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) fail('witness <name> <vkey> [<url>]');
        define(args[0]);
        const verifier = key(args[1], cosignerVerifierFromKey);
        if (policy.witnesses.some((w) => w.verifier.key.publicKey.equals(verifier.key.publicKey))) fail('a witness key is listed twice');
        policy.witnesses.push({ name: args[0], verifier, url: args[2] });
        break;
      }
      case 'group': {
        if (args.length < 3) fail('group <name> all|any|<k> <member>...');
        const [name, k, ...members] = args;
        for (const member of members) {
          if (member === NONE || !names.has(member)) fail(`group member ${member} is not a witness or group defined above`);
        }
        if (new Set(members).size !== members.length) fail('a group lists a member twice');
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : parseDecimal(k);
        if (threshold === undefined || threshold < 1 || threshold > members.length) fail(`the threshold ${k} is not all, any or a number from 1 to ${members.length}`);
        define(name);
        policy.groups.push({ name, threshold: threshold!, keyword: k === 'all' || k === 'any' ? k : undefined, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) fail('quorum <name>');
        if (policy.quorum) fail('a policy has exactly one quorum line');
        if (args[0] !== NONE && !names.has(args[0])) fail(`the quorum ${args[0]} is not a witness or group defined above`);
        policy.quorum = args[0];
        break;
      }
      default:
        fail(`unknown line type ${JSON.stringify(keyword)}`);
    }
  });
  if (!policy.quorum) throw new FormatError('a policy needs a quorum line');
  return policy;
}

export function formatPolicy(policy: Policy): string {
  const url = (u?: string) => (u ? ` ${u}` : '');
  return [
    ...policy.logs.map((l) => `log ${l.verifier.vkey}${url(l.url)}`),
    ...policy.witnesses.map((w) => `witness ${w.name} ${w.verifier.vkey}${url(w.url)}`),
    ...policy.groups.map((g) => `group ${g.name} ${g.keyword ?? g.threshold} ${g.members.join(' ')}`),
    `quorum ${policy.quorum}`,
  ].map((line) => line + '\n').join('');
}

/**
 * The policy "one log, k of these witnesses" (the service's WITNESSES and WITNESS_QUORUM);
 * witness names in the policy are their key names. k = 0 is `quorum none`.
 */
export function thresholdPolicy(logVkey: string, witnesses: { vkey: string; url?: string }[], k: number): Policy {
  if (!Number.isSafeInteger(k) || k < 0 || k > witnesses.length) throw new PolicyError(`the quorum ${k} is not between 0 and the ${witnesses.length} witnesses`);
  const named = witnesses.map((w) => ({ ...w, name: cosignerVerifierFromKey(w.vkey).name }));
  const lines = [`log ${logVkey}`, ...named.map((w) => `witness ${w.name} ${w.vkey}${w.url ? ` ${w.url}` : ''}`)];
  if (k === 0) lines.push(`quorum ${NONE}`);
  else if (named.length === 1) lines.push(`quorum ${named[0].name}`);
  // '+' cannot occur in a key name, so the group's name cannot collide with a witness's.
  else lines.push(`group witnesses+quorum ${k} ${named.map((w) => w.name).join(' ')}`, 'quorum witnesses+quorum');
  return parsePolicy(lines.join('\n') + '\n');
}

/** Whether the witnesses (policy names) that cosigned satisfy the quorum. */
export function quorumSatisfied(policy: Policy, cosigned: ReadonlySet<string>): boolean {
  if (policy.quorum === NONE) return true;
  const groups = new Map(policy.groups.map((g) => [g.name, g]));
  const witnessed = (name: string): boolean => {
    const group = groups.get(name);
    if (!group) return cosigned.has(name);
    return group.members.filter(witnessed).length >= group.threshold;
  };
  return witnessed(policy.quorum);
}

export interface PolicyVerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** The policy names of the witnesses whose cosignatures verified, with their timestamps. */
  cosignatures: (VerifiedCosignature & { witness: string })[];
}

/**
 * A checkpoint note that the policy accepts: signed by one of its logs (key name = origin) and
 * cosigned by a quorum of its witnesses. Throws FormatError, NoteVerificationError or PolicyError.
 */
export function verifyCheckpoint(signedNote: Buffer | string, policy: Policy): PolicyVerifiedCheckpoint {
  const { checkpoint } = openCheckpoint(signedNote, policy.logs.map((l) => l.verifier));
  const byKey = new Map(policy.witnesses.map((w) => [`${w.verifier.name}+${w.verifier.keyId}`, w.name]));
  const cosignatures = verifiedCosignatures(signedNote, policy.witnesses.map((w) => w.verifier)).map((c) => ({ ...c, witness: byKey.get(`${c.name}+${c.keyId}`)! }));
  if (!quorumSatisfied(policy, new Set(cosignatures.map((c) => c.witness)))) {
    const got = cosignatures.map((c) => c.witness).join(', ') || 'none';
    throw new PolicyError(`the checkpoint lacks the witness quorum ${policy.quorum} (cosigned by: ${got})`);
  }
  return { checkpoint, cosignatures };
}

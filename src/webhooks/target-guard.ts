import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF protection: where a webhook may be sent. An endpoint's URL names a host that anyone
 * controlling its DNS can point anywhere, at any time, so the check is made on the addresses it
 * resolves to, at creation and again at every delivery, and the delivery then connects to the
 * very address that was checked (pinned: no second lookup that could answer differently).
 */

/**
 * IPv4 special-purpose ranges (IANA registry, RFC 6890 and successors): "this network",
 * private, shared (CGNAT), loopback, link-local (cloud metadata at 169.254.169.254), IETF
 * protocol assignments, documentation, AS112, AMT, 6to4 relay, benchmarking, multicast,
 * reserved and broadcast. None is a place a webhook receiver on the internet lives.
 */
const IPV4_SPECIAL = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.31.196.0', 24], ['192.52.193.0', 24],
  ['192.88.99.0', 24], ['192.168.0.0', 16], ['192.175.48.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const;

/**
 * IPv6: only global unicast (2000::/3) is public at all; within it, these are not: IETF
 * protocol assignments (Teredo among them), documentation, 6to4 (an IPv4 address behind a
 * relay). Outside it, all refused: unspecified, loopback, IPv4-mapped and -compatible, NAT64,
 * discard, unique-local, link-local, site-local, multicast.
 */
const IPV6_SPECIAL_IN_GLOBAL = [['2001::', 23], ['2001:db8::', 32], ['2002::', 16], ['3fff::', 20]] as const;

const ipv4Special = new BlockList();
for (const [network, prefix] of IPV4_SPECIAL) ipv4Special.addSubnet(network, prefix, 'ipv4');
const ipv6Global = new BlockList();
ipv6Global.addSubnet('2000::', 3, 'ipv6');
const ipv6Special = new BlockList();
for (const [network, prefix] of IPV6_SPECIAL_IN_GLOBAL) ipv6Special.addSubnet(network, prefix, 'ipv6');

/** True for an address on the public internet, false for private, loopback, link-local and every other special range. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !ipv4Special.check(address, 'ipv4');
  if (family !== 6 || address.includes('%')) return false; // a zone id: link-local by definition
  // IPv4-mapped (::ffff:a.b.c.d, in any spelling) lies outside 2000::/3 and is refused too.
  return ipv6Global.check(address, 'ipv6') && !ipv6Special.check(address, 'ipv6');
}

export interface TargetRules {
  /** WEBHOOK_ALLOW_PRIVATE: any address, and plain http (development and tests). */
  allowPrivate: boolean;
  /** The longest the DNS lookup may take. */
  timeoutMs: number;
}

/** Why a target is refused: a sentence naming the address or the problem. */
export class TargetRefused extends Error {}

/** A URL webhooks may be sent to, by its shape alone (the addresses are checked by resolveTarget). */
export function checkTargetUrl(text: string, rules: Pick<TargetRules, 'allowPrivate'>): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefused('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowPrivate)) {
    throw new TargetRefused(rules.allowPrivate ? 'must be an http or https URL' : 'must be an https URL (plain http only with WEBHOOK_ALLOW_PRIVATE=true)');
  }
  if (url.username || url.password) throw new TargetRefused('must not carry credentials (user:password@)');
  if (url.hash) throw new TargetRefused('must not have a fragment (#…)');
  if (text.length > 2048) throw new TargetRefused('must be at most 2048 characters');
  return url;
}

/** The URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves the URL's host and returns the address to connect to, refusing when any address it
 * resolves to is not public (an attacker's DNS may answer a public and a private address, and
 * the client would pick either). Unless rules.allowPrivate: then any address will do.
 */
export async function resolveTarget(url: URL, rules: TargetRules): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(url);
  const literal = isIP(host);
  const found = literal
    ? [{ address: host, family: literal }]
    : await withTimeout(lookup(host, { all: true, verbatim: true }), rules.timeoutMs, `resolving ${host} took longer than ${rules.timeoutMs} ms`).catch(
        (error: Error & { code?: string }) => {
          throw new TargetRefused(error instanceof TargetRefused ? error.message : `host ${host} does not resolve (${error.code ?? error.message})`);
        },
      );
  if (found.length === 0) throw new TargetRefused(`host ${host} does not resolve`);
  if (!rules.allowPrivate) {
    const special = found.find((a) => !isPublicAddress(a.address));
    if (special) throw new TargetRefused(`resolves to ${special.address}, which is not a public address (private, loopback, link-local or another special range)`);
  }
  return { address: found[0].address, family: found[0].family === 6 ? 6 : 4 };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new TargetRefused(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

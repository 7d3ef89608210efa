/**
 * Which notification URLs and which addresses the worker may send to: the one set of rules the API applies at
 * intake and the notification activity applies again at delivery (a DNS answer can change in between).
 * Pure: no I/O; resolution lives in activities/outbound-target.ts. The rules (docs/design.md, "Outbound URLs"):
 * https only; no credentials in the URL; every address public — loopback, private, link-local addresses only
 * when private networks are allowed (local development); cloud metadata, unspecified, multicast and reserved
 * addresses never. Any port.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved';

export interface OutboundPolicy {
  /** NOTIFY_ALLOW_PRIVATE_NETWORKS: loopback, private and link-local receivers, and plain http to them. */
  allowPrivateNetworks: boolean;
}

export type UrlCheck = { ok: true; url: URL; hostname: string; literal: string | undefined } | { ok: false; reason: string };

/** Reachable only with private networks allowed. */
const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(['loopback', 'private', 'link-local']);

/** Cloud instance-metadata names (GCP, AWS); a metadata answer can hand out credentials. */
const METADATA_HOSTNAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
/** AWS/GCP/Azure/OCI (169.254.169.254), AWS ECS task metadata, Alibaba Cloud; AWS's IPv6 endpoint. */
const METADATA_IPV4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200']);
const METADATA_IPV6 = new Set([ipv6Value('fd00:ec2::254')]);

/** IANA special-purpose IPv4 blocks (RFC 6890 and successors); anything else is public. */
const IPV4_BLOCKS: [string, number, AddressKind][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const IPV4_RANGES = IPV4_BLOCKS.map(([base, bits, kind]) => ({ base: ipv4Value(base)!, mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0, kind }));

/** IPv6 blocks checked before the rule that only global unicast (2000::/3) is public. */
const IPV6_BLOCKS: [string, number, AddressKind][] = [
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'reserved'], // documentation
  ['2001::', 23, 'reserved'], // IETF protocol assignments (Teredo, ORCHID, …)
  ['3fff::', 20, 'reserved'], // documentation
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];
const IPV6_RANGES = IPV6_BLOCKS.map(([base, bits, kind]) => ({ base: ipv6Value(base)!, mask: prefixMask(bits), kind }));
const GLOBAL_UNICAST = { base: ipv6Value('2000::')!, mask: prefixMask(3) };
/** The upper 96 bits of IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) addresses. */
const IPV4_CARRYING_PREFIXES = new Set([0xffffn, ipv6Value('64:ff9b::')! >> 32n]);

/**
 * The kind of an IP address as the resolver or the URL parser writes it (IPv6 with or without brackets or a
 * zone). IPv4 inside IPv6 (mapped, NAT64, 6to4) counts as the IPv4 address it carries. Not an address: undefined.
 */
export function classifyAddress(address: string): AddressKind | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return classifyIPv4(ipv4Value(bare)!);
  if (!isIPv6(bare)) return undefined;
  return classifyIPv6(ipv6Value(bare)!);
}

function classifyIPv4(value: number): AddressKind {
  if (METADATA_IPV4.has(ipv4Text(value))) return 'metadata';
  return IPV4_RANGES.find((r) => ((value & r.mask) >>> 0) === r.base)?.kind ?? 'public';
}

function classifyIPv6(value: bigint): AddressKind {
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  if (METADATA_IPV6.has(value)) return 'metadata';
  const high96 = value >> 32n;
  const low32 = Number(value & 0xffffffffn);
  if (IPV4_CARRYING_PREFIXES.has(high96)) return classifyIPv4(low32);
  if (high96 === 0n) return 'reserved'; // deprecated IPv4-compatible
  if (value >> 112n === 0x2002n) return classifyIPv4(Number((value >> 80n) & 0xffffffffn)); // 6to4
  const range = IPV6_RANGES.find((r) => (value & r.mask) === r.base);
  if (range) return range.kind;
  return (value & GLOBAL_UNICAST.mask) === GLOBAL_UNICAST.base ? 'public' : 'reserved';
}

/** Why an address may not be sent to under the policy and scheme, or undefined when it may. */
export function refuseAddress(address: string, policy: OutboundPolicy, protocol: string): string | undefined {
  const kind = classifyAddress(address);
  if (kind === undefined) return `${address} is not an IP address`;
  if (kind === 'public') return protocol === 'https:' ? undefined : 'plain http is accepted only for private receivers in development; use https';
  if (PRIVATE_KINDS.has(kind) && policy.allowPrivateNetworks) return undefined;
  const hint = PRIVATE_KINDS.has(kind) ? ' (NOTIFY_ALLOW_PRIVATE_NETWORKS is off)' : '';
  const article = /^[aeiou]/.test(kind) ? 'an' : 'a';
  return `resolves to ${article} ${kind} address (${address}), which notifications are never sent to${hint}`;
}

/** The reason for the first refused address, or undefined when every one is allowed (and there is one). */
export function refuseAddresses(addresses: readonly string[], policy: OutboundPolicy, protocol: string): string | undefined {
  if (addresses.length === 0) return 'resolves to no address';
  for (const address of addresses) {
    const reason = refuseAddress(address, policy, protocol);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * Everything that can be checked without resolving: scheme, credentials, the host's name, and the address
 * itself when the host is an IP literal. The URL parser has already turned `0x7f.1` or `2130706433` into
 * `127.0.0.1`, so only canonical forms reach the address rules.
 */
export function checkUrlShape(raw: string, policy: OutboundPolicy): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateNetworks)) {
    return { ok: false, reason: 'must be an https URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials (user:password@)' };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) return { ok: false, reason: 'has no host' };
  if (METADATA_HOSTNAMES.has(hostname.toLowerCase().replace(/\.$/, ''))) {
    return { ok: false, reason: `names a cloud metadata host (${hostname}), which notifications are never sent to` };
  }
  const literal = classifyAddress(hostname) === undefined ? undefined : hostname;
  if (literal) {
    const reason = refuseAddress(literal, policy, url.protocol);
    if (reason) return { ok: false, reason: reason.replace(/^resolves to/, 'is') };
  }
  return { ok: true, url, hostname, literal };
}

function ipv4Value(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** A valid IPv6 text (isIPv6) as its 128-bit value, an embedded dotted IPv4 tail included. */
function ipv6Value(text: string): bigint | undefined {
  if (!isIPv6(text)) return undefined;
  let head = text;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const v4 = ipv4Value(dotted)!;
    tail.push(v4 >>> 16, v4 & 0xffff);
    head = text.slice(0, -dotted.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const [left, right] = head.split('::');
  const all =
    right === undefined
      ? [...groups(left), ...tail]
      : [...groups(left), ...new Array<number>(8 - groups(left).length - groups(right).length - tail.length).fill(0), ...groups(right), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function prefixMask(bits: number): bigint {
  return ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
}

import dns from 'node:dns';
import net from 'node:net';

/**
 * Outgoing requests to addresses integrators choose (webhook endpoints) must not reach Encore's own
 * network: the loopback interface, private and link-local ranges (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, multicast and reserved space. Checked on the addresses a name resolves to at
 * connection time, so a name that resolves elsewhere later (DNS rebinding) is caught too.
 */
const PRIVATE = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv4');
}
// `::/96`, `::ffff:0:0/96`, `::ffff:0:0:0/96` and `64:ff9b::/96` carry an IPv4 address and are judged as
// it (embeddedIPv4); `::` and `::1` fall in `::/96` (as 0.0.0.0 and 0.0.0.1, both in 0.0.0.0/8).
// 64:ff9b:1::/48 (local-use NAT64, RFC 8215) may embed IPv4 at any prefix length the operator chose:
// its /96 form is judged as its IPv4 address, anything else in it is refused.
for (const [prefix, bits] of [
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6');
}

/**
 * Whether an IP address is not on the public internet. An IPv6 address that carries an IPv4 address
 * (IPv4-compatible, IPv4-mapped, IPv4-translated, NAT64) reaches that IPv4 host, so it is judged as
 * the IPv4 address: `::7f00:1`, `::ffff:127.0.0.1` and `64:ff9b::7f00:1` are all 127.0.0.1.
 */
export function isPrivateAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return PRIVATE.check(ip, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIPv4(ip);
  if (v4 !== undefined) return PRIVATE.check(v4, 'ipv4');
  return PRIVATE.check(ip.replace(/%.*$/, ''), 'ipv6');
}

/** The IPv4 address an IPv6 address carries in its last 32 bits, for the forms that route to it. */
export function embeddedIPv4(ip: string): string | undefined {
  const b = ipv6Bytes(ip);
  if (!b) return undefined;
  const zero = (from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
  const word = (i: number): number => (b[2 * i]! << 8) | b[2 * i + 1]!;
  const carries =
    zero(0, 12) || // ::a.b.c.d, IPv4-compatible (deprecated, still routed by some stacks)
    (zero(0, 10) && word(5) === 0xffff) || // ::ffff:a.b.c.d, IPv4-mapped
    (zero(0, 8) && word(4) === 0xffff && word(5) === 0) || // ::ffff:0:a.b.c.d, IPv4-translated (SIIT)
    (word(0) === 0x64 && word(1) === 0xff9b && zero(4, 12)) || // 64:ff9b::/96, well-known NAT64
    (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 1 && zero(6, 12)); // 64:ff9b:1::/96 inside the local-use /48
  return carries ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : undefined;
}

/** The 16 bytes of an IPv6 address (a zone `%eth0` ignored), or undefined when it is not one. */
function ipv6Bytes(ip: string): Uint8Array | undefined {
  const text = ip.replace(/%.*$/, '');
  if (net.isIP(text) !== 6) return undefined;
  let head = text;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    head = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const parse = (part: string | undefined): number[] => (part ? part.split(':').filter((x) => x !== '').map((h) => parseInt(h, 16)) : []);
  const l = parse(left);
  const r = [...parse(right), ...tail];
  const words = right === undefined && !head.includes('::') ? [...l, ...tail] : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

/** Host names that always mean this machine, whatever DNS says. */
export function isLocalHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** A URL host (name or IP literal) that is this machine or a private address, before any DNS lookup. */
export function isPrivateHost(host: string): boolean {
  return isLocalHostname(host) || isPrivateAddress(host);
}

/** The host of a URL as `net` understands it (IPv6 literals without brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
  constructor(host: string, address: string) {
    super(address === host ? `${host} is a private network address` : `${host} resolves to ${address}, a private network address`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses names resolving to any private address. Node calls it
 * with `all: true` when it may try several addresses (autoSelectFamily), otherwise for one.
 */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked || isLocalHostname(hostname)) return callback(new PrivateAddressError(hostname, blocked?.address ?? hostname), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    return callback(null, first.address, first.family);
  });
}

/**
 * Who is asking, by network address: what the gateway rations first verifications of tokens by
 * (a caller can make up tokens, but not addresses). Behind a proxy every request comes from the
 * proxy, so the address a proxy names in `X-Forwarded-For` is believed, but only from the proxies
 * TRUSTED_PROXIES lists: anyone else could write any address there.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type ClientAddressOf = (req: IncomingMessage) => string;

/**
 * What limits per address count by: an IPv4 address, or an IPv6 address's /64 network (one host
 * usually holds a whole /64, and could otherwise take a fresh allowance at will).
 */
export function addressGroup(address: string): string {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) !== 6) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = plain.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** Whether an address is one of the proxies (`10.0.0.7`) or networks (`10.0.0.0/8`) listed. */
export function trustedProxyCheck(trustedProxies: readonly string[]): (address: string) => boolean {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  return (address: string) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    return trustedProxies.length > 0 && trusted.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Who asks, as limits per address count it (an IPv6 caller by its /64); the addresses (`10.0.0.7`)
 * and networks (`10.0.0.0/8`, `fd00::/8`) given are the proxies whose X-Forwarded-For counts.
 */
export function clientAddressReader(trustedProxies: readonly string[]): ClientAddressOf {
  const isTrusted = trustedProxyCheck(trustedProxies);
  return (req) => addressGroup(callerAddress(req, isTrusted));
}

/** The caller's address: the socket's, or what trusted proxies say they heard from. */
function callerAddress(req: IncomingMessage, isTrusted: (address: string) => boolean): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded !== 'string' || !isTrusted(address)) return address;
  // Right to left: each trusted proxy names who it heard from; the first untrusted one is the caller.
  const hops = forwarded
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0 && isTrusted(address); i--) address = hops[i] as string;
  return address;
}

// An address the sender's SPF tree does not authorize, to stand for "a forwarder your SPF does
// not list" when no --relay is given. Documentation ranges first (RFC 5737, RFC 3849): a test
// or demo zone may list one of them, so each candidate is checked against the tree's networks.
import { BlockList } from 'node:net';
import { isIP } from '../ip.ts';

const CANDIDATES: readonly string[] = [
  ...[1, 2, 3].flatMap((n) => [`192.0.2.${n}`, `198.51.100.${n}`, `203.0.113.${n}`]),
  '2001:db8::1',
  '2001:db8:ffff::1',
];

/** A BlockList of the networks (ADDRESS/PREFIX) an SPF tree lists. */
export const networkList = (networks: readonly string[]): BlockList => {
  const list = new BlockList();
  for (const n of networks) {
    const [address, prefix] = n.split('/');
    const family = isIP(address ?? '');
    if (!address || family === 0) continue;
    list.addSubnet(address, Number(prefix ?? (family === 4 ? 32 : 128)), family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
};

/**
 * Past the documentation addresses: one address in every /8 of the IPv4 unicast space and in
 * every /16 of 2000::/3 (global unicast IPv6), so that a tree listing every documentation range
 * (or most of the Internet) still leaves an address outside it, when there is one. For a static
 * check any address will do: none is ever contacted.
 */
function* generated(): Generator<string> {
  for (let a = 1; a < 224; a++) if (a !== 10 && a !== 127) yield `${a}.1.2.3`;
  for (let h = 0x2000; h < 0x4000; h += 0x100) yield `${h.toString(16)}:1::1`;
}

/**
 * The first candidate outside the listed networks, skipping `tried` (candidates the evaluation
 * found authorized by terms a static walk cannot see, such as exists or ptr); null when every
 * candidate is listed (a record like ip4:0.0.0.0/0 ip6:::/0 authorizes everyone).
 */
export const unlistedAddress = (networks: readonly string[], tried: readonly string[] = []): string | null => {
  const listed = networkList(networks);
  const outside = (ip: string) => !tried.includes(ip) && !listed.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  const first = CANDIDATES.find(outside);
  if (first) return first;
  for (const ip of generated()) if (outside(ip)) return ip;
  return null;
};

// An address the sender's SPF tree does not authorize, to stand for "a forwarder your SPF does
// not list" when no --relay is given. Documentation ranges first (RFC 5737, RFC 3849): a test
// or demo zone may list one of them, so each candidate is checked against the tree's networks.
import { BlockList, isIP } from 'node:net';

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
 * The first candidate outside the listed networks, skipping `tried` (candidates the evaluation
 * found authorized by terms a static walk cannot see, such as exists or ptr); null when every
 * candidate is listed (a record like ip4:0.0.0.0/0 ip6:::/0 authorizes everyone).
 */
export const unlistedAddress = (networks: readonly string[], tried: readonly string[] = []): string | null => {
  const listed = networkList(networks);
  return CANDIDATES.find((ip) => !tried.includes(ip) && !listed.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')) ?? null;
};

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
 * Which of the CANDIDATES one network contains, as a bit mask, by network: a batch's SPF trees
 * share their providers' networks, and a BlockList of a whole tree per check cost more than the
 * check's SPF evaluation. Bounded: emptied when full (a run with that many distinct networks
 * only recomputes them).
 */
const containedBy = new Map<string, number>();
const CONTAINED_LIMIT = 20_000;
const ALL_CANDIDATES = (1 << CANDIDATES.length) - 1;

// an IPv4 network written as ADDRESS or ADDRESS/PREFIX, four decimal octets (as net.isIP takes them)
const V4_NETWORK = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

const v4Number = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const CANDIDATE_V4 = CANDIDATES.map((ip) => (isIP(ip) === 4 ? v4Number(ip) : null));

/**
 * The candidates an IPv4 network contains, by arithmetic (a BlockList per network cost a single
 * check more than the whole tree's one BlockList did); null for anything else (IPv6, an unusual
 * spelling), which a BlockList judges.
 */
const v4CandidatesIn = (network: string): number | null => {
  const m = V4_NETWORK.exec(network);
  const address = m ? `${m[1]}.${m[2]}.${m[3]}.${m[4]}` : '';
  if (!m || isIP(address) !== 4) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  const base = v4Number(address);
  // the network's first and last addresses (2 ** (32 - prefix) of them)
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  let mask = 0;
  CANDIDATE_V4.forEach((n, i) => {
    if (n !== null && n >= first && n < first + size) mask |= 1 << i;
  });
  return mask;
};

/** The candidates one network contains by the BlockList rules the whole tree's list applies. */
const listedCandidatesIn = (network: string): number => {
  const one = networkList([network]);
  let mask = 0;
  CANDIDATES.forEach((ip, i) => {
    if (one.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')) mask |= 1 << i;
  });
  return mask;
};

const candidatesIn = (network: string): number => {
  let mask = containedBy.get(network);
  if (mask === undefined) {
    mask = v4CandidatesIn(network) ?? listedCandidatesIn(network);
    if (containedBy.size >= CONTAINED_LIMIT) containedBy.clear();
    containedBy.set(network, mask);
  }
  return mask;
};

/**
 * The first candidate outside the listed networks, skipping `tried` (candidates the evaluation
 * found authorized by terms a static walk cannot see, such as exists or ptr); null when every
 * candidate is listed (a record like ip4:0.0.0.0/0 ip6:::/0 authorizes everyone).
 */
export const unlistedAddress = (networks: readonly string[], tried: readonly string[] = []): string | null => {
  // the documentation addresses, network by network (cached)
  let listedMask = 0;
  for (const n of networks) {
    listedMask |= candidatesIn(n);
    if (listedMask === ALL_CANDIDATES) break;
  }
  const first = CANDIDATES.find((ip, i) => (listedMask & (1 << i)) === 0 && !tried.includes(ip));
  if (first) return first;
  // past them (rare): the whole tree in one BlockList
  const listed = networkList(networks);
  const outside = (ip: string) => !tried.includes(ip) && !listed.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  for (const ip of generated()) if (outside(ip)) return ip;
  return null;
};

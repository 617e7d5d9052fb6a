// The relay's own name: its PTR record and whether that name resolves back to it
// (forward-confirmed reverse DNS). Gmail requires it of every sending IP (support page 81126,
// "IP addresses"; replies 451 4.7.23 / 550 5.7.25 on page 3726730).
import { isIP } from '../ip.ts';
import { errorCode, isNoRecord, normalizeName, type Resolver } from '../dns/types.ts';

export type FcrdnsStatus =
  | 'confirmed' // a PTR name resolves back to the IP
  | 'no-ptr' // no PTR record (NXDOMAIN or no data)
  | 'not-confirmed' // PTR names exist, none resolves back to the IP
  | 'dns-error'; // a lookup failed: the outcome is open

export interface RelayIdentity {
  ip: string;
  family: 4 | 6;
  /** The reverse name queried (RFC 1035 3.5, RFC 3596 2.5). */
  reverseName: string;
  status: FcrdnsStatus;
  /** The PTR names found (at most MAX_PTR_NAMES are followed). */
  ptr: string[];
  /** The PTR name that resolves back to the IP, for "confirmed". */
  confirmedName: string | null;
  error?: string;
}

// RFC 7208 5.5 bounds its own PTR validation at 10 names; a receiver's FCrDNS is no more generous.
const MAX_PTR_NAMES = 10;

/** Expands an IPv6 address to its 32 hex nibbles. */
const ipv6Nibbles = (ip: string): string => {
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let h = parse(head);
  let t = parse(tail);
  // an embedded IPv4 tail (::ffff:192.0.2.1) is two groups
  const v4 = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const o = g.split('.').map(Number);
      return [((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16)];
    });
  h = v4(h);
  t = v4(t);
  const missing = ip.includes('::') ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array<string>(missing).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
};

export const reverseName = (ip: string): string =>
  isIP(ip) === 4 ? `${ip.split('.').reverse().join('.')}.in-addr.arpa` : `${ipv6Nibbles(ip).split('').reverse().join('.')}.ip6.arpa`;

const sameIp = (a: string, b: string): boolean => {
  const fa = isIP(a);
  if (fa !== isIP(b) || fa === 0) return false;
  return fa === 4 ? a === b : ipv6Nibbles(a) === ipv6Nibbles(b);
};

/** PTR and forward confirmation of one IP. Never throws: a failed lookup is "dns-error". */
export const fetchRelayIdentity = async (resolver: Resolver, ip: string): Promise<RelayIdentity> => {
  const family = isIP(ip) === 6 ? 6 : 4;
  const base = { ip, family, reverseName: reverseName(ip) } as const;
  let names: string[];
  try {
    names = (await resolver(base.reverseName, 'PTR')).map(normalizeName);
  } catch (err) {
    if (isNoRecord(err)) return { ...base, status: 'no-ptr', ptr: [], confirmedName: null };
    return { ...base, status: 'dns-error', ptr: [], confirmedName: null, error: errorCode(err) };
  }
  if (!names.length) return { ...base, status: 'no-ptr', ptr: [], confirmedName: null };
  const followed = names.slice(0, MAX_PTR_NAMES);
  let error: string | undefined;
  for (const name of followed) {
    try {
      const addresses = await resolver(name, family === 4 ? 'A' : 'AAAA');
      if (addresses.some((a) => sameIp(a, ip))) return { ...base, status: 'confirmed', ptr: names, confirmedName: name };
    } catch (err) {
      if (!isNoRecord(err)) error ??= errorCode(err);
    }
  }
  // a name that could not be resolved might have confirmed it
  if (error) return { ...base, status: 'dns-error', ptr: names, confirmedName: null, error };
  return { ...base, status: 'not-confirmed', ptr: names, confirmedName: null };
};

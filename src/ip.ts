// net.isIP with the same answers, without node's IPv6 pattern: its first run costs ~5 ms, and it
// came in a check's last steps (reading an include's ip6: networks) or before its first query (an
// IPv6 relay) (issue 7). test/unit/startup-parts.test.ts compares the two on thousands of strings.

// node's own IPv4 pattern (lib/internal/net.js): four decimal octets, no leading zeros
const V4_SEG = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^(?:${V4_SEG}\\.){3}${V4_SEG}$`);
const GROUP = /^[0-9a-fA-F]{1,4}$/;
// node accepts a zone (%eth0) of these characters after an IPv6 address
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/**
 * The text form of RFC 4291 2.2 as node reads it: eight groups of 1 to 4 hex digits, or fewer
 * around one "::" that stands for at least one group; the last two may be written as a dotted
 * IPv4 address; a zone may follow.
 */
const isIPv6 = (input: string): boolean => {
  let s = input;
  const zone = s.indexOf('%');
  if (zone !== -1) {
    if (!ZONE.test(s.slice(zone + 1))) return false;
    s = s.slice(0, zone);
  }
  const last = s.lastIndexOf(':');
  if (last === -1) return false;
  // a dotted IPv4 address counts as the last two groups
  if (s.includes('.', last)) {
    if (!IPV4.test(s.slice(last + 1))) return false;
    s = `${s.slice(0, last + 1)}0:0`;
  }
  const gap = s.indexOf('::');
  if (gap === -1) {
    const groups = s.split(':');
    return groups.length === 8 && groups.every((g) => GROUP.test(g));
  }
  if (s.includes('::', gap + 1)) return false;
  const head = s.slice(0, gap);
  const tail = s.slice(gap + 2);
  const groups = [...(head === '' ? [] : head.split(':')), ...(tail === '' ? [] : tail.split(':'))];
  return groups.length <= 7 && groups.every((g) => GROUP.test(g));
};

/** 4 for an IPv4 address, 6 for an IPv6 address, else 0: exactly net.isIP. */
export const isIP = (input: string): 0 | 4 | 6 => {
  if (input.includes(':')) return isIPv6(input) ? 6 : 0;
  return IPV4.test(input) ? 4 : 0;
};

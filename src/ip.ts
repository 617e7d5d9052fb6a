// net.isIP with the same answers, without running node's IPv6 pattern on a string that cannot be
// an IPv6 address (it has no colon): the first run of that pattern costs ~10 ms, before a check
// can send its first query (issue 7), and domain names are what fwdcheck tests most.
import { isIP as nodeIsIP } from 'node:net';

// node's own IPv4 pattern (lib/internal/net.js): four decimal octets, no leading zeros
const V4_SEG = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^(?:${V4_SEG}\\.){3}${V4_SEG}$`);

/** 4 for an IPv4 address, 6 for an IPv6 address, else 0: exactly net.isIP. */
export const isIP = (input: string): 0 | 4 | 6 => {
  if (input.includes(':')) return nodeIsIP(input) as 0 | 4 | 6;
  return IPV4.test(input) ? 4 : 0;
};

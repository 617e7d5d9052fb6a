// Typed parsers for the command-line values. Each throws UsageError naming what is wrong.
import { isIP } from './ip.ts';
import { domainToASCII } from 'node:url';
import type { ServerAddress } from './dns/types.ts';
import { domainOddity, splitMailbox } from './envelope.ts';
import { receiverIdOf } from './receivers/ids.ts';
import { RECEIVER_IDS, type ReceiverId } from './receivers/types.ts';

/** Bad usage or input: exit code 2, one line on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A domain name as fwdcheck checks it: lower-case A-labels (RFC 5890), no trailing dot. */
export const parseDomain = (input: string, what = 'domain'): string => {
  const raw = input.trim().replace(/\.$/, '');
  if (raw === '') throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: empty`);
  // domainToASCII decodes percent escapes (bank%2eexample -> bank.example): refuse them first
  if (raw.includes('%')) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: contains "%" (percent escapes are not decoded)`);
  // domainToASCII silently drops tabs and line breaks: refuse them first
  if (/\s/.test(raw)) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: contains white space`);
  const ascii = domainToASCII(raw);
  if (ascii === '' || ascii.includes('%')) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: not a domain name`);
  if (isIP(ascii)) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: an IP address, not a domain name`);
  if (ascii.length > 253) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: longer than 253 characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: needs at least two labels, like example.com`);
  for (const label of labels) {
    if (!LDH_LABEL.test(label)) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: label "${label}" is not letters, digits and inner hyphens of 1 to 63 characters`);
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) throw new UsageError(`invalid ${what} ${JSON.stringify(input)}: the top-level label is all digits`);
  return ascii;
};

export const parseIp = (input: string): string => {
  const ip = input.trim();
  const family = ip.includes('%') ? 0 : isIP(ip);
  if (family === 0) throw new UsageError(`invalid relay IP "${input}": not an IPv4 or IPv6 address`);
  return family === 6 ? ip.toLowerCase() : ip;
};

// C0 controls and DEL: no SMTP client sends them in a command argument, and they would break the
// one-line report of what was given
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * An envelope sender as an SMTP client may send it (RFC 5321 4.1.2): local@domain, "<>" or ""
 * for the null sender, a quoted local part ("a@b"@example.com), an empty local part, a domain
 * literal, labels over 63 octets. What is unusual is reported as a warning by the check (see
 * src/envelope.ts), and SPF treats it as RFC 7208 4.3 says. Refused: control characters, an
 * unquoted second @, and an address with nothing after @.
 */
export const parseMailFrom = (input: string): string => {
  // the SMTP form <local@domain> is accepted as well as the bare address
  const value = input.trim().replace(/^<(.*)>$/, '$1');
  if (value === '') return '';
  if (CONTROL.test(value)) throw new UsageError(`invalid --mail-from ${JSON.stringify(input)}: contains control characters`);
  const parts = splitMailbox(value);
  if (typeof parts === 'string') throw new UsageError(`invalid --mail-from ${JSON.stringify(input)}: ${parts}`);
  if (domainOddity(parts.domain) !== null) return `${parts.local}@${parts.domain}`;
  return `${parts.local}@${parseDomain(parts.domain, '--mail-from domain')}`;
};

/**
 * A HELO/EHLO name as a client may send it: a domain, one label (OEMCOMPUTER), an address
 * literal ([192.0.2.1]) or junk. Only an empty name and control characters are refused; the
 * check warns about the rest, and SPF of a name that is no domain is "none" (RFC 7208 2.3, 4.3).
 */
export const parseHelo = (input: string): string => {
  const value = input.trim();
  if (value === '') throw new UsageError('invalid --helo "": empty');
  if (CONTROL.test(value)) throw new UsageError(`invalid --helo ${JSON.stringify(input)}: contains control characters`);
  if (domainOddity(value) !== null) return value;
  return parseDomain(value, '--helo name');
};

/** RFC 6376 3.1: selector = sub-domain *( "." sub-domain ). */
export const parseSelector = (input: string): string => {
  const value = input.trim().toLowerCase();
  const ok = value.length > 0 && value.length <= 200 && value.split('.').every((l) => /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/.test(l));
  if (!ok) throw new UsageError(`invalid --selector "${input}": letters, digits, hyphens, underscores and dots only`);
  return value;
};

export const parseResolver = (input: string): ServerAddress => {
  const value = input.trim();
  let host = value;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    // HOST:PORT has one colon, an IPv6 address at least two: the pattern below never takes one
    const m = /^([^:]+):(\d+)$/.exec(value);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    }
  }
  if (isIP(host) === 0) throw new UsageError(`invalid --resolver "${input}": expected an IP address, IP:PORT or [IPv6]:PORT`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid --resolver "${input}": port must be 1 to 65535`);
  return { host, port };
};

export const parseTimeout = (input: string): number => {
  const value = input.trim();
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 600_000) {
    throw new UsageError(`invalid --timeout "${input}": milliseconds from 1 to 600000`);
  }
  return Number(value);
};

export const parseDeadline = (input: string): number => {
  const value = input.trim();
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 3_600_000) {
    throw new UsageError(`invalid --deadline "${input}": milliseconds from 1 to 3600000`);
  }
  return Number(value);
};

export const parseConcurrency = (input: string): number => {
  const value = input.trim();
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 4096) {
    throw new UsageError(`invalid --concurrency "${input}": a whole number from 1 to 4096`);
  }
  return Number(value);
};

export type FailOn = 'at-risk' | 'fail';

export const parseFailOn = (input: string): FailOn => {
  if (input === 'at-risk' || input === 'fail') return input;
  throw new UsageError(`invalid --fail-on "${input}": expected at-risk or fail`);
};

/**
 * The colour level: off for --no-color, NO_COLOR (https://no-color.org) or a non-TTY, unless
 * FORCE_COLOR asks for it (FORCE_COLOR=0 turns it off).
 */
export const colorLevel = (opts: { flag: boolean; env: NodeJS.ProcessEnv; isTTY: boolean }): 0 | 1 | 2 | 3 => {
  if (!opts.flag) return 0;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n === 2 || n === 3 ? n : 1;
  }
  if (opts.env.NO_COLOR) return 0;
  return opts.isTTY ? 1 : 0;
};

/** --to values (repeatable, or comma-separated): receiver ids or aliases, "all" for every one. */
export const parseTo = (values: readonly string[]): ReceiverId[] => {
  const ids = new Set<ReceiverId>();
  for (const value of values) {
    for (const part of value.split(',')) {
      if (part.trim().toLowerCase() === 'all') {
        for (const id of RECEIVER_IDS) ids.add(id);
        continue;
      }
      const id = receiverIdOf(part);
      if (id === null) throw new UsageError(`invalid --to "${part}": expected ${RECEIVER_IDS.join(', ')} or all`);
      ids.add(id);
    }
  }
  return [...ids];
};

export interface Shard {
  /** 1-based, as test runners number shards. */
  index: number;
  count: number;
}

/** `--shard K/N`: this run checks the K-th of N disjoint parts of the list. */
export const parseShard = (input: string): Shard => {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(input);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`invalid --shard "${input}": expected K/N with 1 <= K <= N, like 2/8`);
  return { index, count };
};

// A plain command line (domains and the common options, each written out in full) read without
// commander, into what commander would give validate(): loading and setting up commander cost
// ~10 ms of CPU before a check's first query (issue 7).
// Anything else gives null, and commander reads it (cli-program.ts): --help, --version, a list of
// domains from a file, a message, a shard, an unknown option, a value that starts with "-" or is
// empty, "--", a value not among an option's choices. test/property/plain-args.test.ts checks
// that both read every plain command line the same.
import { FAIL_ON_LEVELS, FORMATS, type RawOptions } from './parse-options.ts';

/** Options with no value, and the field each sets. */
const FLAGS: Readonly<Record<string, (raw: RawOptions) => void>> = {
  '--json': (raw) => (raw.json = true),
  '--verbose': (raw) => (raw.verbose = true),
  '--debug': (raw) => (raw.debug = true),
  '--offline': (raw) => (raw.offline = true),
  '--demo': (raw) => (raw.demo = true),
  '--no-color': (raw) => (raw.color = false),
};

const choice = (allowed: readonly string[], set: (raw: RawOptions, v: string) => void) => (raw: RawOptions, v: string) => allowed.includes(v) && (set(raw, v), true);

/** Options with a value, and how each lands (the repeatable ones collect); false: not plain. */
const VALUED: Readonly<Record<string, (raw: RawOptions, value: string) => boolean>> = {
  '--relay': (raw, v) => (raw.relay.push(v), true),
  '--selector': (raw, v) => (raw.selector.push(v), true),
  '--dkim-domain': (raw, v) => (raw.dkimDomain.push(v), true),
  '--to': (raw, v) => (raw.to.push(v), true),
  '--zone': (raw, v) => (raw.zone.push(v), true),
  '--resolver': (raw, v) => ((raw.resolver = v), true),
  '--mail-from': (raw, v) => ((raw.mailFrom = v), true),
  '--helo': (raw, v) => ((raw.helo = v), true),
  '--mailbox': (raw, v) => ((raw.mailbox = v), true),
  '--timeout': (raw, v) => ((raw.timeout = v), true),
  '--deadline': (raw, v) => ((raw.deadline = v), true),
  '--concurrency': (raw, v) => ((raw.concurrency = v), true),
  // commander checks these two against their choices
  '--format': choice(FORMATS, (raw, v) => (raw.format = v)),
  '--fail-on': choice(FAIL_ON_LEVELS, (raw, v) => (raw.failOn = v)),
};

/** The words and options of a plain command line, as commander would give them; null for any other. */
export const readPlainArgs = (argv: readonly string[]): { args: string[]; raw: RawOptions } | null => {
  const raw: RawOptions = { relay: [], selector: [], dkimDomain: [], to: [], zone: [], color: true };
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      args.push(arg);
      continue;
    }
    const flag = FLAGS[arg];
    if (flag) {
      flag(raw);
      continue;
    }
    const eq = arg.indexOf('=');
    const set = VALUED[eq === -1 ? arg : arg.slice(0, eq)];
    if (!set) return null;
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-') || !set(raw, value)) return null;
  }
  return { args, raw };
};

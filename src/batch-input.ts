// Where a batch's domains come from: arguments, a file or stdin (one domain per line), and which
// of them this shard checks. Streams: a file of any length is read a line at a time.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { BatchInput } from './batch.ts';
import { parseDomain, UsageError, type Shard } from './options.ts';

/**
 * The domains of a list, one per line: `#` starts a comment (a domain name cannot hold one),
 * blank lines are skipped, a byte-order mark at the start is ignored. Lines are numbered from 1.
 */
export async function* domainsFromLines(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<BatchInput> {
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).replace(/#.*$/, '').trim();
    if (text !== '') yield { domain: text, line };
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENOTDIR: 'a part of the path is not a directory',
};

const unreadable = (path: string, err: unknown): UsageError => {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  return new UsageError(`cannot read --domains-file ${JSON.stringify(path)}: ${READ_ERRORS[code] ?? (err as Error)?.message ?? String(err)}`);
};

/**
 * Checks up front that a --domains-file can be read, so that a wrong path is a usage error
 * (exit 2) before any check starts. FIFOs are allowed: `--domains-file <(grep ...)` is one.
 */
export const assertReadableFile = async (path: string): Promise<void> => {
  if (path === '-') return;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  } catch (err) {
    throw unreadable(path, err);
  }
};

/** The lines of a file, or of stdin for "-". A read error mid-way is thrown as a UsageError. */
export async function* readLines(path: string, stdin: NodeJS.ReadableStream): AsyncGenerator<string> {
  const input = path === '-' ? stdin : createReadStream(path, { encoding: 'utf8' });
  if (path === '-') (stdin as NodeJS.ReadStream).setEncoding?.('utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* rl;
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    rl.close();
    if (path !== '-') (input as ReturnType<typeof createReadStream>).destroy();
  }
}

/** FNV-1a, 32 bits: a stable hash, the same on every machine and Node version. */
const fnv1a = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

/**
 * The shard a domain belongs to, by its name alone (never its position in the list), so that
 * every machine of a matrix agrees whatever order it reads the list in and whichever other lines
 * it holds. A line that is not a domain is hashed as written, so exactly one shard reports it.
 */
export const shardOf = (domain: string, count: number): number => {
  let key: string;
  try {
    key = parseDomain(domain);
  } catch {
    key = domain.trim().toLowerCase();
  }
  return (fnv1a(key) % count) + 1;
};

export async function* inShard(inputs: AsyncIterable<BatchInput> | Iterable<BatchInput>, shard: Shard | undefined): AsyncGenerator<BatchInput> {
  for await (const input of inputs) {
    if (!shard || shardOf(input.domain, shard.count) === shard.index) yield input;
  }
}

// Reads --message: a file, or standard input for "-". The one effect of --message, kept out of
// the core; errors are usage errors in plain words.
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './options.ts';

/** Larger than any message a mail server accepts (RFC 5321 4.5.3.1.7 leaves it to them; 50 MB is generous). */
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

export const readMessage = async (file: string, stdin: NodeJS.ReadableStream | undefined): Promise<Buffer> => {
  if (file === '-') {
    if (!stdin) throw new UsageError('--message -: no standard input to read');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer);
      size += b.length;
      if (size > MAX_MESSAGE_BYTES) throw new UsageError('--message -: standard input is larger than 50 MB');
      chunks.push(b);
    }
    if (size === 0) throw new UsageError('--message -: standard input is empty');
    return Buffer.concat(chunks);
  }
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.size > MAX_MESSAGE_BYTES) throw new UsageError(`cannot read message ${file}: larger than 50 MB`);
    const bytes = await readFile(file);
    if (bytes.length === 0) throw new UsageError(`cannot read message ${file}: the file is empty`);
    return bytes;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot read message ${file}: ${REASONS[code] ?? code ?? 'unreadable'}`);
  }
};

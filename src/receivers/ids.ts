// Receiver ids and the names people give them, apart from the models: the command line parses
// --to with these alone, so that start-up (--help, --version) loads no check code.
import { RECEIVER_IDS, type ReceiverId } from './types.ts';

/** Other names people use for the same mailboxes. */
const ALIASES: Readonly<Record<string, ReceiverId>> = {
  'outlook.com': 'outlook', hotmail: 'outlook', live: 'outlook', msn: 'outlook',
  aol: 'yahoo', 'yahoo/aol': 'yahoo',
  apple: 'icloud', 'me.com': 'icloud',
  protonmail: 'proton', 'proton.me': 'proton',
  'gmail.com': 'gmail', google: 'gmail',
};

export const isReceiverId = (value: string): value is ReceiverId => (RECEIVER_IDS as readonly string[]).includes(value);

/** The receiver a --to value names ("all" is handled by the caller), or null. */
export const receiverIdOf = (value: string): ReceiverId | null => {
  const v = value.trim().toLowerCase();
  if (isReceiverId(v)) return v;
  return ALIASES[v] ?? null;
};

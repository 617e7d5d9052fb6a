// Text layout for the human report, in time linear in the text: word wrapping with hanging
// indents, hard breaks for words wider than the line, and clipping of long outside text. Every
// text goes through `printable` here, so no renderer can forget it. (cli-table3's word wrap was
// quadratic or worse in a cell's length: 430 s for a 16 KB SPF record.) Text is escaped to
// printable ASCII (sanitize.ts printableAscii) before it is measured.
import { eastAsianWidth } from 'get-east-asian-width';
import { printableAscii } from './sanitize.ts';

const COMBINING = /\p{M}/u;

/** Columns a printable string takes in a terminal (wide East Asian characters count 2). */
export const displayWidth = (text: string): number => {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x300) width += 1;
    else if (!COMBINING.test(ch)) width += eastAsianWidth(cp);
  }
  return width;
};


export type Style = (text: string) => string;
const plain: Style = (text) => text;

/** Splits one word into pieces no wider than `width` columns. */
const hardSplit = (word: string, width: number): string[] => {
  const pieces: string[] = [];
  let piece = '';
  let w = 0;
  for (const ch of word) {
    const cw = displayWidth(ch);
    if (w + cw > width && piece) {
      pieces.push(piece);
      piece = '';
      w = 0;
    }
    piece += ch;
    w += cw;
  }
  if (piece) pieces.push(piece);
  return pieces;
};

/** Greedy word wrap of printable text into lines of at most `width` columns. */
export const wrap = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    if (!word) continue;
    const w = displayWidth(word);
    if (line && lineWidth + 1 + w <= width) {
      line += ` ${word}`;
      lineWidth += 1 + w;
      continue;
    }
    if (line) lines.push(line);
    if (w <= width) {
      line = word;
      lineWidth = w;
      continue;
    }
    const pieces = hardSplit(word, width);
    line = pieces.pop() ?? '';
    lineWidth = displayWidth(line);
    lines.push(...pieces);
  }
  if (line || !lines.length) lines.push(line);
  return lines;
};

/** A word longer than this (a quoted record term, a tag value) is shortened in the report. */
export const LONG_WORD = 200;

const clipWord = (word: string): string => {
  let end = LONG_WORD;
  const code = word.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${word.slice(0, end)}... (${word.length - end} more characters)`;
};

/**
 * Text from outside (records, terms, names) can be any length; the human report shows the start
 * of a long word, and of a long text, and says what is left out. `max` is in UTF-16 units; a
 * surrogate pair is never cut. Domain names (253) and IPv6 addresses (45) stay whole.
 */
export const clip = (text: string, max: number): string => {
  const words = text.length > LONG_WORD ? text.replace(new RegExp(`[^ ]{${LONG_WORD + 1},}`, 'g'), clipWord) : text;
  if (words.length <= max) return words === text ? text : `${words} (--verbose or --json shows all)`;
  let end = max;
  const code = words.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${words.slice(0, end)}... (${words.length - end} more characters; --verbose or --json shows all)`;
};

export interface ParaOptions {
  /** Printed before the first line (plain text; styled with labelStyle). */
  label?: string;
  labelStyle?: Style;
  /** Columns of indentation for every line (before the label on the first line). */
  indent?: number;
  /** Style of the text itself. */
  style?: Style;
}

/** The lines of one paragraph: indent + label on the first line, hanging indent after it. */
export const para = (text: string, width: number, o: ParaOptions = {}): string[] => {
  const indent = ' '.repeat(o.indent ?? 0);
  const label = o.label ? printableAscii(o.label) : '';
  const labelWidth = displayWidth(label);
  const hang = ' '.repeat(labelWidth);
  const style = o.style ?? plain;
  const labelStyle = o.labelStyle ?? plain;
  const room = Math.max(10, width - indent.length - labelWidth);
  return wrap(printableAscii(text), room).map((line, i) => `${indent}${i === 0 ? labelStyle(label) : hang}${line ? style(line) : ''}`.trimEnd());
};

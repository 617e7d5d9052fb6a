// The one place where text that came from outside fwdcheck (DNS answers, zone files, messages,
// argv, error messages of libraries) becomes printable. A domain's owner writes its TXT records,
// so a record can carry ESC/CSI/OSC sequences that move the cursor, erase lines, set the window
// title or flip the reading order (bidi overrides) and so forge what the report says. Every
// renderer and every stderr line passes its text through `printable` before it adds its own
// colours; the JSON carries the exact text, with `jsonSafe` escaping what JSON.stringify leaves raw.

/**
 * Code points that must never reach a terminal raw: C0 controls (incl. TAB, LF, CR), DEL and C1
 * controls (Cc), format characters (Cf: bidi embeddings, overrides U+202A-202E and isolates
 * U+2066-2069, marks, zero-width characters, soft hyphen, BOM, tag characters), line and paragraph
 * separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_KEEP_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\x1b` for code points up to U+00FF, `\u202e` in the BMP, `\u{e0001}` beyond. */
export const escapeCodePoint = (ch: string): string => {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
};

/** One line of text, safe for a terminal: every unsafe code point shown escaped and visible. */
export const printable = (text: string): string => text.replace(UNSAFE, escapeCodePoint);

/**
 * The human report's form: everything outside printable ASCII escaped. TXT records are octets
 * (decoded one byte to one character, the same from zone files and the wire), so a byte beyond
 * ASCII shows as its value (`\xe2\x80\xae`) rather than as a Latin-1 letter it never meant.
 * fwdcheck's own wording is ASCII, so only outside text is affected.
 */
export const printableAscii = (text: string): string => text.replace(/[^\x20-\x7e]/gu, escapeCodePoint);

/** Several lines (a stack trace under --debug): line feeds kept, everything else as `printable`. */
export const printableLines = (text: string): string => text.replace(UNSAFE_KEEP_NEWLINE, escapeCodePoint);

/** True when the text holds nothing a terminal would act on (what `printable` returns). */
export const isPrintable = (text: string): boolean => !new RegExp(UNSAFE.source, 'u').test(text);

/**
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls, bidi overrides and U+2028/9 raw,
 * and `--json` may go to a terminal. Escaping them as \uXXXX keeps the document's exact text.
 */
export const jsonSafe = (json: string): string =>
  json.replace(/[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });

// A real message (RFC 5322) carried along the path: what a relay really does to its bytes.
// Pure: bytes in, bytes out. The text is handled as latin1 so that every byte survives untouched
// (DKIM signs bytes, RFC 6376 3.4), and the message's own line ending is kept.
import type { Modification } from './parse-relay.ts';

export interface MessageFacts {
  /** The address in the From header field (RFC 5322 3.6.2), lower-cased domain. */
  fromAddress: string | null;
  fromDomain: string | null;
  /** The envelope sender recorded by the final delivery (Return-Path, RFC 5321 4.4), if any. */
  returnPath: string | null;
  subject: string | null;
  dkimSignatures: number;
}

interface Entity {
  /** Header section, without the empty line that ends it. */
  header: string;
  body: string;
  eol: string;
}

const split = (text: string): Entity => {
  const eol = /\r\n/.test(text.slice(0, 4096)) ? '\r\n' : '\n';
  const sep = text.indexOf(`${eol}${eol}`);
  if (sep < 0) return { header: text.replace(/(\r?\n)+$/, ''), body: '', eol };
  return { header: text.slice(0, sep), body: text.slice(sep + eol.length * 2), eol };
};

const join = (e: Entity): string => `${e.header}${e.eol}${e.eol}${e.body}`;

/** Header fields in order, each with its continuation lines (RFC 5322 2.2.3). */
const fields = (header: string, eol: string): string[] => {
  const out: string[] = [];
  for (const line of header.split(eol)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1] += `${eol}${line}`;
    else out.push(line);
  }
  return out;
};

const fieldName = (field: string): string => field.slice(0, Math.max(0, field.indexOf(':'))).trim().toLowerCase();
const fieldValue = (field: string): string => field.slice(field.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();

const getField = (e: Entity, name: string): string | null => {
  const f = fields(e.header, e.eol).find((x) => fieldName(x) === name);
  return f === undefined ? null : fieldValue(f);
};

/** The addr-spec in a mailbox: "Name <a@b>" or "a@b" (comments dropped). */
const addrSpec = (value: string): string | null => {
  const angle = /<([^<>]*)>/.exec(value);
  const candidate = (angle ? angle[1]! : value.replace(/\([^()]*\)/g, '')).trim();
  if (angle && candidate === '') return '';
  const m = /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(candidate);
  return m ? m[1]! : null;
};

const domainOf = (address: string): string | null => {
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
};

export const messageFacts = (bytes: Buffer): MessageFacts => {
  const e = split(bytes.toString('latin1'));
  const from = getField(e, 'from');
  const fromAddress = from === null ? null : addrSpec(from);
  const rp = getField(e, 'return-path');
  const returnPath = rp === null ? null : addrSpec(rp);
  return {
    fromAddress: fromAddress || null,
    fromDomain: fromAddress ? domainOf(fromAddress) : null,
    returnPath,
    subject: getField(e, 'subject'),
    dkimSignatures: fields(e.header, e.eol).filter((f) => fieldName(f) === 'dkim-signature').length,
  };
};

/** Whether the bytes look like a message at all: a header section with a From field. */
export const looksLikeMessage = (bytes: Buffer): boolean => {
  const e = split(bytes.toString('latin1').slice(0, 256 * 1024));
  const fs = fields(e.header, e.eol);
  return fs.length > 0 && fs.every((f) => /^[!-9;-~]+:/.test(f)) && fs.some((f) => fieldName(f) === 'from');
};

// ---- MIME helpers (RFC 2045, RFC 2046) ----

const param = (value: string, name: string): string | null => {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
};

const contentType = (e: Entity): { type: string; boundary: string | null } => {
  const ct = getField(e, 'content-type') ?? 'text/plain';
  return { type: ct.split(';')[0]!.trim().toLowerCase(), boundary: param(ct, 'boundary') };
};

const cte = (e: Entity): string => (getField(e, 'content-transfer-encoding') ?? '7bit').toLowerCase();

const setField = (e: Entity, name: string, value: string): Entity => {
  const fs = fields(e.header, e.eol);
  const i = fs.findIndex((f) => fieldName(f) === name.toLowerCase());
  const line = `${name}: ${value}`;
  if (i >= 0) fs[i] = line;
  else fs.push(line);
  return { ...e, header: fs.join(e.eol) };
};

const wrap76 = (s: string, eol: string): string => (s.match(/.{1,76}/g) ?? []).join(eol);

const decodeQp = (body: string, eol: string): string =>
  body.replace(new RegExp(`=${eol === '\r\n' ? '\\r\\n' : '\\n'}`, 'g'), '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

const encodeQp = (text: string, eol: string): string =>
  text
    .split(eol)
    .map((line) => {
      let out = '';
      let col = 0;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        const code = ch.charCodeAt(0);
        const atEnd = i === line.length - 1;
        const safe = (code >= 33 && code <= 126 && ch !== '=') || ((ch === ' ' || ch === '\t') && !atEnd);
        const piece = safe ? ch : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
        // soft line break (RFC 2045 6.7 rule 5): lines of at most 76 characters
        if (col + piece.length > 75) {
          out += `=${eol}`;
          col = 0;
        }
        out += piece;
        col += piece.length;
      }
      return out;
    })
    .join(eol);

const decodeBody = (e: Entity): string => {
  const enc = cte(e);
  if (enc === 'base64') return Buffer.from(e.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (enc === 'quoted-printable') return decodeQp(e.body, e.eol);
  return e.body;
};

const withTrailingEol = (s: string, eol: string): string => (s === '' || s.endsWith(eol) ? s : `${s}${eol}`);

/** Splits a multipart body at its boundary (RFC 2046 5.1.1) into preamble, parts and epilogue. */
const multipartParts = (e: Entity, boundary: string): { preamble: string; parts: string[]; epilogue: string } | null => {
  const delim = `--${boundary}`;
  const lines = e.body.split(e.eol);
  const starts: number[] = [];
  let close = -1;
  lines.forEach((l, i) => {
    if (close >= 0) return;
    const t = l.replace(/[ \t]+$/, '');
    if (t === `${delim}--`) close = i;
    else if (t === delim) starts.push(i);
  });
  if (!starts.length || close < 0) return null;
  const parts: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]! + 1;
    const to = k + 1 < starts.length ? starts[k + 1]! : close;
    parts.push(lines.slice(from, to).join(e.eol));
  }
  return {
    preamble: lines.slice(0, starts[0]).join(e.eol),
    parts,
    epilogue: lines.slice(close + 1).join(e.eol),
  };
};

const assembleMultipart = (e: Entity, boundary: string, m: { preamble: string; parts: string[]; epilogue: string }): string => {
  const delim = `--${boundary}`;
  const pieces = [m.preamble === '' ? null : m.preamble, ...m.parts.flatMap((p) => [delim, p]), `${delim}--`].filter((x) => x !== null);
  return `${pieces.join(e.eol)}${e.eol}${m.epilogue}`;
};

/** Applies fn to the first leaf part that is text (the part a list footer or a filter touches). */
const onFirstTextLeaf = (e: Entity, fn: (leaf: Entity) => Entity): Entity | null => {
  const { type, boundary } = contentType(e);
  if (type.startsWith('multipart/') && boundary) {
    const m = multipartParts(e, boundary);
    if (!m) return null;
    for (let i = 0; i < m.parts.length; i++) {
      const part = split(m.parts[i]!.startsWith(e.eol) ? m.parts[i]! : m.parts[i]!);
      const sub = { ...part, eol: e.eol };
      const changed = onFirstTextLeaf(sub, fn);
      if (changed) {
        m.parts[i] = join(changed);
        return { ...e, body: assembleMultipart(e, boundary, m) };
      }
    }
    return null;
  }
  if (type.startsWith('text/') || type === '') return fn(e);
  return null;
};

// ---- what relays do ----

export interface ModifyContext {
  /** The list or relay name for the Subject tag and the footer. */
  tag: string;
  /** The list address (Reply-To, List-Post) for "headers". */
  listAddress: string;
}

export const footerText = (ctx: ModifyContext, eol: string): string =>
  [`_______________________________________________`, `${ctx.tag} mailing list -- ${ctx.listAddress}`, `To unsubscribe send an email to ${ctx.listAddress.replace('@', '-leave@')}`].join(eol);

const addFooter = (e: Entity, ctx: ModifyContext): Entity => {
  const footer = footerText(ctx, e.eol);
  const { type, boundary } = contentType(e);
  if (type.startsWith('multipart/') && boundary) {
    // Mailman appends a text/plain part of its own to a multipart message
    const m = multipartParts(e, boundary);
    if (m) {
      m.parts.push([`Content-Type: text/plain; charset="us-ascii"`, `MIME-Version: 1.0`, `Content-Transfer-Encoding: 7bit`, `Content-Disposition: inline`, ``, footer, ``].join(e.eol));
      return { ...e, body: assembleMultipart(e, boundary, m) };
    }
  }
  const enc = cte(e);
  if (enc === 'base64') {
    const text = `${withTrailingEol(decodeBody(e), e.eol)}${footer}${e.eol}`;
    return { ...e, body: `${wrap76(Buffer.from(text, 'latin1').toString('base64'), e.eol)}${e.eol}` };
  }
  const appended = enc === 'quoted-printable' ? encodeQp(footer, e.eol) : footer;
  return { ...e, body: `${withTrailingEol(e.body, e.eol)}${appended}${e.eol}` };
};

/**
 * Re-encodes the body as a gateway does: 8bit text to quoted-printable (a hop without 8BITMIME,
 * RFC 6152), base64 to quoted-printable and 7-bit or quoted-printable text to base64 (content
 * filters that normalize encodings).
 */
const reencode = (e: Entity): Entity => {
  const enc = cte(e);
  const text = decodeBody(e);
  // eslint-disable-next-line no-control-regex
  const eightBit = enc === '8bit' || (enc !== 'base64' && enc !== 'quoted-printable' && /[^\x00-\x7f]/.test(text));
  if (eightBit || enc === 'base64') {
    return setField({ ...e, body: withTrailingEol(encodeQp(text.replace(new RegExp(`${e.eol}$`), ''), e.eol), e.eol) }, 'Content-Transfer-Encoding', 'quoted-printable');
  }
  return setField({ ...e, body: `${wrap76(Buffer.from(text, 'latin1').toString('base64'), e.eol)}${e.eol}` }, 'Content-Transfer-Encoding', 'base64');
};

const tagSubject = (e: Entity, ctx: ModifyContext): Entity => {
  const fs = fields(e.header, e.eol);
  const i = fs.findIndex((f) => fieldName(f) === 'subject');
  const tag = `[${ctx.tag}]`;
  if (i < 0) fs.push(`Subject: ${tag}`);
  else {
    const f = fs[i]!;
    const colon = f.indexOf(':');
    const rest = f.slice(colon + 1).replace(/^[ \t]*/, '');
    if (!rest.startsWith(tag)) fs[i] = `${f.slice(0, colon + 1)} ${tag} ${rest}`;
  }
  return { ...e, header: fs.join(e.eol) };
};

/** What a mailing list does to the header (RFC 2369, RFC 2919): Reply-To and List-* fields. */
const listHeaders = (e: Entity, ctx: ModifyContext): Entity => {
  let out = setField(e, 'Reply-To', ctx.listAddress);
  out = setField(out, 'List-Id', `<${ctx.listAddress.replace('@', '.')}>`);
  out = setField(out, 'List-Post', `<mailto:${ctx.listAddress}>`);
  out = setField(out, 'List-Unsubscribe', `<mailto:${ctx.listAddress.replace('@', '-leave@')}>`);
  return out;
};

/** Applies one modification to the message, as the relay really would. */
export const applyModification = (bytes: Buffer, mod: Modification, ctx: ModifyContext): Buffer => {
  const e = split(bytes.toString('latin1'));
  let out: Entity;
  switch (mod) {
    case 'subject':
      out = tagSubject(e, ctx);
      break;
    case 'footer':
      out = addFooter(e, ctx);
      break;
    case 'reencode':
      out = onFirstTextLeaf(e, reencode) ?? reencode(e);
      break;
    case 'headers':
      out = listHeaders(e, ctx);
      break;
  }
  return Buffer.from(join(out), 'latin1');
};

/** Every relay adds a trace field at the top (RFC 5321 4.4); it is not signed, so DKIM does not mind. */
export const addReceived = (bytes: Buffer, line: { from: string; ip: string; by: string; date: Date }): Buffer => {
  const text = bytes.toString('latin1');
  const eol = /\r\n/.test(text.slice(0, 4096)) ? '\r\n' : '\n';
  const stamp = line.date.toUTCString().replace('GMT', '+0000');
  const received = `Received: from ${line.from} ([${line.ip}])${eol}\tby ${line.by} with ESMTP; ${stamp}${eol}`;
  return Buffer.from(`${received}${text}`, 'latin1');
};

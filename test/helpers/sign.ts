// Signs fixture messages for the tests with the key made for the fixture zone (sender.example,
// selector key1: fixtures/keys/key1.sender.example.pem; the public half is in
// fixtures/zones/path.zone). mailauth's own signer, as a real sending server would use.
import { readFileSync } from 'node:fs';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { FIXTURES } from './run-cli.ts';

export const SENDER_KEY = readFileSync(new URL('../../fixtures/keys/key1.sender.example.pem', import.meta.url));

export interface FixtureMessage {
  from?: string;
  returnPath?: string | null;
  subject?: string;
  body?: string;
  contentType?: string;
  transferEncoding?: string;
}

/** A plain message as the sender's server writes it (CRLF line ends, RFC 5322). */
export const fixtureMessage = (m: FixtureMessage = {}): string => {
  const lines = [
    ...(m.returnPath === null ? [] : [`Return-Path: <${m.returnPath ?? 'news@sender.example'}>`]),
    `From: Sender News <${m.from ?? 'news@sender.example'}>`,
    'To: alice@uni.example',
    `Subject: ${m.subject ?? 'Your November statement'}`,
    'Date: Mon, 30 Nov 2026 09:00:00 +0000',
    'Message-ID: <20261130090000.1@sender.example>',
    'MIME-Version: 1.0',
    `Content-Type: ${m.contentType ?? 'text/plain; charset=utf-8'}`,
    `Content-Transfer-Encoding: ${m.transferEncoding ?? '8bit'}`,
    '',
    m.body ?? 'Dear Alice,\r\n\r\nyour statement for November is ready.\r\n\r\nSender Bank\r\n',
  ];
  return lines.join('\r\n');
};

/** Prepends a DKIM-Signature for sender.example (selector key1); `l` signs only that many body octets. */
export const signMessage = async (message: string, opts: { l?: number; domain?: string } = {}): Promise<string> => {
  const res = await dkimSign(message, {
    signatureData: [
      {
        signingDomain: opts.domain ?? 'sender.example',
        selector: 'key1',
        privateKey: SENDER_KEY,
        canonicalization: 'relaxed/relaxed',
        ...(opts.l !== undefined ? { maxBodyLength: opts.l } : {}),
      },
    ],
    signTime: new Date('2026-11-30T09:00:00Z'),
  } as never);
  if (res.errors?.length || !res.signatures) throw new Error(`signing failed: ${JSON.stringify(res.errors)}`);
  return `${res.signatures}${message}`;
};

export const PATH_ZONE = `${FIXTURES}zones/path.zone`;

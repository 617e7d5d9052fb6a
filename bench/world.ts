// The bench's DNS world: N sender domains that share providers' includes as real ones do (Google,
// Microsoft 365, SendGrid, Mailchimp, Amazon SES, each with its own include levels), DMARC
// records of every policy, DKIM keys at the providers' selectors (Microsoft's as CNAMEs to the
// tenant), and one deeply nested domain whose longest chain of dependent lookups is known by
// construction. Names end in .example and .test (RFC 2606) except the providers' real include
// names, which fwdcheck recognises (src/records/providers.ts).
import { generateKeyPairSync } from 'node:crypto';

export const RELAY = '203.0.113.7';

/** One 2048-bit RSA public key, as a DKIM p= value (the same key everywhere: only its form matters). */
const dkimKey = (): string => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
};

/** A TXT record in zone-file syntax: strings of at most 255 octets (RFC 1035 3.3.14). */
const txt = (value: string): string => {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 250) parts.push(`"${value.slice(i, i + 250)}"`);
  return parts.length > 1 ? `( ${parts.join(' ')} )` : parts[0]!;
};

interface Provider {
  include: string;
  mx?: string;
  /** Selectors with a key at the customer's domain (DKIM enabled at the provider). */
  selectors: string[];
}

const PROVIDERS: Provider[] = [
  { include: '_spf.google.com', mx: 'aspmx.l.google.com', selectors: ['google'] },
  { include: 'spf.protection.outlook.com', mx: '{tenant}.mail.protection.outlook.com', selectors: ['selector1', 'selector2'] },
  { include: 'sendgrid.net', selectors: ['s1', 's2'] },
  { include: 'servers.mcsv.net', selectors: ['k1'] },
  { include: 'amazonses.com', selectors: [] },
];

/** The providers' own records: two or three include levels each, as published. */
const providerZone = (): string => `
$ORIGIN google.com.
_spf            TXT "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"
_netblocks      TXT "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ip4:66.249.80.0/20 ip4:72.14.192.0/18 ~all"
_netblocks2     TXT "v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 ~all"
_netblocks3     TXT "v=spf1 ip4:172.217.0.0/19 ip4:172.217.32.0/20 ip4:172.253.56.0/21 ~all"
aspmx.l         A   142.250.27.26
$ORIGIN outlook.com.
spf.protection  TXT "v=spf1 include:spfa.protection.outlook.com include:spfb.protection.outlook.com -all"
spfa.protection TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 -all"
spfb.protection TXT "v=spf1 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 -all"
*.mail.protection A 52.101.68.0
$ORIGIN sendgrid.net.
@               TXT "v=spf1 ip4:167.89.0.0/17 ip4:208.117.48.0/20 ip4:50.31.32.0/19 ~all"
$ORIGIN mcsv.net.
servers         TXT "v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ip4:148.105.8.0/21 ?all"
$ORIGIN amazonses.com.
@               TXT "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ~all"
$ORIGIN forwarder.example.
relay           A   ${RELAY}
$ORIGIN 113.0.203.in-addr.arpa.
7               PTR relay.forwarder.example.
`;

const DMARC = ['v=DMARC1; p=reject; rua=mailto:dmarc@{d}', 'v=DMARC1; p=quarantine; pct=100', 'v=DMARC1; p=none; rua=mailto:agg@{d}', null] as const;

/** A small deterministic generator, so that every run builds the same world. */
const rng = (seed: number) => () => {
  seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return seed / 2 ** 32;
};

export interface World {
  zone: string;
  domains: string[];
  nested: { domain: string; dependentLookups: number; chain: string[] };
}

/** The nested domain: four TXT levels, then mx: (MX, then the exchange's address). */
const nestedZone = (key: string) => ({
  zone: `
$ORIGIN nested.example.
@               TXT "v=spf1 include:l1.chain.test -all"
_dmarc          TXT "v=DMARC1; p=reject"
google._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key}`)}
@               MX  10 mx.nested.example.
mx              A   198.51.100.99
$ORIGIN chain.test.
l1              TXT "v=spf1 ip4:198.51.100.1 include:l2.chain.test -all"
l2              TXT "v=spf1 ip4:198.51.100.2 include:l3.chain.test -all"
l3              TXT "v=spf1 mx:mail.chain.test include:_spf.google.com -all"
mail            MX  10 mx1.mail.chain.test.
mx1.mail        A   198.51.100.3
`,
  // the longest chain: each lookup needs the answer before it
  chain: ['TXT nested.example', 'TXT l1.chain.test', 'TXT l2.chain.test', 'TXT l3.chain.test', 'MX mail.chain.test', 'A mx1.mail.chain.test'],
});

export const buildWorld = (n: number, seed = 7): World => {
  const key = dkimKey();
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const lines: string[] = [providerZone()];
  const domains: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = `d${i}.example`;
    domains.push(d);
    const count = 1 + Math.floor(random() * 3);
    const used = [...new Set(Array.from({ length: count }, () => pick(PROVIDERS)))];
    const tenant = `tenant${i}`;
    const mailbox = used.find((p) => p.mx);
    const all = pick(['-all', '~all', '~all', '?all']);
    // a relay's address in some domains' SPF: those pass by SPF
    const ours = random() < 0.1 ? ` ip4:${RELAY}` : '';
    lines.push(`$ORIGIN ${d}.`);
    lines.push(`@ TXT "v=spf1${used.map((p) => ` include:${p.include}`).join('')}${mailbox ? ' mx' : ''}${ours} ${all}"`);
    if (mailbox?.mx) lines.push(`@ MX 10 ${mailbox.mx.replace('{tenant}', d.replace(/\./g, '-'))}.`);
    const dmarc = pick(DMARC);
    if (dmarc) lines.push(`_dmarc TXT "${dmarc.replace('{d}', d)}"`);
    // most senders turned DKIM on at their providers; some did not
    if (random() < 0.7) {
      for (const p of used) {
        for (const s of p.selectors) {
          if (p.include === 'spf.protection.outlook.com') {
            // Microsoft 365: the selector is a CNAME to the tenant's key
            lines.push(`${s}._domainkey CNAME ${s}-${d.replace(/\./g, '-')}._domainkey.${tenant}.onmicrosoft.com.`);
            lines.push(`$ORIGIN ${tenant}.onmicrosoft.com.`, `${s}-${d.replace(/\./g, '-')}._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key}`)}`, `$ORIGIN ${d}.`);
          } else lines.push(`${s}._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key}`)}`);
        }
      }
    }
  }
  const nested = nestedZone(key);
  lines.push(nested.zone);
  return { zone: `$TTL 3600\n${lines.join('\n')}\n`, domains, nested: { domain: 'nested.example', dependentLookups: nested.chain.length, chain: nested.chain } };
};

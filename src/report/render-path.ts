// The path in words: one entry per hop, in order, saying what the hop did to the message and
// what that did to SPF and DKIM at the next receiver. Plain text, so that it survives copy and
// paste into a ticket; the layout around it belongs to the table renderer.
import type { Modification } from '../simulate/parse-relay.ts';
import type { Arrival, HopChange, Report } from './types.ts';

const MOD: Record<Modification, string> = {
  subject: 'tags the Subject',
  footer: 'adds a footer',
  reencode: 're-encodes the body',
  headers: 'rewrites Reply-To and List-* fields',
};

const relayName = (a: Arrival): string => {
  const who = a.preset ? `${a.preset} ${a.relay}` : a.relaySource === 'assumed' ? `${a.relay} (${a.relayOrigin.kind === 'assumed' && a.relayOrigin.spfAuthorizesAny ? "any forwarder: the sender's SPF authorizes every address tried" : 'a forwarder your SPF does not list'})` : a.relay;
  const id = a.relayIdentity;
  const name = !id ? '' : id.status === 'confirmed' ? ` [${id.confirmedName}]` : id.status === 'dns-error' ? ' [PTR not checked]' : id.status === 'no-ptr' ? ' [no PTR]' : ' [PTR not confirmed]';
  return `${who}${name}`;
};

const changeText = (c: HopChange): string => {
  switch (c.kind) {
    case 'envelope-rewritten':
      return `rewrites the envelope to ${c.to}`;
    case 'envelope-kept':
      return c.reason === 'spf-failed-on-arrival' ? 'keeps the envelope (SPF had failed on arrival)' : 'keeps the envelope';
    case 'modified': {
      const effect = c.broke.length ? `, breaking DKIM ${c.broke.map((b) => `d=${b.domain}`).join(', ')}` : c.survivedByLength.length ? ` (DKIM survives only by l=)` : '';
      return `${MOD[c.modification]}${effect}`;
    }
    case 'arc-sealed':
      return `seals ARC i=${c.instance}${c.sealer ? ` as ${c.sealer}` : ''}`;
  }
};

const dkimText = (a: Arrival): string => {
  const d = a.dkim;
  if (d.result === 'pass') return `DKIM pass (d=${d.domain}${d.aligned ? ', aligned' : ''})`;
  const ignored = d.signatures.filter((s) => s.problem?.code === 'receiver-ignores-ed25519');
  if (ignored.length) return `DKIM ${d.result} (${a.receiver === 'gmail' ? 'Gmail' : a.receiver} does not verify the Ed25519 signature ${ignored.map((s) => `d=${s.domain}`).join(', ')})`;
  const broken = d.signatures.find((s) => s.problem?.code === 'modified');
  if (broken?.problem?.code === 'modified') return `DKIM ${d.result} (broken at hop ${broken.problem.hop})`;
  return `DKIM ${d.result}`;
};

/** The hops, in order, as lines of text (no colour, no width decisions). */
export const pathLines = (report: Pick<Report, 'domain' | 'path' | 'basis' | 'message'>): string[] => {
  const lines: string[] = [];
  const origin = report.message ? `the message ${report.message.source}` : `mail from ${report.domain}`;
  lines.push(`0. ${origin} leaves the sender${report.basis === 'message' ? ' (DKIM verified on the real message)' : ''}`);
  for (const a of report.path) {
    const did = a.changes.map(changeText).join('; ');
    lines.push(`${a.hop}. ${relayName(a)}: ${did}`);
    lines.push(`   at ${a.receiver}: SPF ${a.spf.result} (${a.spf.domain}), ${dkimText(a)}, DMARC ${a.dmarc.result}${a.arc.sets ? `, ARC sets ${a.arc.sets}` : ''}`);
  }
  return lines;
};

// --mailbox: what the user types into the Gmail app or a mail client to fetch the forwarded
// mailbox instead, from what src/records/fetch-srv.ts discovered. Pure.
import { GMAIL_POP_IMPORT, popImportStatus } from './data/gmail-fetch.ts';
import type { MailboxDiscovery, MailService } from './records/fetch-srv.ts';
import { advice, type Advice, type ClientSetting } from './report/advice-types.ts';

const setting = (m: MailboxDiscovery, service: MailService): ClientSetting | null => {
  const found = m.services[service].endpoints[0];
  if (found) return { host: found.host, port: found.port, tls: found.tls };
  const p = m.provider?.[service];
  return p ? { host: p.host, port: p.port, tls: p.tls } : null;
};

export const mailboxAdvice = (m: MailboxDiscovery, nowMs: number): Advice => {
  const services: MailService[] = ['imap', 'pop3', 'submission'];
  const srv = services.some((s) => m.services[s].status === 'found');
  return advice('RECIPIENT_MAILBOX_SETTINGS', 'recipient', {
    address: m.address,
    source: srv ? 'srv' : m.provider ? 'provider' : 'none',
    provider: m.provider ? { name: m.provider.name, source: m.provider.source } : null,
    imap: setting(m, 'imap'),
    pop3: setting(m, 'pop3'),
    submission: setting(m, 'submission'),
    notOffered: services.filter((s) => m.services[s].status === 'not-offered'),
    username: m.address,
    popImport: popImportStatus(nowMs),
    existingUntil: GMAIL_POP_IMPORT.existingUntil,
    asOf: new Date(nowMs).toISOString().slice(0, 10),
  });
};

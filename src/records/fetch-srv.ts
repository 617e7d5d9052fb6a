// Where a mailbox can be reached by a client: RFC 6186 SRV records for IMAP, POP3 and
// submission, with RFC 8314's implicit-TLS services preferred; the MX as a hint when the domain
// publishes none. For "fetch instead of forward": what the user types into the Gmail app or a
// mail client.
import { errorCode, isNoRecord, normalizeName, type Resolver, type SrvRecord } from '../dns/types.ts';
import { providerForMx, type ProviderEndpoint } from '../data/mail-providers.ts';

export type MailService = 'imap' | 'pop3' | 'submission';
export const MAIL_SERVICES: readonly MailService[] = ['imap', 'pop3', 'submission'];

/** The SRV names of each service: implicit TLS first (RFC 8314 5.1), then STARTTLS (RFC 6186 3). */
const SRV_NAMES: Record<MailService, { label: string; tls: 'implicit' | 'starttls' }[]> = {
  imap: [{ label: '_imaps._tcp', tls: 'implicit' }, { label: '_imap._tcp', tls: 'starttls' }],
  pop3: [{ label: '_pop3s._tcp', tls: 'implicit' }, { label: '_pop3._tcp', tls: 'starttls' }],
  submission: [{ label: '_submissions._tcp', tls: 'implicit' }, { label: '_submission._tcp', tls: 'starttls' }],
};

export interface ServiceEndpoint extends ProviderEndpoint {
  priority: number;
  weight: number;
}

export interface SrvLookup {
  name: string;
  status: 'found' | 'not-offered' | 'missing' | 'dns-error';
  error?: string;
}

export interface ServiceDiscovery {
  service: MailService;
  /** found: at least one server; not-offered: the domain says so (target "."); missing: nothing published. */
  status: 'found' | 'not-offered' | 'missing' | 'dns-error';
  /** The servers in the order a client tries them (priority, then weight; RFC 2782). */
  endpoints: ServiceEndpoint[];
  lookups: SrvLookup[];
}

export interface MailboxDiscovery {
  address: string;
  domain: string;
  services: Record<MailService, ServiceDiscovery>;
  mx: { hosts: string[]; error?: string };
  /** A provider recognized by its MX host, when the domain publishes no SRV records. */
  provider: { id: string; name: string; source: string; imap: ProviderEndpoint | null; pop3: ProviderEndpoint | null; submission: ProviderEndpoint | null } | null;
}

const querySrv = async (resolver: Resolver, name: string): Promise<{ records: SrvRecord[] } | { error: string }> => {
  try {
    return { records: await resolver(name, 'SRV') };
  } catch (err) {
    if (isNoRecord(err)) return { records: [] };
    return { error: errorCode(err) };
  }
};

// RFC 2782: a target of "." means the service is decidedly not available at this domain
const isRoot = (target: string): boolean => target === '' || target === '.';

const discoverService = async (resolver: Resolver, domain: string, service: MailService): Promise<ServiceDiscovery> => {
  const lookups: SrvLookup[] = [];
  const endpoints: ServiceEndpoint[] = [];
  let notOffered = 0;
  let errors = 0;
  for (const { label, tls } of SRV_NAMES[service]) {
    const name = `${label}.${domain}`;
    const res = await querySrv(resolver, name);
    if ('error' in res) {
      lookups.push({ name, status: 'dns-error', error: res.error });
      errors++;
      continue;
    }
    const real = res.records.filter((r) => !isRoot(r.name));
    if (res.records.length && !real.length) {
      lookups.push({ name, status: 'not-offered' });
      notOffered++;
      continue;
    }
    lookups.push({ name, status: real.length ? 'found' : 'missing' });
    // lower priority first; among equals, the heavier weight first (a deterministic stand-in for RFC 2782's random pick)
    const sorted = [...real].sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name));
    for (const r of sorted) endpoints.push({ host: normalizeName(r.name), port: r.port, tls, priority: r.priority, weight: r.weight });
  }
  const status: ServiceDiscovery['status'] = endpoints.length ? 'found' : errors ? 'dns-error' : notOffered ? 'not-offered' : 'missing';
  return { service, status, endpoints, lookups };
};

/** Discovers a mailbox's client services. Never throws: DNS trouble is recorded per lookup. */
export const fetchMailbox = async (resolver: Resolver, address: string): Promise<MailboxDiscovery> => {
  const domain = normalizeName(address.slice(address.lastIndexOf('@') + 1));
  const [imap, pop3, submission, mx] = await Promise.all([
    discoverService(resolver, domain, 'imap'),
    discoverService(resolver, domain, 'pop3'),
    discoverService(resolver, domain, 'submission'),
    resolver(domain, 'MX').then(
      (records) => ({ hosts: [...records].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange)).map((r) => normalizeName(r.exchange)) }),
      (err: unknown) => (isNoRecord(err) ? { hosts: [] } : { hosts: [], error: errorCode(err) }),
    ),
  ]);
  const anySrv = [imap, pop3, submission].some((s) => s.status === 'found' || s.status === 'not-offered');
  const p = anySrv ? null : providerForMx(mx.hosts);
  return {
    address,
    domain,
    services: { imap, pop3, submission },
    mx,
    provider: p ? { id: p.id, name: p.name, source: p.source, imap: p.imap, pop3: p.pop3, submission: p.submission } : null,
  };
};

// Loads the RFC 7208 conformance suite (fixtures/conformance/rfc7208-tests.yml) into zones
// that fwdcheck's own zone resolver serves, so that the suite runs through the same path a
// check does: zone -> resolver -> SPF evaluation.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ZoneIndex, type ZoneFault, type ZoneRecord } from '../../src/dns/zone.ts';

export interface ConformanceCase {
  scenario: string;
  name: string;
  spec: string;
  host: string;
  mailfrom: string;
  helo: string;
  results: string[];
  zone: ZoneIndex;
}

type ZoneEntry = string | Record<string, unknown>;

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

const buildZone = (zonedata: Record<string, ZoneEntry[]>): ZoneIndex => {
  const records: ZoneRecord[] = [];
  const faults: [string, ZoneFault][] = [];
  for (const [name, entries] of Object.entries(zonedata ?? {})) {
    const txt: ZoneRecord[] = [];
    let hasTxt = false;
    for (const entry of entries ?? []) {
      if (entry === 'TIMEOUT') {
        faults.push([name, 'timeout-when-empty']);
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      for (const [type, value] of Object.entries(entry)) {
        const ttl = 3600;
        switch (type) {
          case 'SPF':
            records.push({ name, ttl, type: 'SPF', data: asStrings(value) });
            // The suite relies on drivers copying type SPF records to TXT when a name has no TXT
            // (see the suite's header): RFC 7208 removed the SPF type.
            txt.push({ name, ttl, type: 'TXT', data: asStrings(value) });
            break;
          case 'TXT':
            hasTxt = true;
            // "TXT: NONE" says the name has no TXT record (and gets no copy of its SPF records)
            if (value === 'NONE') break;
            records.push({ name, ttl, type: 'TXT', data: asStrings(value) });
            break;
          case 'A':
          case 'AAAA':
          case 'PTR':
          case 'CNAME':
            records.push({ name, ttl, type, data: String(value).replace(/\.$/, '') });
            break;
          case 'MX': {
            const [priority, exchange] = value as [number, string];
            records.push({ name, ttl, type: 'MX', data: { priority: Number(priority), exchange: String(exchange).replace(/\.$/, '') } });
            break;
          }
          default:
            throw new Error(`conformance zone: unexpected record type ${type} at ${name}`);
        }
      }
    }
    if (!hasTxt) records.push(...txt);
  }
  return new ZoneIndex(records, faults);
};

export const loadConformanceSuite = (path: string): ConformanceCase[] => {
  const cases: ConformanceCase[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const scenario = doc.toJS() as { description: string; tests: Record<string, Record<string, unknown>>; zonedata: Record<string, ZoneEntry[]> } | null;
    if (!scenario) continue;
    const zone = buildZone(scenario.zonedata);
    for (const [name, t] of Object.entries(scenario.tests)) {
      cases.push({
        scenario: scenario.description,
        name,
        spec: asStrings(t.spec ?? '').join(', '),
        host: String(t.host),
        mailfrom: String(t.mailfrom ?? ''),
        helo: String(t.helo ?? ''),
        results: asStrings(t.result),
        zone,
      });
    }
  }
  return cases;
};

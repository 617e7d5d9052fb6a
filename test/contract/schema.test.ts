// schema/report.schema.json and src/contract/v1.ts describe one document. The witness below
// lists every property of every v1 type as required or optional; it is typed so that tsc
// (part of npm test) fails when a field is added to a type but not here, and this test fails
// when the witness and the schema disagree. So a field cannot reach the types without the schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v1 from '../../src/contract/v1.ts';
import { SCHEMA } from '../helpers/contract.ts';

type Witness<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? 'optional' : 'required' };
const w = <T>(keys: Witness<T>): Record<string, 'required' | 'optional'> => keys as Record<string, 'required' | 'optional'>;
const all = <T>(keys: (keyof T)[]): Witness<T> => Object.fromEntries(keys.map((k) => [k, 'required'])) as Witness<T>;

type Gen = v1.Report['generator'];
type Alt = NonNullable<v1.GmailPrediction['alternative']>;
type Records = v1.Report['records'];
type Discovery = v1.DmarcRecord['discovery'];
type ArrivalSpf = v1.Arrival['spf'];
type ArrivalDkim = v1.Arrival['dkim'];
type ArrivalDmarc = v1.Arrival['dmarc'];
type BatchErrorDetail = v1.BatchError['error'];
type ReceiverAlt = NonNullable<v1.Receiver['alternative']>;

const WITNESS: Record<string, Record<string, 'required' | 'optional'>> = {
  Report: w<v1.Report>({
    schemaVersion: 'required', generator: 'required', domain: 'required', mailFrom: 'required', helo: 'required', checkedAt: 'required',
    verdict: 'required', gmail: 'required', receivers: 'required', records: 'required', basis: 'required', message: 'required', mailbox: 'required',
    path: 'required', findings: 'required',
    advice: 'required', dns: 'required', elapsedMs: 'required', debug: 'optional',
  }),
  Generator: w<Gen>(all<Gen>(['name', 'version'])),
  GmailPrediction: w<v1.GmailPrediction>(all<v1.GmailPrediction>(['action', 'smtp', 'reason', 'reasonCode', 'alternative'])),
  'GmailPrediction.alternative': w<Alt>(all<Alt>(['action', 'method'])),
  Source: w<v1.Source>(all<v1.Source>(['id', 'title', 'url', 'read', 'basis'])),
  Receiver: w<v1.Receiver>(all<v1.Receiver>(['id', 'name', 'action', 'smtp', 'reason', 'case', 'basis', 'smtpBasis', 'ed25519Ignored', 'arcMayHelp', 'alternative', 'sources'])),
  'Receiver.alternative': w<ReceiverAlt>(all<ReceiverAlt>(['action', 'method'])),
  SpfInclude: w<v1.SpfInclude>(all<v1.SpfInclude>(['domain', 'parent', 'via', 'status', 'record', 'error'])),
  SpfRecord: w<v1.SpfRecord>(all<v1.SpfRecord>(['status', 'domain', 'record', 'error', 'lookups', 'voidLookups', 'includes'])),
  DmarcTags: w<v1.DmarcTags>(all<v1.DmarcTags>(['p', 'sp', 'np', 'adkim', 'aspf', 'pct', 'testing', 'rua', 'ruf'])),
  DmarcDiscovery: w<v1.DmarcDiscovery>(all<v1.DmarcDiscovery>(['location', 'orgDomain', 'policy', 'queried'])),
  DmarcQuery: w<v1.DmarcQuery>(all<v1.DmarcQuery>(['domain', 'status', 'records', 'error'])),
  DmarcRecord: w<v1.DmarcRecord>(
    all<v1.DmarcRecord>(['status', 'method', 'record', 'records', 'location', 'published', 'policy', 'lowered', 'sampled', 'corrected', 'error', 'errorName', 'tags', 'discovery']),
  ),
  'DmarcRecord.discovery': w<Discovery>(all<Discovery>(['rfc7489', 'rfc9989'])),
  DkimSelector: w<v1.DkimSelector>(all<v1.DkimSelector>(['selector', 'name', 'status', 'origin', 'keyType', 'bits', 'record', 'records', 'cname', 'error'])),
  DkimDomain: w<v1.DkimDomain>(all<v1.DkimDomain>(['domain', 'role', 'source', 'subtree', 'skipped', 'wildcard', 'selectors'])),
  Provider: w<v1.Provider>(all<v1.Provider>(['id', 'evidence'])),
  ExpectedSignature: w<v1.ExpectedSignature>(all<v1.ExpectedSignature>(['domain', 'selector', 'keyType', 'bits', 'aligned', 'basis', 'provider', 'evidence'])),
  DkimRecords: w<v1.DkimRecords>(all<v1.DkimRecords>(['domain', 'source', 'selectors', 'wildcard', 'adkim', 'domains', 'providers', 'expected'])),
  Records: w<Records>(all<Records>(['spf', 'dmarc', 'dkim'])),
  ArrivalSpf: w<ArrivalSpf>(all<ArrivalSpf>(['result', 'domain', 'identity'])),
  ArrivalDkim: w<ArrivalDkim>(all<ArrivalDkim>(['result', 'aligned', 'domain', 'selector', 'basis', 'signatures', 'unreadable'])),
  ArrivalArc: w<v1.Arrival['arc']>(all<v1.Arrival['arc']>(['sets', 'sealers', 'vouchedPass'])),
  RelayOrigin: w<v1.Arrival['relayOrigin']>(all<v1.Arrival['relayOrigin']>(['kind', 'domain', 'network'])),
  RelayIdentity: w<v1.RelayIdentity>(all<v1.RelayIdentity>(['ip', 'family', 'reverseName', 'status', 'ptr', 'confirmedName', 'error'])),
  Signature: w<v1.Signature>(all<v1.Signature>(['domain', 'selector', 'result', 'aligned', 'basis', 'keyType', 'bits', 'bodyLengthLimit', 'problem'])),
  SignatureProblem: w<v1.SignatureProblem>(all<v1.SignatureProblem>(['code', 'modification', 'hop', 'detail'])),
  SignatureRef: w<v1.MessageModified['broke'][number]>(all<v1.MessageModified['broke'][number]>(['domain', 'selector'])),
  EnvelopeRewritten: w<v1.EnvelopeRewritten>(all<v1.EnvelopeRewritten>(['kind', 'from', 'to', 'domain', 'style', 'domainSource'])),
  EnvelopeKept: w<v1.EnvelopeKept>(all<v1.EnvelopeKept>(['kind', 'reason'])),
  MessageModified: w<v1.MessageModified>(all<v1.MessageModified>(['kind', 'modification', 'broke', 'survivedByLength'])),
  ArcSealed: w<v1.ArcSealed>(all<v1.ArcSealed>(['kind', 'instance', 'sealer', 'dmarcOnArrival'])),
  Endpoint: w<v1.Endpoint>(all<v1.Endpoint>(['host', 'port', 'tls'])),
  ServiceEndpoint: w<v1.MailboxService['endpoints'][number]>(all<v1.MailboxService['endpoints'][number]>(['host', 'port', 'tls', 'priority', 'weight'])),
  SrvLookup: w<v1.MailboxService['lookups'][number]>(all<v1.MailboxService['lookups'][number]>(['name', 'status', 'error'])),
  MailboxService: w<v1.MailboxService>(all<v1.MailboxService>(['service', 'status', 'endpoints', 'lookups'])),
  MailboxProvider: w<NonNullable<v1.Mailbox['provider']>>(all<NonNullable<v1.Mailbox['provider']>>(['id', 'name', 'source', 'imap', 'pop3', 'submission'])),
  Mailbox: w<v1.Mailbox>(all<v1.Mailbox>(['address', 'domain', 'services', 'mx', 'provider'])),
  'Mailbox.services': w<v1.Mailbox['services']>(all<v1.Mailbox['services']>(['imap', 'pop3', 'submission'])),
  'Mailbox.mx': w<v1.Mailbox['mx']>(all<v1.Mailbox['mx']>(['hosts', 'error'])),
  Message: w<v1.Message>(all<v1.Message>(['source', 'fromDomain', 'returnPath', 'signatures'])),
  ArrivalDmarc: w<ArrivalDmarc>(all<ArrivalDmarc>(['result', 'policy', 'policyDomain', 'rfc7489'])),
  'ArrivalDmarc.rfc7489': w<ArrivalDmarc['rfc7489']>(all<ArrivalDmarc['rfc7489']>(['result', 'policy', 'policyDomain'])),
  Arrival: w<v1.Arrival>(
    all<v1.Arrival>(['hop', 'relay', 'relayAsGiven', 'relaySource', 'preset', 'relayOrigin', 'receiver', 'mailFrom', 'helo', 'relayIdentity', 'changes', 'spf', 'dkim', 'dmarc', 'arc']),
  ),
  Finding: w<v1.Finding>(all<v1.Finding>(['code', 'severity', 'message', 'args'])),
  Advice: w<v1.Advice>(all<v1.Advice>(['code', 'audience', 'message', 'args'])),
  DnsStats: w<v1.DnsStats>(all<v1.DnsStats>(['source', 'queries', 'cacheHits', 'failures', 'reachable'])),
  BatchError: w<v1.BatchError>(all<v1.BatchError>(['schemaVersion', 'input', 'line', 'error'])),
  'BatchError.error': w<BatchErrorDetail>(all<BatchErrorDetail>(['code', 'message'])),
  BatchSummary: w<v1.BatchSummary>(all<v1.BatchSummary>(['total', 'checked', 'verdicts', 'inputErrors', 'internalErrors', 'exitCode', 'elapsedMs'])),
  'BatchSummary.verdicts': w<v1.BatchSummary['verdicts']>(all<v1.BatchSummary['verdicts']>([...v1.VERDICTS])),
  BatchDocument: w<v1.BatchDocument>(all<v1.BatchDocument>(['schemaVersion', 'reports', 'errors', 'summary'])),
};

/** The enumerations of v1.ts and the $defs that must list the same values. */
const ENUMS: Record<string, readonly string[]> = {
  Verdict: v1.VERDICTS,
  MailAction: v1.MAIL_ACTIONS,
  RecordStatus: v1.RECORD_STATUSES,
  SpfResult: v1.SPF_RESULTS,
  DkimResult: v1.DKIM_RESULTS,
  DmarcResult: v1.DMARC_RESULTS,
  DmarcPolicy: v1.DMARC_POLICIES,
  Severity: v1.SEVERITIES,
  Audience: v1.AUDIENCES,
  ReceiverAction: v1.RECEIVER_ACTIONS,
  Basis: v1.BASES,
  AuthCase: v1.AUTH_CASES,
};

type Node = { type?: unknown; properties?: Record<string, Node>; required?: string[]; additionalProperties?: unknown; anyOf?: Node[]; enum?: unknown[] };

/** The object schema at "Def" or "Def.prop" (through an anyOf with null). */
const objectAt = (path: string): Node => {
  const [def, ...props] = path.split('.');
  let node = SCHEMA.$defs[def!] as Node | undefined;
  for (const p of props) {
    node = node?.properties?.[p];
    if (node?.anyOf) node = node.anyOf.find((n) => n.type === 'object');
  }
  assert.ok(node, `schema has no ${path}`);
  return node;
};

describe('schema/report.schema.json agrees with src/contract/v1.ts', () => {
  for (const [path, keys] of Object.entries(WITNESS)) {
    it(`${path}: the same properties, the same required ones`, () => {
      const node = objectAt(path);
      assert.deepEqual(Object.keys(node.properties ?? {}).sort(), Object.keys(keys).sort(), `properties of ${path}`);
      const required = Object.entries(keys).filter(([, r]) => r === 'required').map(([k]) => k).sort();
      assert.deepEqual([...(node.required ?? [])].sort(), required, `required of ${path}`);
      assert.equal(node.additionalProperties, false, `${path} must refuse unknown properties, so that a field added to the output fails validation`);
    });
  }
  for (const [def, values] of Object.entries(ENUMS)) {
    it(`${def}: the same values`, () => {
      assert.deepEqual((SCHEMA.$defs[def] as Node).enum, [...values]);
    });
  }
  it('every object in the schema is covered by the witness or is the free-form Args', () => {
    const covered = new Set(Object.keys(WITNESS));
    const found: string[] = [];
    const visit = (node: Node, path: string): void => {
      if (node.type === 'object' && node.properties && !covered.has(path)) found.push(path);
      for (const [k, child] of Object.entries(node.properties ?? {})) {
        for (const n of child.anyOf ?? [child]) if (n.type === 'object' && n.properties) visit(n, `${path}.${k}`);
      }
    };
    for (const [def, node] of Object.entries(SCHEMA.$defs)) visit(node as Node, def);
    assert.deepEqual(found, []);
  });
});

// mailauth ships no types for this internal module; fwdcheck uses one function of it so that its
// RFC 9989 existence test (for np) is exactly the one mailauth's DMARC evaluation applies.
declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  const getDmarcRecord: {
    domainExists(domain: string, resolver: unknown): Promise<boolean>;
  };
  export default getDmarcRecord;
}

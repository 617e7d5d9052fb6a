// mailauth's DKIM verifier, loaded only when a check has a message to verify (--message): the
// checks without one do not load it (~6 ms of start-up, issue 7).
export { dkimVerify } from 'mailauth/lib/dkim/verify.js';

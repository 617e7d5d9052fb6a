// Gmail moved behind the receiver interface: src/receivers/gmail.ts. Kept so that imports in
// flight keep working; new code imports from there.
export { gmailReply, noDomainPrediction, predictGmail, verdictOf, type GmailContext } from '../receivers/gmail.ts';

// Every JSON document a test reads from fwdcheck goes through here: it is parsed and validated
// against schema/report.schema.json (the shipped schema, JSON Schema 2020-12) with ajv, so the
// schema is kept true by every e2e test, not by a sample. Set FWDCHECK_SCHEMA_LOG=FILE to count
// the documents validated in a run (one line each).
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import type { BatchDocument, BatchError, NdjsonLine, Report } from '../../src/contract/v1.ts';

export const SCHEMA_PATH = new URL('../../schema/report.schema.json', import.meta.url);
export const SCHEMA = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: Record<string, Record<string, unknown>> };

const ajv = new Ajv2020.default({ strict: true, allErrors: true });
// the two formats the schema uses, checked as strictly as a CI script would read them
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
ajv.addSchema(SCHEMA);
const ID = 'urn:fwdcheck:schema:report:1';

const validator = (def: string) => {
  const validate = ajv.getSchema(`${ID}#/$defs/${def}`);
  assert.ok(validate, `no $defs/${def} in the schema`);
  return validate;
};

const check = <T>(def: string, doc: unknown, text: string): T => {
  const validate = validator(def);
  if (!validate(doc)) {
    assert.fail(`${def} does not match schema/report.schema.json:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${text.slice(0, 400)}`);
  }
  if (process.env.FWDCHECK_SCHEMA_LOG) appendFileSync(process.env.FWDCHECK_SCHEMA_LOG, `${def}\n`);
  return doc as T;
};

const parse = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return assert.fail(`${what} is not one JSON document: ${text.slice(0, 300)}`);
  }
};

/** One report (`fwdcheck DOMAIN --json`), validated. */
export const parseReport = (text: string): Report => check<Report>('Report', parse(text, 'stdout'), text);

/** The batch document (`fwdcheck A B --json`), validated. */
export const parseBatch = (text: string): BatchDocument => check<BatchDocument>('BatchDocument', parse(text, 'stdout'), text);

/** `--format ndjson`: each line one document, each validated. */
export const parseNdjson = (text: string): NdjsonLine[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => check<Report | BatchError>('NdjsonLine', parse(line, `ndjson line ${i + 1}`), line));

/** Validates an already built document against one of the schema's $defs. */
export const assertMatchesSchema = (def: string, doc: unknown): void => {
  check(def, doc, JSON.stringify(doc));
};

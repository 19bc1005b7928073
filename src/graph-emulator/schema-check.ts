// Holds the Graph emulator's responses to Graph's own v1.0 schema (tests only): the CSDL published
// in microsoftgraph/msgraph-metadata (clean_v10_metadata/), trimmed to the types the emulator
// serves (test/fixtures/graph-csdl/, made by scripts/trim-graph-csdl.ts). A response body is
// checked for properties its type does not have, values of the wrong primitive type or format,
// enum members the metadata does not list, nulls where the metadata says Nullable="false", and
// `@odata.type`s that are not the declared type or derived from it. Error bodies are not in the
// CSDL; they are checked against the OData error shape Graph documents (learn.microsoft.com/graph/errors).
//
// Off unless GRAPH_EMULATOR_SCHEMA names the trimmed CSDL file (jest's setup file sets it, see
// test/helpers/graph-schema-setup.ts); then startGraphEmulator checks every response it sends,
// $batch inner responses included. See docs/dev/graph-emulator-schema.md.
//
// This file is the emulator's hook; the check itself is split by job: schema-csdl.ts (reading and
// compiling the CSDL), schema-paths.ts (request path -> response type), schema-values.ts (values
// against types), schema-error-body.ts (Graph's error body), schema-response.ts (whole responses,
// $batch included). Their public functions are re-exported here.
import { graphErrorBody, type RequestIds } from './graph-error';
import type { RouteResponse } from './routes';
import { isCompiled, loadGraphSchema } from './schema-csdl';
import { checkResponse } from './schema-response';
import type { SchemaViolation } from './schema-values';

export { compileCsdl, csdlAliases, csdlSchemas, loadGraphSchema, parseXml, typeReference, type GraphSchema, type XmlElement } from './schema-csdl';
export { responseShape, type ResponseShape } from './schema-paths';
export { checkResponse, type ExchangeToCheck } from './schema-response';
export { checkValue, type SchemaViolation } from './schema-values';

// ---- the emulator's hook -------------------------------------------------------------------------------

/** The environment variable that switches the check on: the path of the trimmed CSDL. */
export const SCHEMA_ENV = 'GRAPH_EMULATOR_SCHEMA';

/** Where a test process collects violations (test/helpers/graph-schema-setup.ts creates it and fails the test). */
export const VIOLATIONS_KEY = Symbol.for('passkey-support-bot.graph-emulator.schema-violations');

/** Where a test process may add up what the check costs: responses checked, ms spent (compiling included). */
export const STATS_KEY = Symbol.for('passkey-support-bot.graph-emulator.schema-stats');

export interface CheckStats {
  responses: number;
  ms: number;
  compileMs: number;
}

export interface RecordedViolation {
  method: string;
  target: string;
  status: number;
  violations: SchemaViolation[];
}

export interface CheckedExchange {
  method: string;
  target: string;
  rawBody: string;
  response: RouteResponse;
  ids: RequestIds;
}

/** Summarises a response's violations in one message. */
export function describeViolations(record: RecordedViolation, max = 8): string {
  const lines = record.violations.slice(0, max).map((v) => `  ${v.path}: ${v.message}`);
  if (record.violations.length > max) lines.push(`  ... and ${record.violations.length - max} more`);
  return `${record.method} ${record.target} -> ${record.status}\n${lines.join('\n')}`;
}

/**
 * The emulator's response check when GRAPH_EMULATOR_SCHEMA is set, else undefined. A response
 * that violates the schema is recorded where the test process collects violations (the test that
 * caused it then fails); with no collector (another process) it is replaced by a 500 saying why.
 */
export function responseSchemaCheck(env: NodeJS.ProcessEnv = process.env): ((exchange: CheckedExchange) => RouteResponse) | undefined {
  const file = env[SCHEMA_ENV];
  if (!file) return undefined;
  return ({ method, target, rawBody, response, ids }) => {
    const stats = (globalThis as Record<symbol, unknown>)[STATS_KEY] as CheckStats | undefined;
    const started = performance.now();
    let violations: SchemaViolation[];
    try {
      const compiling = !isCompiled(file);
      const schema = loadGraphSchema(file);
      if (stats && compiling) stats.compileMs += performance.now() - started;
      violations = checkResponse(schema, { method, target, requestBody: rawBody, status: response.status, body: response.body });
    } catch (err) {
      violations = [{ path: '(check)', message: `the schema check itself failed: ${err instanceof Error ? err.message : String(err)}` }];
    }
    if (stats) {
      stats.responses++;
      stats.ms += performance.now() - started;
    }
    if (violations.length === 0) return response;
    const record: RecordedViolation = { method, target, status: response.status, violations };
    const collector = (globalThis as Record<symbol, unknown>)[VIOLATIONS_KEY];
    if (Array.isArray(collector)) {
      collector.push(record);
      return response;
    }
    const message = `emulator response violates Graph v1.0 schema: ${describeViolations(record)}`;
    console.error(message);
    return { status: 500, body: graphErrorBody({ code: 'InternalServerError', message }, ids) };
  };
}


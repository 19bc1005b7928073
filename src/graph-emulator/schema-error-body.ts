// The Graph emulator's schema check, part 4: Graph's OData error body, which the CSDL does not
// describe, checked against the shape Graph documents (https://learn.microsoft.com/graph/errors).
// See schema-check.ts and docs/dev/graph-emulator-schema.md.
import { at, show, type SchemaViolation } from './schema-values';

const ERROR_KEYS = new Set(['code', 'message', 'target', 'details', 'innerError', 'innererror']);

/** Graph's error body (not in the CSDL): {"error":{"code","message","target"?,"details"?,"innerError"?}}. */
export function checkErrorBody(body: unknown, violations: SchemaViolation[], path = ''): void {
  const fail = (p: string, message: string): void => {
    violations.push({ path: p || '(body)', message });
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(path, `an error response must be {"error": {...}}, got ${show(body)}`);
  for (const key of Object.keys(body)) if (key !== 'error') fail(at(path, key), `an error response has only 'error', not '${key}'`);
  const error = (body as Record<string, unknown>).error;
  const errorPath = at(path, 'error');
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return fail(errorPath, `expected an object, got ${show(error)}`);
  const e = error as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!ERROR_KEYS.has(key)) fail(at(errorPath, key), `Graph's error object has no '${key}' (code, message, target, details, innerError)`);
  if (typeof e.code !== 'string' || !e.code) fail(at(errorPath, 'code'), `expected a non-empty string, got ${show(e.code)}`);
  if (typeof e.message !== 'string') fail(at(errorPath, 'message'), `expected a string, got ${show(e.message)}`);
  if (e.target !== undefined && e.target !== null && typeof e.target !== 'string') fail(at(errorPath, 'target'), `expected a string, got ${show(e.target)}`);
  if (e.details !== undefined) {
    if (!Array.isArray(e.details)) fail(at(errorPath, 'details'), `expected an array, got ${show(e.details)}`);
    else
      e.details.forEach((d, i) => {
        const dp = at(at(errorPath, 'details'), i);
        const detail = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
        if (typeof detail.code !== 'string' || typeof detail.message !== 'string') fail(dp, 'a detail needs a string code and message');
      });
  }
  const inner = e.innerError ?? e.innererror;
  if (inner === undefined) return;
  const innerPath = at(errorPath, e.innerError !== undefined ? 'innerError' : 'innererror');
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return fail(innerPath, `expected an object, got ${show(inner)}`);
  const i = inner as Record<string, unknown>;
  for (const key of ['request-id', 'client-request-id', 'date']) {
    if (i[key] !== undefined && typeof i[key] !== 'string') fail(at(innerPath, key), `expected a string, got ${show(i[key])}`);
  }
  if (typeof i.date === 'string' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(i.date)) {
    fail(at(innerPath, 'date'), `expected a date and time, got ${show(i.date)}`);
  }
}

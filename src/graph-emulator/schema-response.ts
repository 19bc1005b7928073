// The Graph emulator's schema check, part 5: a whole response (status, body; a $batch envelope and
// each inner response against its own inner request) held to the metadata.
// See schema-check.ts and docs/dev/graph-emulator-schema.md.
import type { GraphSchema } from './schema-csdl';
import { checkErrorBody } from './schema-error-body';
import { responseShape } from './schema-paths';
import { ValueChecker, at, shortName, show, type SchemaViolation } from './schema-values';

// ---- whole responses --------------------------------------------------------------------------------

export interface ExchangeToCheck {
  method: string;
  /** The request target as received, e.g. `/v1.0/users?$top=2` (or an inner $batch url). */
  target: string;
  /** The request body: raw text (as received) or already parsed. */
  requestBody?: unknown;
  status: number;
  body: unknown;
}

function targetPath(target: string): string {
  const url = new URL(/^https?:\/\//i.test(target) ? target : `/${target.replace(/^\/+/, '')}`, 'http://emulator');
  // An SDK-wrapped link (/v1.0/http://host/v1.0/...) is unwrapped by the server the same way.
  const embedded = /^\/v1\.0\/https?:\/+[^/]+(\/.*)$/i.exec(url.pathname);
  const path = embedded ? embedded[1] : url.pathname;
  return path.replace(/^\/v1\.0(?=\/|$)/i, '');
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (!body.trim()) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Every violation in one response (its inner responses too, for $batch). */
export function checkResponse(schema: GraphSchema, exchange: ExchangeToCheck): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  checkExchange(schema, exchange, violations, '');
  return violations;
}

function checkExchange(schema: GraphSchema, exchange: ExchangeToCheck, violations: SchemaViolation[], prefix: string): void {
  const { status, body } = exchange;
  if (status === 204 || body === undefined) {
    if (status !== 204 && status < 300) violations.push({ path: prefix || '(body)', message: `a ${status} answer with no body` });
    if (status === 204 && body !== undefined) violations.push({ path: prefix || '(body)', message: 'a 204 answer carries no body' });
    return;
  }
  if (status >= 400) return checkErrorBody(body, violations, prefix);
  const path = targetPath(exchange.target);
  if (path.toLowerCase() === '/$batch') return checkBatch(schema, exchange, violations, prefix);
  const shape = responseShape(schema, exchange.method.toUpperCase(), path);
  if (shape.kind === 'any') return;
  if (shape.kind === 'unknown') {
    violations.push({ path: prefix || '(body)', message: `${exchange.method} ${path} answered ${status}, but it is not a resource of Graph v1.0: ${shape.reason}` });
    return;
  }
  const checker = new ValueChecker(schema);
  if (shape.kind === 'collection') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      violations.push({ path: prefix || '(body)', message: `a collection answer is {"value": [...]}, got ${show(body)}` });
      return;
    }
    for (const key of Object.keys(body)) {
      if (key !== 'value' && !key.startsWith('@')) checker.fail(at(prefix, key), `a collection answer has only 'value' and @odata annotations, not '${key}'`);
    }
    checker.collection(shape.type, (body as Record<string, unknown>).value, at(prefix, 'value'), true);
  } else {
    const type = schema.types.get(shape.type);
    if (type) checker.structured(type, body, prefix);
    else if (typeof body === 'object' && body !== null && 'value' in body) checker.value(shape.type, (body as Record<string, unknown>).value, at(prefix, 'value'), true);
    else checker.fail(prefix, `expected {"value": ...} of ${shortName(shape.type)}, got ${show(body)}`);
  }
  violations.push(...checker.violations);
}

const BATCH_RESPONSE_KEYS = new Set(['id', 'status', 'headers', 'body']);

function checkBatch(schema: GraphSchema, exchange: ExchangeToCheck, violations: SchemaViolation[], prefix: string): void {
  const body = exchange.body as Record<string, unknown>;
  const where = at(prefix, 'responses');
  if (typeof body !== 'object' || body === null || !Array.isArray(body.responses)) {
    violations.push({ path: where, message: `a $batch answer is {"responses": [...]}, got ${show(body)}` });
    return;
  }
  const requests = new Map<string, { method: string; url: string }>();
  const payload = parseBody(exchange.requestBody) as { requests?: { id?: unknown; method?: unknown; url?: unknown }[] } | undefined;
  for (const r of payload?.requests ?? []) {
    if (typeof r?.id === 'string' && typeof r.method === 'string' && typeof r.url === 'string') requests.set(r.id, { method: r.method, url: r.url });
  }
  body.responses.forEach((item: unknown, index: number) => {
    const itemPath = at(where, index);
    const response = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    for (const key of Object.keys(response)) if (!BATCH_RESPONSE_KEYS.has(key)) violations.push({ path: at(itemPath, key), message: `a batch response has no '${key}'` });
    if (typeof response.id !== 'string' || typeof response.status !== 'number') {
      violations.push({ path: itemPath, message: 'a batch response needs a string id and a numeric status' });
      return;
    }
    const request = requests.get(response.id);
    if (!request) {
      violations.push({ path: at(itemPath, 'id'), message: `no request with id '${response.id}' in the batch` });
      return;
    }
    checkExchange(schema, { method: request.method, target: request.url, status: response.status, body: response.body }, violations, at(itemPath, 'body'));
  });
}

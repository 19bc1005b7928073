// GET /auditLogs/signIns (Graph v1.0) over a snapshot's `signIns`: the $filter forms the sign-in
// log answers — userId, appId, correlationId and id (eq), createdDateTime (ge, le, gt, lt, eq)
// and status/errorCode (eq, ne), joined with "and" — newest first, paged with $top and
// @odata.nextLink. A snapshot without `signIns` answers 403 Authorization_RequestDenied, as Graph
// does for an app without AuditLog.Read.All or a tenant without an Entra ID P1 licence.
import { GraphHttpError, badRequest } from './graph-error';
import { applySelect, parseSelect } from './odata';
import type { SnapshotSignIn } from '../snapshot';

type Json = Record<string, unknown>;

export const SIGN_INS_MAX_PAGE_SIZE = 1000;

export const signInsForbidden = (): GraphHttpError =>
  new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

type Clause =
  | { property: 'userId' | 'appId' | 'correlationId' | 'id'; op: 'eq'; value: string }
  | { property: 'createdDateTime'; op: 'eq' | 'ge' | 'le' | 'gt' | 'lt'; value: number }
  | { property: 'status/errorCode'; op: 'eq' | 'ne'; value: number };

const STRING_PROPERTIES = new Map<string, 'userId' | 'appId' | 'correlationId' | 'id'>([
  ['userid', 'userId'],
  ['appid', 'appId'],
  ['correlationid', 'correlationId'],
  ['id', 'id'],
]);

const CLAUSE = /^\s*([A-Za-z]+(?:\/[A-Za-z]+)?)\s+(eq|ne|ge|le|gt|lt)\s+('(?:[^']|'')*'|[^\s']+)\s*$/i;

function unsupported(raw: string): GraphHttpError {
  return badRequest(
    `Unsupported query: the sign-in log answers $filter on userId, appId, correlationId, id (eq), createdDateTime (eq, ge, le, gt, lt) and status/errorCode (eq, ne), joined with "and"; got '${raw}'.`,
    'Request_UnsupportedQuery',
  );
}

/** Parses the sign-in log's $filter; anything else is a 400, not a silent no-op. */
export function parseSignInFilter(raw: string | null): Clause[] {
  if (raw === null || raw.trim() === '') return [];
  const clauses: Clause[] = [];
  for (const part of raw.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(part);
    if (!m) throw unsupported(raw);
    const property = m[1].toLowerCase();
    const op = m[2].toLowerCase();
    const value = m[3];
    const quoted = value.startsWith("'") ? value.slice(1, -1).replace(/''/g, "'") : null;
    const stringProperty = STRING_PROPERTIES.get(property);
    if (stringProperty) {
      if (op !== 'eq' || quoted === null) throw unsupported(raw);
      clauses.push({ property: stringProperty, op: 'eq', value: quoted });
    } else if (property === 'createddatetime') {
      // A DateTimeOffset literal is unquoted in OData; Graph rejects a quoted one.
      const time = quoted === null ? Date.parse(value) : NaN;
      if (!['eq', 'ge', 'le', 'gt', 'lt'].includes(op) || Number.isNaN(time)) throw unsupported(raw);
      clauses.push({ property: 'createdDateTime', op: op as 'eq', value: time });
    } else if (property === 'status/errorcode') {
      if ((op !== 'eq' && op !== 'ne') || quoted !== null || !/^-?\d+$/.test(value)) throw unsupported(raw);
      clauses.push({ property: 'status/errorCode', op, value: Number(value) });
    } else {
      throw unsupported(raw);
    }
  }
  return clauses;
}

function matches(signIn: SnapshotSignIn, clause: Clause): boolean {
  switch (clause.property) {
    case 'createdDateTime': {
      const t = Date.parse(signIn.createdDateTime);
      const v = clause.value;
      return clause.op === 'eq' ? t === v : clause.op === 'ge' ? t >= v : clause.op === 'le' ? t <= v : clause.op === 'gt' ? t > v : t < v;
    }
    case 'status/errorCode': {
      const code = typeof signIn.status?.errorCode === 'number' ? signIn.status.errorCode : 0;
      return clause.op === 'eq' ? code === clause.value : code !== clause.value;
    }
    default: {
      const actual = signIn[clause.property];
      return typeof actual === 'string' && actual.toLowerCase() === clause.value.toLowerCase();
    }
  }
}

const SKIP_PREFIX = 'signins-offset:';

function parseTop(query: URLSearchParams, pageSize: number): number {
  const raw = query.get('$top');
  if (raw === null) return pageSize;
  const top = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || top < 1 || top > SIGN_INS_MAX_PAGE_SIZE) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${SIGN_INS_MAX_PAGE_SIZE} inclusive.`, 'Request_BadRequest');
  }
  return top;
}

function parseSkip(query: URLSearchParams): number {
  const raw = query.get('$skiptoken');
  if (raw === null) return 0;
  const decoded = Buffer.from(raw, 'base64url').toString();
  const offset = decoded.startsWith(SKIP_PREFIX) ? Number(decoded.slice(SKIP_PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest(`The $skiptoken '${raw}' is not valid.`, 'Request_BadRequest');
  return offset;
}

function formatQuery(query: URLSearchParams): string {
  const parts: string[] = [];
  query.forEach((value, key) => parts.push(`${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`));
  return parts.join('&');
}

export interface SignInsRequest {
  baseUrl: string;
  path: string;
  query: URLSearchParams;
  pageSize: number;
}

/** One page of GET /auditLogs/signIns: filtered, newest first, paged. */
export function signInsPage(signIns: readonly SnapshotSignIn[] | undefined, request: SignInsRequest): Json {
  if (!signIns) throw signInsForbidden();
  const clauses = parseSignInFilter(request.query.get('$filter'));
  const top = parseTop(request.query, Math.min(request.pageSize, SIGN_INS_MAX_PAGE_SIZE));
  const skip = parseSkip(request.query);
  const select = parseSelect(request.query);
  const matching = signIns
    .filter((s) => clauses.every((c) => matches(s, c)))
    .sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime) || a.id.localeCompare(b.id));
  const body: Json = { '@odata.context': `${request.baseUrl}/$metadata#auditLogs/signIns` };
  if (skip + top < matching.length) {
    const next = new URLSearchParams(request.query);
    next.set('$skiptoken', Buffer.from(`${SKIP_PREFIX}${skip + top}`).toString('base64url'));
    body['@odata.nextLink'] = `${request.baseUrl}${request.path}?${formatQuery(next)}`;
  }
  body.value = matching.slice(skip, skip + top).map((s) => applySelect(s, select));
  return body;
}

/** GET /auditLogs/signIns/{id}. */
export function signInEntity(signIns: readonly SnapshotSignIn[] | undefined, id: string, baseUrl: string, query: URLSearchParams): Json {
  if (!signIns) throw signInsForbidden();
  const signIn = signIns.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!signIn) throw new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  return { '@odata.context': `${baseUrl}/$metadata#auditLogs/signIns/$entity`, ...applySelect(signIn, parseSelect(query)) };
}

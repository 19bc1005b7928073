// The OData query options the emulator honours: $top/$skiptoken paging with @odata.nextLink,
// $select, and a simple `$filter=property eq value`. Other options ($count, $orderby, $expand,
// $search) are accepted and ignored.
import { badRequest } from './graph-error';

type Json = Record<string, unknown>;

export const MAX_PAGE_SIZE = 999;

/** Where a collection lives, so its nextLink can point back at the emulator. */
export interface CollectionRequest {
  /** e.g. http://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  /** Path below the version, e.g. /users/abc/memberOf */
  path: string;
  query: URLSearchParams;
  pageSize: number;
  /** The `@odata.context` value. */
  context: string;
}

export interface Filter {
  property: string[];
  value: string | number | boolean | null;
}

/** Parsed `$select`, or undefined when absent. */
export function parseSelect(query: URLSearchParams): string[] | undefined {
  const raw = query.get('$select');
  if (raw === null) return undefined;
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return fields.length ? fields : undefined;
}

/** Keeps the selected properties (case-insensitive, like Graph) plus id and @odata.type. */
export function applySelect(item: object, select: string[] | undefined): Json {
  if (!select) return item as Json;
  const wanted = new Set(select.map((f) => f.toLowerCase()));
  wanted.add('id');
  wanted.add('@odata.type');
  const out: Json = {};
  for (const [key, value] of Object.entries(item)) {
    if (wanted.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

const FILTER_PATTERN = /^\s*([A-Za-z_][\w/]*)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false|null|-?\d+(?:\.\d+)?))\s*$/i;

/** Only `property eq 'text' | number | true | false | null` is supported; anything else is a 400, not a silent no-op. */
export function parseFilter(query: URLSearchParams): Filter | undefined {
  const raw = query.get('$filter');
  if (raw === null) return undefined;
  const match = FILTER_PATTERN.exec(raw);
  if (!match) {
    throw badRequest(
      `Unsupported query: the Graph emulator only supports $filter=<property> eq <value>, got '${raw}'.`,
      'Request_UnsupportedQuery',
    );
  }
  const [, property, text, literal] = match;
  let value: Filter['value'];
  if (text !== undefined) value = text.replace(/''/g, "'");
  else if (/^true$/i.test(literal)) value = true;
  else if (/^false$/i.test(literal)) value = false;
  else if (/^null$/i.test(literal)) value = null;
  else value = Number(literal);
  return { property: property.split('/'), value };
}

export function matchesFilter(item: object, filter: Filter): boolean {
  let current: unknown = item;
  for (const key of filter.property) {
    if (typeof current !== 'object' || current === null) return filter.value === null;
    // Property names in Graph queries are case-insensitive.
    const actualKey = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
    current = actualKey === undefined ? undefined : (current as Json)[actualKey];
  }
  if (filter.value === null) return current === null || current === undefined;
  if (typeof filter.value === 'string' && typeof current === 'string') {
    return current.toLowerCase() === filter.value.toLowerCase();
  }
  return current === filter.value;
}

function parseTop(query: URLSearchParams, pageSize: number): number {
  const raw = query.get('$top');
  if (raw === null) return pageSize;
  const top = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || top < 1 || top > MAX_PAGE_SIZE) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`, 'Request_BadRequest');
  }
  return top;
}

// Skip tokens are opaque to clients, as in Graph; here they just carry the offset.
const SKIP_PREFIX = 'emulator-offset:';

function encodeSkipToken(offset: number): string {
  return Buffer.from(`${SKIP_PREFIX}${offset}`).toString('base64url');
}

function parseSkipToken(query: URLSearchParams): number {
  const raw = query.get('$skiptoken');
  if (raw === null) return 0;
  const decoded = Buffer.from(raw, 'base64url').toString();
  const offset = decoded.startsWith(SKIP_PREFIX) ? Number(decoded.slice(SKIP_PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest(`The $skiptoken '${raw}' is not valid.`, 'Request_BadRequest');
  return offset;
}

/** `$top=2&$skiptoken=...` with the `$` left readable, as Graph writes its links. */
function formatQuery(query: URLSearchParams): string {
  const parts: string[] = [];
  query.forEach((value, key) => {
    parts.push(`${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`);
  });
  return parts.join('&');
}

/**
 * One page of a collection: filter, page, then project + select only the page's items
 * (so a 50,000-user tenant never serialises more than one page).
 */
export function collectionPage<T extends object>(
  request: CollectionRequest,
  items: readonly T[],
  project: (item: T, select: string[] | undefined) => Json,
): Json {
  const filter = parseFilter(request.query);
  const matching = filter ? items.filter((item) => matchesFilter(item, filter)) : items;
  const top = parseTop(request.query, request.pageSize);
  const skip = parseSkipToken(request.query);
  const select = parseSelect(request.query);
  const page = matching.slice(skip, skip + top);
  const body: Json = { '@odata.context': request.context };
  if (skip + top < matching.length) {
    const next = new URLSearchParams(request.query);
    next.set('$skiptoken', encodeSkipToken(skip + top));
    body['@odata.nextLink'] = `${request.baseUrl}${request.path}?${formatQuery(next)}`;
  }
  body.value = page.map((item) => project(item, select));
  return body;
}

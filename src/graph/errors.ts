// One error type for everything that can go wrong talking to Graph, with a one-line message that
// is safe to log and show to support staff (no tokens, no secrets, no request bodies).
import { GraphError } from '@microsoft/microsoft-graph-client';

export type GraphErrorKind =
  | 'notFound'
  | 'forbidden'
  | 'throttled'
  | 'unavailable'
  | 'timeout'
  | 'badRequest'
  | 'unauthorized'
  | 'other';

export interface GraphReadErrorDetails {
  kind: GraphErrorKind;
  /** HTTP status; null when no response arrived (timeout, network). */
  status: number | null;
  /** Graph's error code, e.g. "Request_ResourceNotFound". */
  code?: string | null;
  method?: string;
  /** The request path, without the query string, percent-decoded. */
  path?: string;
  requestId?: string | null;
}

export class GraphReadError extends Error {
  override name = 'GraphReadError';
  readonly kind: GraphErrorKind;
  readonly status: number | null;
  readonly code: string | null;
  readonly method?: string;
  readonly path?: string;
  readonly requestId: string | null;

  constructor(message: string, details: GraphReadErrorDetails) {
    super(redact(message));
    this.kind = details.kind;
    this.status = details.status;
    this.code = details.code ?? null;
    this.method = details.method;
    this.path = details.path;
    this.requestId = details.requestId ?? null;
  }
}

/** Thrown by the client's timeout middleware; the SDK turns it into a GraphError with this name as code. */
export class GraphTimeoutError extends Error {
  override name = 'GraphTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Graph request timed out after ${timeoutMs} ms`);
  }
}

/** Thrown by the client's timeout middleware when fetch fails without a response (DNS, refused, reset). */
export class GraphNetworkError extends Error {
  override name = 'GraphNetworkError';
}

/** @azure/identity's error names: the credential could not produce a token. */
const CREDENTIAL_ERRORS = new Set(['AuthenticationError', 'AggregateAuthenticationError', 'CredentialUnavailableError', 'AuthenticationRequiredError']);

export interface RequestDescription {
  method: string;
  /** Path as requested (query strings are dropped from messages). */
  path: string;
  /** How many retries were made on 429/503/504 before giving up (for the message only). */
  retries?: number;
}

/** Turns whatever a Graph call threw into a GraphReadError (returned as is if it already is one). */
export function toGraphReadError(error: unknown, request: RequestDescription): GraphReadError {
  if (error instanceof GraphReadError) return error;
  const method = request.method.toUpperCase();
  const path = stripQuery(request.path);
  const where = `Graph ${method} ${path}`;

  // No response: our own middleware errors, wrapped by the SDK into GraphError(-1, code = name).
  const name = error instanceof GraphError ? error.code : error instanceof Error ? error.name : undefined;
  const status = error instanceof GraphError && error.statusCode > 0 ? error.statusCode : null;
  if (status === null) {
    const detail = error instanceof Error ? error.message : String(error);
    if (name === 'GraphTimeoutError' || name === 'TimeoutError') {
      return new GraphReadError(`${detail} (${method} ${path})`, { kind: 'timeout', status: null, method, path });
    }
    if (name === 'GraphNetworkError') {
      return new GraphReadError(`${where}: Graph unreachable — ${detail}`, { kind: 'unavailable', status: null, method, path });
    }
    if (name !== undefined && name !== null && CREDENTIAL_ERRORS.has(name)) {
      return new GraphReadError(`${where}: could not get a token — ${oneLine(detail)}`, { kind: 'unauthorized', status: null, method, path });
    }
    return new GraphReadError(`${where}: ${oneLine(detail) || 'request failed'}`, { kind: 'other', status: null, method, path });
  }

  const graphError = error as GraphError;
  const kind = kindOf(status);
  const code = graphError.code ?? null;
  const requestId = graphError.requestId ?? null;
  const details = { kind, status, code, method, path, requestId };
  // Throttling and outages read best as what happened: how often we retried, or how long Graph asked us to wait.
  const retries = request.retries ?? 0;
  const retryAfter = graphError.headers?.get?.('Retry-After');
  const after = retries > 0 ? ` after ${retries} retries` : '';
  const wait = retries === 0 && retryAfter ? `, Retry-After ${retryAfter} s` : '';
  if (kind === 'throttled') return new GraphReadError(`Graph throttled (429${wait})${after}: ${method} ${path}`, details);
  if (kind === 'unavailable' && (status === 503 || status === 504)) {
    return new GraphReadError(`Graph unavailable (${status}${wait})${after}: ${method} ${path}`, details);
  }
  const message = oneLine(graphError.message);
  return new GraphReadError(`${where}: ${status}${code ? ` ${code}` : ''}${message ? ` — ${message}` : ''}`, details);
}

export function kindOf(status: number): GraphErrorKind {
  if (status === 400) return 'badRequest';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'other';
}

/** Path without its query string, percent-decoding undone so UPNs read as typed. */
function stripQuery(path: string): string {
  const query = path.indexOf('?');
  const bare = query === -1 ? path : path.slice(0, query);
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

// Belt and braces: Graph never echoes tokens, but a message must never carry one even if it did.
function redact(message: string): string {
  return message
    .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}

// The loopback Microsoft Graph server: serves a tenant snapshot on 127.0.0.1 in Graph v1.0's wire
// format so the real @microsoft/microsoft-graph-client can talk to it (offline demo, CLI, tests).
// This module is the HTTP transport: request log, injected delays/faults, bearer check, version
// prefix, $batch; the endpoints themselves are in routes.ts.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBatch, type InnerRequest } from './batch';
import { TenantDirectory } from './directory';
import { includesUnknownEnumMembers, withoutNewerEnumMembers } from './evolvable-enums';
import { FaultPlan, type FailOptions, type FaultStatus } from './faults';
import { GraphHttpError, badRequest, graphErrorBody, methodNotAllowed, type RequestIds } from './graph-error';
import { MAX_PAGE_SIZE } from './odata';
import { GraphRouter, MALFORMED_BODY, type RouteResponse } from './routes';
import { validateSnapshot, type SnapshotAuthenticationMethod, type TenantSnapshot } from '../snapshot';
import { responseSchemaCheck } from './schema-check';

export interface GraphEmulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Default page size of collections when the client sends no $top; default 100, at most 999. */
  pageSize?: number;
  /** Answer 401 to requests without `Authorization: Bearer ...`; default true. */
  requireAuth?: boolean;
  /**
   * Return every stored property. By default, like Graph, users only carry Graph's default
   * property set (accountEnabled, userType, ... need $select) and service principals omit
   * customSecurityAttributes unless selected.
   */
  returnAllProperties?: boolean;
  /** Clock for writes (TAP createdDateTime / isUsable); default the real time. */
  now?: () => Date;
  /** What If (POST /identity/conditionalAccess/evaluate): answer (default) or refuse with 403. */
  whatIf?: 'answer' | 'forbidden';
  /** Hold every response back this many ms (a $batch counts once), like a real Graph round trip; default 0. */
  latencyMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** The request target as received: path and query, e.g. `/v1.0/users?$top=2`. */
  path: string;
}

export interface GraphEmulator {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  /** url + '/v1.0' */
  baseUrl: string;
  /** Every HTTP request received, in order (a $batch counts once). */
  requests: RecordedRequest[];
  /** Answer the next `count` requests whose path contains `pathContains` (default: any) with this error. */
  failNext(count: number, status: FaultStatus, options?: FailOptions): void;
  /** Hold the next `count` matching requests back by `ms` before answering them. */
  delayNext(count: number, ms: number, pathContains?: string): void;
  /** Hold every later response back by `ms` (0: none), like a real Graph round trip. */
  setLatency(ms: number): void;
  /** Carries out the next `count` matching requests, then answers `ms` late (a write that lands although the caller times out). */
  answerLateNext(count: number, ms: number, match?: { pathContains?: string; method?: string }): void;
  /** A copy of the tenant as it is now, writes included. */
  snapshot(): TenantSnapshot;
  /**
   * What a user does on their phone, outside Graph's API: registers a method (a passkey in
   * Authenticator, say). For demos and tests of "the user registered, the bot noticed".
   */
  userRegisters(userIdOrUpn: string, method: SnapshotAuthenticationMethod): void;
  close(): Promise<void>;
}

const VERSION = 'v1.0';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startGraphEmulator(snapshot: TenantSnapshot, options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  // Validation also deep-copies, so writes never touch the caller's object.
  const directory = new TenantDirectory(validateSnapshot(snapshot));
  const faults = new FaultPlan();
  let latencyMs = checkedLatency(options.latencyMs ?? 0);
  const requests: RecordedRequest[] = [];
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let router: GraphRouter | undefined;
  let host = '';

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleepers.add(sleeper);
    });

  // Tests only (GRAPH_EMULATOR_SCHEMA set): every response checked against Graph's v1.0 metadata.
  const schemaCheck = responseSchemaCheck();

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ids: RequestIds = { requestId: randomUUID(), clientRequestId: headerValue(req, 'client-request-id') ?? randomUUID() };
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    requests.push({ method, path: target });
    let response: RouteResponse;
    let rawBody = '';
    try {
      rawBody = await readBody(req);
      if (latencyMs > 0) await sleep(latencyMs);
      const delay = faults.takeDelay(target);
      if (delay > 0) await sleep(delay);
      const failure = faults.takeFailure(target);
      if (failure) throw failure;
      if (options.requireAuth !== false) checkBearer(req);
      response = dispatch(method, target, rawBody, ids, headerValue(req, 'prefer'));
      const late = faults.takeLateAnswer(method, target);
      if (late > 0) await sleep(late);
    } catch (err) {
      response = errorResponse(err, ids);
    }
    if (schemaCheck) response = schemaCheck({ method, target, rawBody, response, ids });
    send(res, response, ids);
  }

  /**
   * A request from the network: must be under /v1.0; /$batch fans out to inner requests, each
   * answered by its own headers (the batch's Prefer header is not theirs).
   */
  function dispatch(method: string, target: string, rawBody: string, ids: RequestIds, prefer: string | undefined): RouteResponse {
    const url = new URL(target, 'http://emulator');
    const [, version] = url.pathname.split('/');
    if (version !== VERSION) throw badRequest(`Invalid version: ${version || '(none)'}. The Graph emulator serves ${VERSION} only.`);
    const path = unwrapSdkLink(url.pathname.slice(VERSION.length + 1) || '/', host);
    const body = parseJson(rawBody);
    if (path.toLowerCase() === '/$batch') {
      if (method !== 'POST') throw methodNotAllowed();
      return runBatch(body, (inner) => dispatchInner(inner, ids), ids);
    }
    return asPreferred((router as GraphRouter).handle({ method, path, query: url.searchParams, body }), prefer);
  }

  /** An inner $batch request: its url is relative to the version ("/users/x"), but tolerate full forms. */
  function dispatchInner(inner: InnerRequest, ids: RequestIds): RouteResponse {
    try {
      const url = new URL(/^https?:\/\//i.test(inner.url) ? inner.url : `/${inner.url.replace(/^\/+/, '')}`, 'http://emulator');
      let path = url.pathname;
      if (path.toLowerCase().startsWith(`/${VERSION}/`)) path = path.slice(VERSION.length + 1);
      if (/^\/beta(\/|$)/i.test(path)) throw badRequest(`The Graph emulator serves ${VERSION} only.`);
      if (path.toLowerCase() === '/$batch') throw badRequest('A batch request cannot contain another batch request.');
      return asPreferred((router as GraphRouter).handle({ method: inner.method, path, query: url.searchParams, body: inner.body }), inner.headers.prefer);
    } catch (err) {
      return errorResponse(err, ids);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${host}`;
  const baseUrl = `${url}/${VERSION}`;
  router = new GraphRouter(directory, {
    baseUrl,
    pageSize,
    returnAllProperties: options.returnAllProperties ?? false,
    now: options.now ?? (() => new Date()),
    whatIf: options.whatIf ?? 'answer',
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl,
    requests,
    failNext: (count, status, failOptions) => faults.failNext(count, status, failOptions),
    delayNext: (count, ms, pathContains) => faults.delayNext(count, ms, pathContains),
    setLatency: (ms) => {
      latencyMs = checkedLatency(ms);
    },
    answerLateNext: (count, ms, match) => faults.answerLateNext(count, ms, match),
    snapshot: () => structuredClone(directory.data),
    userRegisters: (userIdOrUpn, method) => {
      const user = directory.findUser(userIdOrUpn);
      if (!user) throw new Error(`no user ${userIdOrUpn} in the emulated tenant`);
      user.authenticationMethods = [...(user.authenticationMethods ?? []), structuredClone(method)];
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        // Release held-back requests so nothing keeps the process alive.
        for (const sleeper of sleepers) {
          clearTimeout(sleeper.timer);
          sleeper.wake();
        }
        sleepers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkedLatency(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new RangeError(`latencyMs must be a whole number of ms from 0 to 60000, got ${ms}`);
  return ms;
}

/**
 * @microsoft/microsoft-graph-client only recognises https:// absolute URLs: handed one of our
 * http:// nextLinks (PageIterator, or api(nextLink)) it appends the whole link to its base URL and
 * sends /v1.0/http://127.0.0.1:PORT/v1.0/users?$skiptoken=... (the query moved to the end).
 * Unwrap such a link when it points back at this emulator, so paging works with the real SDK.
 */
function unwrapSdkLink(path: string, host: string): string {
  const embedded = /^\/https?:\/+([^/]+)(\/.*)?$/i.exec(path);
  if (!embedded) return path;
  const [, linkHost, linkPath = '/'] = embedded;
  if (linkHost.toLowerCase() !== host) throw badRequest(`The Graph emulator cannot follow a link to another host (${linkHost}).`);
  const prefix = `/${VERSION}`;
  if (!linkPath.toLowerCase().startsWith(`${prefix}/`)) throw badRequest(`The Graph emulator serves ${VERSION} only.`);
  return linkPath.slice(prefix.length);
}

/** Evolvable enums' newer members only for a client that sent Prefer: include-unknown-enum-members, like Graph. */
function asPreferred(response: RouteResponse, prefer: string | undefined): RouteResponse {
  if (includesUnknownEnumMembers(prefer) || response.body === undefined) return response;
  return { ...response, body: withoutNewerEnumMembers(response.body) };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function checkBearer(req: IncomingMessage): void {
  const authorization = headerValue(req, 'authorization');
  if (authorization && /^Bearer\s+\S+/i.test(authorization)) return;
  throw new GraphHttpError(
    401,
    'InvalidAuthenticationToken',
    authorization
      ? 'Access token validation failure: the Authorization header must use the Bearer scheme.'
      : // Graph's own words, then why it happens with the SDK: its AuthenticationHandler only sends
        // tokens to https Graph hosts and strips Authorization headers for any other host.
        'Access token is empty. (Graph emulator: @microsoft/microsoft-graph-client does not send tokens to a plain-http host; ' +
        'start the emulator with requireAuth: false, or set the header in a custom middleware.)',
    { 'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' },
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new GraphHttpError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (!raw.trim()) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return MALFORMED_BODY;
  }
}

function errorResponse(err: unknown, ids: RequestIds): RouteResponse {
  if (err instanceof GraphHttpError) return { status: err.status, headers: err.headers, body: graphErrorBody(err, ids) };
  // A bug in the emulator: say so in Graph's shape rather than dropping the connection.
  const message = `Graph emulator error: ${err instanceof Error ? err.message : String(err)}`;
  return { status: 500, body: graphErrorBody({ code: 'InternalServerError', message }, ids) };
}

function send(res: ServerResponse, response: RouteResponse, ids: RequestIds): void {
  if (res.destroyed || res.writableEnded) return; // the client gave up (e.g. its timeout fired)
  const payload = response.status === 204 || response.body === undefined ? '' : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json',
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    'Content-Length': Buffer.byteLength(payload),
    ...response.headers,
  });
  res.end(payload);
}

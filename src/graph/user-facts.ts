// Reads the facts about one user in a single JSON $batch round trip (user, direct and transitive
// groups and roles, authentication methods, managed devices), then follows paging and retries
// only if needed.
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { AuthenticationMethod, DirectoryObject, DirectoryRole, Group, ManagedDevice, User } from '@microsoft/microsoft-graph-types';
import type { UserFacts } from '../diagnosis/facts';
import { graphClientSettings } from './client';
import { GraphReadError, toGraphReadError } from './errors';
import { graphCall, readRemainingPages, withoutODataContext, type GraphPage } from './read';

export const USER_SELECT = 'id,userPrincipalName,displayName,mail,userType,accountEnabled';
export const MEMBER_OF_SELECT = 'id,displayName,roleTemplateId';
export const DIRECT_MEMBER_OF_SELECT = 'id';
export const DEVICE_SELECT = 'id,deviceName,operatingSystem,osVersion,complianceState,managedDeviceOwnerType,isEncrypted';

export interface ReadUserFactsOptions {
  /** Times an inner 429/503/504 is retried (in a smaller $batch). Default: the client's maxRetries, else 3. */
  maxInnerRetries?: number;
  /** An inner response asking to wait longer than this (seconds) is not retried. Default: the client's, else 30. */
  maxRetryAfterSeconds?: number;
  /** Wait before retrying an inner response that has no Retry-After, in ms. Default 1000. */
  defaultRetryDelayMs?: number;
}

interface BatchRequest {
  id: 'user' | 'memberOf' | 'directMemberOf' | 'methods' | 'devices';
  method: 'GET';
  url: string;
}

interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface InnerResult {
  response: BatchResponse;
  /** How many times this inner request was sent again. */
  retries: number;
}

interface InnerRetry {
  maxRetries: number;
  maxRetryAfterSeconds: number;
  defaultDelayMs: number;
}

const RETRYABLE = new Set([429, 503, 504]);

export async function readUserFacts(client: Client, idOrUpn: string, options: ReadUserFactsOptions = {}): Promise<UserFacts> {
  if (!idOrUpn.trim()) throw new GraphReadError('user id or UPN is empty', { kind: 'badRequest', status: null });
  // encodeURIComponent: UPNs may hold '#', '+', '%' or '/' (guests: "ann_contoso.com#EXT#@...").
  const user = `/users/${encodeURIComponent(idOrUpn)}`;
  const requests: BatchRequest[] = [
    { id: 'user', method: 'GET', url: `${user}?$select=${USER_SELECT}` },
    { id: 'memberOf', method: 'GET', url: `${user}/transitiveMemberOf?$select=${MEMBER_OF_SELECT}&$top=999` },
    // Direct groups only tell the engine which groups came "through a nested group" (evidence).
    { id: 'directMemberOf', method: 'GET', url: `${user}/memberOf?$select=${DIRECT_MEMBER_OF_SELECT}&$top=999` },
    { id: 'methods', method: 'GET', url: `${user}/authentication/methods` },
    { id: 'devices', method: 'GET', url: `${user}/managedDevices?$select=${DEVICE_SELECT}` },
  ];
  const settings = graphClientSettings(client);
  const results = await sendBatch(client, requests, {
    maxRetries: options.maxInnerRetries ?? settings?.maxRetries ?? 3,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? settings?.maxRetryAfterSeconds ?? 30,
    defaultDelayMs: options.defaultRetryDelayMs ?? 1000,
  });

  // The user's own 404 explains the other responses' failures; report it first and plainly.
  const userResponse = results.get('user')!.response;
  if (userResponse.status === 404) {
    throw new GraphReadError(`user "${idOrUpn}" not found`, {
      kind: 'notFound',
      status: 404,
      code: errorBody(userResponse.body)?.code ?? null,
      method: 'GET',
      path: user,
    });
  }
  const bodies = new Map(requests.map((request) => [request.id, okBody(request, results.get(request.id)!)]));

  const [memberOf, directMemberOf, methods, managedDevices] = await Promise.all([
    readRemainingPages(client, bodies.get('memberOf') as GraphPage<DirectoryObject>),
    readRemainingPages(client, bodies.get('directMemberOf') as GraphPage<DirectoryObject>),
    readRemainingPages(client, bodies.get('methods') as GraphPage<AuthenticationMethod>),
    readRemainingPages(client, bodies.get('devices') as GraphPage<ManagedDevice>),
  ]);
  const groups = memberOf.filter(isGroup) as Group[];
  return {
    user: withoutODataContext(bodies.get('user') as User),
    groupIds: unique(groups.map((group) => group.id)),
    directGroupIds: unique(directMemberOf.filter(isGroup).map((group) => group.id)),
    groupNames: Object.fromEntries(groups.filter((group) => group.id && group.displayName).map((group) => [group.id!, group.displayName!])),
    roleTemplateIds: unique(
      memberOf.filter((item) => odataType(item) === '#microsoft.graph.directoryRole').map((role) => (role as DirectoryRole).roleTemplateId),
    ),
    methods,
    managedDevices,
  };
}

/**
 * POSTs the requests as one $batch; inner responses that are throttled or unavailable are sent
 * again (only those, in a smaller $batch, after their Retry-After) up to maxRetries times. The
 * outer POST itself is retried by the client's RetryHandler.
 */
async function sendBatch(client: Client, requests: BatchRequest[], retry: InnerRetry): Promise<Map<string, InnerResult>> {
  const results = new Map<string, InnerResult>();
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const body = await graphCall(client, 'POST', '/$batch', (request) => request.post({ requests: pending }) as Promise<{ responses?: BatchResponse[] }>);
    const again: BatchResponse[] = [];
    for (const response of body.responses ?? []) {
      const waitMs = retryWaitMs(response, retry);
      if (RETRYABLE.has(response.status) && attempt < retry.maxRetries && waitMs !== undefined) again.push(response);
      else results.set(response.id, { response, retries: attempt });
    }
    const missing = pending.filter((request) => !results.has(request.id) && !again.some((r) => r.id === request.id));
    if (missing.length > 0) {
      throw new GraphReadError(`Graph POST /$batch: no response for ${missing.map((r) => r.url).join(', ')}`, {
        kind: 'other',
        status: null,
        method: 'POST',
        path: '/$batch',
      });
    }
    if (again.length === 0) break;
    await sleep(Math.max(...again.map((response) => retryWaitMs(response, retry) ?? 0)));
    pending = pending.filter((request) => again.some((r) => r.id === request.id));
  }
  return results;
}

/** How long to wait before retrying this inner response; undefined when it asks for too long. */
function retryWaitMs(response: BatchResponse, retry: InnerRetry): number | undefined {
  const value = header(response, 'retry-after');
  if (value === undefined) return retry.defaultDelayMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return retry.defaultDelayMs;
  return seconds <= retry.maxRetryAfterSeconds ? seconds * 1000 : undefined;
}

/** A 2xx inner body, or the inner error as a GraphReadError naming that request. */
function okBody(request: BatchRequest, { response, retries }: InnerResult): unknown {
  if (response.status >= 200 && response.status < 300) return response.body ?? {};
  const error = errorBody(response.body);
  const graphError = new GraphError(response.status, error?.message ?? '');
  graphError.code = error?.code ?? null;
  graphError.headers = new Headers(response.headers ?? {});
  throw toGraphReadError(graphError, { method: request.method, path: request.url, retries });
}

function errorBody(body: unknown): { code?: string; message?: string } | undefined {
  return (body as { error?: { code?: string; message?: string } } | undefined)?.error;
}

function header(response: BatchResponse, name: string): string | undefined {
  const entry = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

function isGroup(item: DirectoryObject): boolean {
  return odataType(item) === '#microsoft.graph.group';
}

function odataType(item: object): unknown {
  return (item as Record<string, unknown>)['@odata.type'];
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length > 0))];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

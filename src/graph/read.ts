// Small request helpers shared by the readers and writers: every call goes through the SDK client
// and every failure comes out as a GraphReadError.
import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import { graphClientSettings, retryOptions } from './client';
import { toGraphReadError } from './errors';

/** A Graph collection page. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Stops a server that keeps handing out nextLinks from looping us forever. */
const MAX_PAGES = 500;

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH';

/** Runs one SDK call, mapping any failure to a GraphReadError that names the method and path. */
export async function graphCall<T>(client: Client, method: Method, path: string, send: (request: GraphRequest) => Promise<T>): Promise<T> {
  const tally = { retries: 0 };
  try {
    const request = apiRequest(client, path);
    const settings = graphClientSettings(client);
    if (settings) request.middlewareOptions([retryOptions(settings, tally)]);
    return await send(request);
  } catch (error) {
    throw toGraphReadError(error, { method, path: displayPath(client, path), retries: tally.retries });
  }
}

/**
 * Every read asks for evolvable enums' newer members (a Conditional Access policy's `linux`
 * platform or `riskRemediation` control, a strength's `qrCodePin`): without this preference Graph
 * sends each of them as `unknownFutureValue`. Sign-ins (sign-ins.ts) and the export send it too.
 */
export const PREFER_UNKNOWN_ENUM_MEMBERS = 'include-unknown-enum-members';

export function graphGet<T>(client: Client, path: string): Promise<T> {
  return graphCall(client, 'GET', path, (request) => request.header('Prefer', PREFER_UNKNOWN_ENUM_MEMBERS).get() as Promise<T>);
}

/** GET a collection and every following page (@odata.nextLink). */
export async function readAll<T>(client: Client, path: string): Promise<T[]> {
  const first = await graphGet<GraphPage<T>>(client, path);
  return readRemainingPages(client, first);
}

/** The items of a page already in hand, plus those of every page after it. */
export async function readRemainingPages<T>(client: Client, page: GraphPage<T>): Promise<T[]> {
  const items: T[] = [...(page.value ?? [])];
  const seen = new Set<string>();
  let next = page['@odata.nextLink'];
  while (next) {
    if (seen.has(next) || seen.size >= MAX_PAGES) {
      throw toGraphReadError(new Error(`paging did not end (${seen.size} pages)`), { method: 'GET', path: displayPath(client, next) });
    }
    seen.add(next);
    const current: GraphPage<T> = await graphGet<GraphPage<T>>(client, next);
    items.push(...(current.value ?? []));
    next = current['@odata.nextLink'];
  }
  return items;
}

/**
 * client.api() for a relative path or an absolute URL. Absolute URLs on our own base (nextLinks)
 * are turned back into version + path: the SDK only parses absolute URLs that start with https://,
 * so an http loopback emulator's nextLinks would otherwise be glued onto the base URL. A link to
 * any other origin is refused: Graph never sends one, and we would not follow it blindly.
 */
export function apiRequest(client: Client, pathOrUrl: string): GraphRequest {
  const relative = relativeToBase(client, pathOrUrl);
  if (relative) return client.api(relative.path).version(relative.version);
  if (graphClientSettings(client) && isAbsolute(pathOrUrl)) {
    throw new Error(`refusing to follow a link outside the Graph base URL: ${new URL(pathOrUrl).origin}`);
  }
  return client.api(pathOrUrl);
}

function isAbsolute(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

function relativeToBase(client: Client, pathOrUrl: string): { version: string; path: string } | undefined {
  const settings = graphClientSettings(client);
  if (!settings || !isAbsolute(pathOrUrl)) return undefined;
  const url = new URL(pathOrUrl);
  const base = new URL(settings.baseUrl);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return undefined;
  const [version, ...rest] = url.pathname.slice(base.pathname.length).split('/');
  return { version, path: `/${rest.join('/')}${url.search}` };
}

/** For messages: the path relative to the Graph version, whether given relative or absolute. */
function displayPath(client: Client, pathOrUrl: string): string {
  const relative = relativeToBase(client, pathOrUrl);
  const path = relative ? relative.path : isAbsolute(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  return path.startsWith('/') ? path : `/${path}`;
}

/** Drops the response's "@odata.context" (metadata about the response, not part of the resource). */
export function withoutODataContext<T extends object>(resource: T): T {
  const { ['@odata.context']: _context, ...rest } = resource as Record<string, unknown>;
  return rest as T;
}

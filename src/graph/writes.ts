// The few writes the help desk needs: issue / revoke a Temporary Access Pass, add / remove a group member.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { TemporaryAccessPassAuthenticationMethod } from '@microsoft/microsoft-graph-types';
import { graphClientSettings, DEFAULT_GRAPH_BASE_URL } from './client';
import { GraphReadError } from './errors';
import { graphCall, withoutODataContext } from './read';

export interface TemporaryAccessPassRequest {
  /** Omitted: the tenant's default lifetime. */
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  /** Omitted: usable now. */
  startDateTime?: Date | string;
}

const segment = encodeURIComponent;

/**
 * Creates a TAP for the user. The result includes `temporaryAccessPass`, the pass itself:
 * show it once to whoever issued it and never log it.
 */
export async function createTemporaryAccessPass(
  client: Client,
  userId: string,
  request: TemporaryAccessPassRequest = {},
): Promise<TemporaryAccessPassAuthenticationMethod> {
  const body: Record<string, unknown> = {};
  if (request.lifetimeInMinutes !== undefined) body.lifetimeInMinutes = request.lifetimeInMinutes;
  if (request.isUsableOnce !== undefined) body.isUsableOnce = request.isUsableOnce;
  if (request.startDateTime !== undefined) {
    body.startDateTime = request.startDateTime instanceof Date ? request.startDateTime.toISOString() : request.startDateTime;
  }
  const path = `/users/${segment(userId)}/authentication/temporaryAccessPassMethods`;
  const created = await graphCall(client, 'POST', path, (graphRequest) => graphRequest.post(body) as Promise<TemporaryAccessPassAuthenticationMethod>);
  return withoutODataContext(created);
}

/** Deletes a TAP. `existed: false` when it was already gone (404). */
export async function deleteTemporaryAccessPass(client: Client, userId: string, methodId: string): Promise<{ existed: boolean }> {
  const path = `/users/${segment(userId)}/authentication/temporaryAccessPassMethods/${segment(methodId)}`;
  return { existed: await deleteUnlessMissing(client, path) };
}

/** Adds the user to the group. `alreadyMember: true` when Graph answers 400 "...already exist". */
export async function addGroupMember(client: Client, groupId: string, userId: string): Promise<{ alreadyMember: boolean }> {
  const path = `/groups/${segment(groupId)}/members/$ref`;
  const settings = graphClientSettings(client);
  // Graph wants a full URL to the directory object, on the same cloud as the request.
  const base = settings ? `${settings.baseUrl}${settings.version}` : `${DEFAULT_GRAPH_BASE_URL}/v1.0`;
  const body = { '@odata.id': `${base}/directoryObjects/${segment(userId)}` };
  try {
    await graphCall(client, 'POST', path, (request) => request.post(body));
    return { alreadyMember: false };
  } catch (error) {
    if (error instanceof GraphReadError && error.kind === 'badRequest' && /already exist/i.test(error.message)) return { alreadyMember: true };
    throw error;
  }
}

/**
 * Removes the user from the group. `wasMember: false` on 404 — which Graph also answers when the
 * group itself does not exist, so callers that care must check the group separately.
 */
export async function removeGroupMember(client: Client, groupId: string, userId: string): Promise<{ wasMember: boolean }> {
  const path = `/groups/${segment(groupId)}/members/${segment(userId)}/$ref`;
  return { wasMember: await deleteUnlessMissing(client, path) };
}

/** DELETE; true if something was deleted, false on 404. */
async function deleteUnlessMissing(client: Client, path: string): Promise<boolean> {
  try {
    await graphCall(client, 'DELETE', path, (request) => request.delete());
    return true;
  } catch (error) {
    if (error instanceof GraphReadError && error.kind === 'notFound') return false;
    throw error;
  }
}

// Issuing a Temporary Access Pass the way POST /users/{id}/authentication/temporaryAccessPassMethods
// does: the request is checked against the tenant's TAP method configuration, and the pass value
// is only ever shown in the creation response.
import { randomInt, randomUUID } from 'node:crypto';
import { badRequest } from './graph-error';
import type { SnapshotAuthenticationMethod, SnapshotMethodConfiguration, SnapshotUser } from '../snapshot';

export const TAP_METHOD_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethod';
const TAP_CONFIG_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration';

// Graph's defaults for a TAP configuration that leaves a setting out.
const DEFAULTS = { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, defaultLength: 8 };
const PASS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+!#$%&*?@';

export function isTapConfiguration(config: SnapshotMethodConfiguration): boolean {
  return config['@odata.type'] === TAP_CONFIG_TYPE || config.id.toLowerCase() === 'temporaryaccesspass';
}

export interface TapIssueInput {
  config: SnapshotMethodConfiguration | undefined;
  user: SnapshotUser;
  /** Every group the user is in (transitively), for the policy's include/exclude targets. */
  userGroupIds: string[];
  body: unknown;
  now: Date;
}

/** Returns the new method with its pass value; throws a 400 GraphHttpError when Graph would refuse it. */
export function issueTemporaryAccessPass(input: TapIssueInput): SnapshotAuthenticationMethod {
  const { config, user, now } = input;
  const request = readRequest(input.body);

  if (!config || config.state !== 'enabled') {
    throw badRequest('The Temporary Access Pass authentication method is disabled in the authentication methods policy.');
  }
  if (!inScope(config, input.userGroupIds)) {
    throw badRequest(`User '${user.id}' is not in scope of the Temporary Access Pass authentication method policy.`);
  }
  // One TAP per user; refusing (rather than replacing) keeps callers honest: delete first, then create.
  if (user.authenticationMethods.some((m) => m['@odata.type'] === TAP_METHOD_TYPE)) {
    throw badRequest(`User '${user.id}' already has a Temporary Access Pass; only one is allowed per user.`);
  }

  const min = numberSetting(config.minimumLifetimeInMinutes, DEFAULTS.minimumLifetimeInMinutes);
  const max = numberSetting(config.maximumLifetimeInMinutes, DEFAULTS.maximumLifetimeInMinutes);
  const lifetime = request.lifetimeInMinutes ?? numberSetting(config.defaultLifetimeInMinutes, DEFAULTS.defaultLifetimeInMinutes);
  if (lifetime < min || lifetime > max) {
    throw badRequest(
      `lifetimeInMinutes ${lifetime} is outside the range allowed by the Temporary Access Pass policy (${min} to ${max} minutes).`,
    );
  }
  const oneTimeOnly = config.isUsableOnce === true;
  if (oneTimeOnly && request.isUsableOnce === false) {
    throw badRequest('The Temporary Access Pass policy only allows one-time passes (isUsableOnce must be true).');
  }

  const start = request.startDateTime ?? now;
  const end = new Date(start.getTime() + lifetime * 60_000);
  const usable = now >= start && now < end;
  const length = Math.min(48, Math.max(8, numberSetting(config.defaultLength, DEFAULTS.defaultLength)));
  return {
    '@odata.type': TAP_METHOD_TYPE,
    id: randomUUID(),
    temporaryAccessPass: generatePass(length),
    createdDateTime: now.toISOString(),
    startDateTime: start.toISOString(),
    lifetimeInMinutes: lifetime,
    isUsableOnce: request.isUsableOnce ?? oneTimeOnly,
    isUsable: usable,
    methodUsabilityReason: usable ? 'EnabledByPolicy' : now < start ? 'NotYetValid' : 'Expired',
  };
}

interface TapRequest {
  startDateTime?: Date;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
}

function readRequest(body: unknown): TapRequest {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  const { startDateTime, lifetimeInMinutes, isUsableOnce } = body as Record<string, unknown>;
  const request: TapRequest = {};
  if (startDateTime !== undefined && startDateTime !== null) {
    const parsed = typeof startDateTime === 'string' ? new Date(startDateTime) : new Date(NaN);
    if (Number.isNaN(parsed.getTime())) throw badRequest(`Invalid value for startDateTime: ${JSON.stringify(startDateTime)}.`);
    request.startDateTime = parsed;
  }
  if (lifetimeInMinutes !== undefined && lifetimeInMinutes !== null) {
    if (typeof lifetimeInMinutes !== 'number' || !Number.isInteger(lifetimeInMinutes)) {
      throw badRequest(`Invalid value for lifetimeInMinutes: ${JSON.stringify(lifetimeInMinutes)}.`);
    }
    request.lifetimeInMinutes = lifetimeInMinutes;
  }
  if (isUsableOnce !== undefined && isUsableOnce !== null) {
    if (typeof isUsableOnce !== 'boolean') throw badRequest(`Invalid value for isUsableOnce: ${JSON.stringify(isUsableOnce)}.`);
    request.isUsableOnce = isUsableOnce;
  }
  return request;
}

function inScope(config: SnapshotMethodConfiguration, groupIds: string[]): boolean {
  const groups = new Set(groupIds);
  const targets = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((t) => (t as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string') : [];
  const matches = (id: string): boolean => id === 'all_users' || groups.has(id);
  return targets(config.includeTargets).some(matches) && !targets(config.excludeTargets).some(matches);
}

function numberSetting(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function generatePass(length: number): string {
  let pass = '';
  for (let i = 0; i < length; i++) pass += PASS_ALPHABET[randomInt(PASS_ALPHABET.length)];
  return pass;
}

// POST /identity/conditionalAccess/evaluate (Conditional Access What If, Graph v1.0): for a user,
// a context (an application or a user action) and sign-in conditions, each policy with
// policyApplies and analysisReasons. Answers come from the snapshot's recorded results when it has
// them; otherwise they are worked out the way the real What If works: only the sign-in properties
// in the request are evaluated, so a policy whose location, risk, device or authentication-flow
// condition the request does not supply comes back policyApplies false with that condition as its
// analysisReasons (the documented whatIfAnalysisReasons members: notSet, notEnoughInformation,
// invalidCondition, users, workloadIdentities, application, userActions, authenticationContext,
// devicePlatform, devices, clientApps, location, signInRisk, emptyPolicy, invalidPolicy,
// policyNotEnabled, userRisk, time, insiderRisk, authenticationFlow, unknownFutureValue —
// https://learn.microsoft.com/en-us/graph/api/resources/whatifanalysisresult).
import { applicability, type ConditionName, type DeviceAttributes, type SignInEvent, type SuppliedConditions } from '../diagnosis/applicability';
import { AUTHENTICATOR_APP_ID, type Platform, type RegistrationContext } from '../diagnosis/facts';
import { prepareTenant, prepareUser } from '../diagnosis/prepare';
import type { TenantDirectory } from './directory';
import { GraphHttpError } from './graph-error';
import { tenantFactsOfSnapshot, type SnapshotNamedLocation } from '../snapshot';

interface EvaluateBody {
  signInIdentity?: { '@odata.type'?: string; userId?: string };
  signInContext?: { '@odata.type'?: string; includeApplications?: string[]; userAction?: string };
  signInConditions?: {
    devicePlatform?: string;
    clientAppType?: string;
    ipAddress?: string;
    country?: string;
    signInRiskLevel?: string;
    userRiskLevel?: string;
    insiderRiskLevel?: string;
    authenticationFlow?: { transferMethod?: string } | string;
    deviceInfo?: Record<string, unknown>;
  };
  appliedPoliciesOnly?: boolean;
}

const badRequest = (message: string) => new GraphHttpError(400, 'BadRequest', message);

/** The whatIfAnalysisReasons member for a condition that ruled a policy out or could not be evaluated. */
const REASON: Record<ConditionName, string> = {
  users: 'users',
  workloadIdentities: 'workloadIdentities',
  application: 'application',
  userActions: 'userActions',
  devicePlatform: 'devicePlatform',
  clientApps: 'clientApps',
  location: 'location',
  devices: 'devices',
  signInRisk: 'signInRisk',
  userRisk: 'userRisk',
  insiderRisk: 'insiderRisk',
  authenticationFlow: 'authenticationFlow',
};

export function evaluateWhatIf(directory: TenantDirectory, raw: unknown): { value: unknown[] } {
  const body = (raw ?? {}) as EvaluateBody;
  const userId = body.signInIdentity?.userId;
  if (!userId || !/userSignIn$/.test(body.signInIdentity?.['@odata.type'] ?? '')) throw badRequest('signInIdentity must be a #microsoft.graph.userSignIn with a userId');
  const user = directory.findUser(userId);
  if (!user) throw new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${userId}' does not exist or one of its queried reference-property objects are not present.`);
  const ctx = body.signInContext ?? {};
  let event: SignInEvent;
  let contextKey: string;
  if (/applicationContext$/.test(ctx['@odata.type'] ?? '') && (ctx.includeApplications ?? []).includes(AUTHENTICATOR_APP_ID)) {
    event = 'authenticator-sign-in';
    contextKey = AUTHENTICATOR_APP_ID;
  } else if (/userActionContext$/.test(ctx['@odata.type'] ?? '') && ctx.userAction === 'registerSecurityInformation') {
    event = 'register-security-info';
    contextKey = 'registerSecurityInformation';
  } else {
    throw badRequest('this emulator evaluates the Microsoft Authenticator application context and the registerSecurityInformation user action');
  }
  const conditions = body.signInConditions ?? {};
  const platform = conditions.devicePlatform;
  if (platform !== 'android' && platform !== 'iOS') throw badRequest('signInConditions.devicePlatform must be android or iOS here');
  const clientAppType = conditions.clientAppType ?? 'all';

  const data = directory.data;
  const recorded = data.whatIfResults?.find((r) => r.userId === user.id && r.context === contextKey && (!r.devicePlatform || r.devicePlatform === platform));
  const policies = data.conditionalAccessPolicies;
  let verdicts: Map<string, { policyApplies: boolean; analysisReasons: string }>;
  if (recorded) {
    verdicts = new Map(recorded.results.map((r) => [r.policyId, { policyApplies: r.policyApplies, analysisReasons: r.analysisReasons }]));
  } else {
    const groupIds = directory.transitiveGroupIds(user.id);
    const { authenticationMethods: _m, managedDevices: _d, memberOf: _g, ...resource } = user;
    const prepared = prepareUser({
      user: resource,
      groupIds,
      roleTemplateIds: directory.rolesFor([user.id, ...groupIds]).map((r) => r.roleTemplateId),
      methods: [],
      managedDevices: [],
    });
    const tenant = prepareTenant(tenantFactsOfSnapshot(data));
    const context: RegistrationContext = { platform: platform as Platform, at: new Date(0), ...locationOf(conditions, data.namedLocations) };
    const device = deviceOf(conditions.deviceInfo);
    const flow = typeof conditions.authenticationFlow === 'string' ? conditions.authenticationFlow : conditions.authenticationFlow?.transferMethod;
    const supplied: SuppliedConditions = {
      ...(conditions.signInRiskLevel ? { signInRiskLevel: conditions.signInRiskLevel } : {}),
      ...(conditions.userRiskLevel ? { userRiskLevel: conditions.userRiskLevel } : {}),
      ...(conditions.insiderRiskLevel ? { insiderRiskLevel: conditions.insiderRiskLevel } : {}),
      ...(flow ? { authenticationFlow: flow } : {}),
    };
    verdicts = new Map(
      policies.map((p): [string, { policyApplies: boolean; analysisReasons: string }] => {
        if (p.state === 'disabled') return [p.id, { policyApplies: false, analysisReasons: 'policyNotEnabled' }];
        // The client app type is a request property: What If evaluates it as given (default "all").
        const clientApps = (p.conditions?.clientAppTypes ?? []) as string[];
        const a = applicability(p, event, tenant, prepared, context, device, supplied);
        if (a.applies === false) return [p.id, { policyApplies: false, analysisReasons: REASON[a.notMet ?? 'users'] }];
        if (clientApps.length > 0 && !clientApps.includes('all') && !clientApps.includes(clientAppType)) {
          return [p.id, { policyApplies: false, analysisReasons: 'clientApps' }];
        }
        if (a.applies === true) return [p.id, { policyApplies: true, analysisReasons: 'notSet' }];
        // A condition the request did not supply: "not applied", naming it.
        const first = a.undecided?.[0];
        return [p.id, { policyApplies: false, analysisReasons: !first || first === 'application' ? 'notEnoughInformation' : REASON[first] }];
      }),
    );
  }
  const value = policies
    .map((p) => ({ '@odata.type': '#microsoft.graph.whatIfAnalysisResult', ...p, ...(verdicts.get(p.id) ?? { policyApplies: false, analysisReasons: 'notEnoughInformation' }) }))
    .filter((r) => !body.appliedPoliciesOnly || r.policyApplies);
  return { value };
}

/**
 * The device as What If's signInConditions.deviceInfo describes it (attributes a filter for
 * devices reads; a missing one is null). Without deviceInfo every attribute is unknown, so a
 * policy with a filter for devices is "not applied" for the reason `devices`.
 */
function deviceOf(deviceInfo: Record<string, unknown> | undefined): DeviceAttributes {
  if (!deviceInfo) return { lookup: () => undefined, source: 'no deviceInfo in the request' };
  const values = new Map(Object.entries(deviceInfo).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    lookup: (name) => {
      const v = values.get(name.toLowerCase().replace(/^device\./, ''));
      if (v === undefined || v === null) return null;
      if (Array.isArray(v)) return v.map(String);
      return typeof v === 'boolean' ? v : String(v);
    },
    source: 'deviceInfo in the request',
  };
}

/** The named locations an ipAddress (IPv4 ranges) or country in the request falls in; nothing when neither is given. */
function locationOf(conditions: NonNullable<EvaluateBody['signInConditions']>, locations: readonly SnapshotNamedLocation[]): Pick<RegistrationContext, 'namedLocationIds'> {
  const ip = conditions.ipAddress ? ipv4(conditions.ipAddress) : null;
  const country = conditions.country?.toUpperCase();
  if (ip === null && !country) return {};
  const ids: string[] = [];
  for (const location of locations) {
    const ranges = (location.ipRanges ?? []) as { cidrAddress?: string }[];
    const countries = ((location.countriesAndRegions ?? []) as string[]).map((c) => c.toUpperCase());
    if (ip !== null && ranges.some((r) => inCidr(ip, r.cidrAddress ?? ''))) ids.push(location.id);
    else if (country && countries.includes(country)) ids.push(location.id);
  }
  return { namedLocationIds: ids };
}

function ipv4(address: string): number | null {
  const parts = address.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(ip: number, cidr: string): boolean {
  const [address, bitsText] = cidr.split('/');
  const base = ipv4(address ?? '');
  const bits = Number(bitsText ?? '32');
  if (base === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(base / size);
}

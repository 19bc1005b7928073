// POST /identity/conditionalAccess/evaluate (Conditional Access What If, Graph v1.0): for a user,
// a context (an application or a user action) and conditions (platform, client app), each policy
// with policyApplies and analysisReasons. Answers come from the snapshot's recorded results when
// it has them, otherwise from the local evaluator — so both paths of the bot are testable.
import { applicability, type SignInEvent } from '../diagnosis/applicability';
import { AUTHENTICATOR_APP_ID, type Platform } from '../diagnosis/facts';
import { prepareTenant, prepareUser } from '../diagnosis/prepare';
import type { TenantDirectory } from './directory';
import { GraphHttpError } from './graphError';
import { tenantFactsOfSnapshot } from './snapshot-facts';

interface EvaluateBody {
  signInIdentity?: { '@odata.type'?: string; userId?: string };
  signInContext?: { '@odata.type'?: string; includeApplications?: string[]; userAction?: string };
  signInConditions?: { devicePlatform?: string; clientAppType?: string };
  appliedPoliciesOnly?: boolean;
}

const badRequest = (message: string) => new GraphHttpError(400, 'BadRequest', message);

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
  const platform = body.signInConditions?.devicePlatform;
  if (platform !== 'android' && platform !== 'iOS') throw badRequest('signInConditions.devicePlatform must be android or iOS here');

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
    verdicts = new Map(
      policies.map((p) => {
        if (p.state === 'disabled') return [p.id, { policyApplies: false, analysisReasons: 'policyNotEnabled' }];
        const a = applicability(p, event, tenant, prepared, { platform: platform as Platform, at: new Date() });
        return [p.id, a.applies === true ? { policyApplies: true, analysisReasons: 'notSet' } : { policyApplies: false, analysisReasons: a.applies === 'unknown' ? 'notEnoughInformation' : 'users' }];
      }),
    );
  }
  const value = policies
    .map((p) => ({ '@odata.type': '#microsoft.graph.whatIfAnalysisResult', ...p, ...(verdicts.get(p.id) ?? { policyApplies: false, analysisReasons: 'notEnoughInformation' }) }))
    .filter((r) => !body.appliedPoliciesOnly || r.policyApplies);
  return { value };
}

// Conditional Access What If (POST /identity/conditionalAccess/evaluate, Graph v1.0; permission
// Policy.Read.ConditionalAccess): Microsoft's own verdict on which policies apply to a sign-in.
import type { Client } from '@microsoft/microsoft-graph-client';
import { AUTHENTICATOR_APP_ID, type Platform } from '../diagnosis/facts';
import type { SignInEvent } from '../diagnosis/applicability';
import type { WhatIfVerdicts } from '../diagnosis/diagnose';
import { GraphReadError } from './errors';
import { graphCall } from './read';

interface WhatIfResult {
  id: string;
  policyApplies: boolean;
  analysisReasons?: string;
}

/** Verdicts per policy id, for one user, one event and one platform. Throws GraphReadError. */
export async function evaluateWhatIf(client: Client, userId: string, event: SignInEvent, platform: Platform, timeoutMs = 5000): Promise<WhatIfVerdicts> {
  const body = {
    signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId },
    signInContext:
      event === 'authenticator-sign-in'
        ? { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: [AUTHENTICATOR_APP_ID] }
        : { '@odata.type': '#microsoft.graph.userActionContext', userAction: 'registerSecurityInformation' },
    signInConditions: { devicePlatform: platform, clientAppType: 'mobileAppsAndDesktopClients' },
    appliedPoliciesOnly: false,
  };
  const path = '/identity/conditionalAccess/evaluate';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GraphReadError(`What If did not answer within ${timeoutMs} ms`, { kind: 'timeout', status: null, method: 'POST', path })), timeoutMs);
  });
  try {
    const answer = await Promise.race([graphCall(client, 'POST', path, (r) => r.post(body) as Promise<{ value: WhatIfResult[] }>), timeout]);
    return new Map(answer.value.map((r) => [r.id, { applies: r.policyApplies, reason: r.analysisReasons ?? 'notSet' }]));
  } finally {
    clearTimeout(timer);
  }
}

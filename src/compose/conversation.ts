// What the conversation needs besides the diagnoser (which the edge adds per turn): the chat's
// admin commands, the "That fixed it" check against Graph, the tenant's facts for the advice,
// the counters, and the demo personas offline.
import { auditCommand } from '../audit/audit-command';
import type { Config } from '../config';
import type { ConversationDeps } from '../conversation/controller';
import { demoPersonas } from '../demo/demo-tenant';
import { metrics } from '../metrics';
import type { Campaigns } from '../notices/campaign';
import { campaignCommand } from '../notices/campaign-command';
import { hasAuthenticatorPasskey } from '../notices/window-notices';
import type { TenantSnapshot } from '../snapshot';
import type { GraphConnection } from '../support/graph-connection';

export function conversationDeps(d: {
  config: Config;
  graph: GraphConnection;
  campaigns: Campaigns;
  snapshot?: TenantSnapshot;
  now: () => Date;
  log: (event: Record<string, unknown>) => void;
}): Omit<ConversationDeps, 'diagnose'> {
  const { config, graph, campaigns, snapshot, now, log } = d;
  const adminGroupId = config.adminGroupId;
  return {
    now,
    log,
    metrics,
    auditCommand: (userId, m) => auditCommand({ campaigns, adminGroupId, snapshot: () => graph.emulator?.snapshot(), now }, userId, m),
    campaignCommand: (userId, text, m) => campaignCommand({ campaigns, graph: graph.client, adminGroupId, now }, userId, text, m),
    // "That fixed it" is believed only when Graph shows the passkey; the tenant's design shapes the advice.
    passkeyRegistered: (userId, since) => hasAuthenticatorPasskey(graph.client, userId, since),
    tenantFacts: () => graph.tenantFacts.get(),
    personas: config.offline && snapshot ? demoPersonas(snapshot) : undefined,
  };
}

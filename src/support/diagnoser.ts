// Reads the facts for one user through Graph and runs the pure engine. Shared by the bot, the
// CLI and (later) the help desk, so they all show the same result for the same tenant.
import type { Client } from '@microsoft/microsoft-graph-client';
import { diagnose, type Diagnosis, type RegistrationContext } from '../diagnosis';
import { GraphReadError, readUserFacts, type TenantFactsCache } from '../graph';

export class Diagnoser {
  constructor(
    private readonly client: Client,
    private readonly tenantFacts: TenantFactsCache,
  ) {}

  /**
   * A Teams user: matched by Entra object id; when Graph does not know that id (a snapshot built
   * with other ids, say), by the userPrincipalName from the Teams roster.
   */
  async diagnoseTeamsUser(aadObjectId: string, rosterUpn: () => Promise<string | undefined>, context: RegistrationContext): Promise<Diagnosis> {
    try {
      return await this.diagnose(aadObjectId, context);
    } catch (e) {
      if (!(e instanceof GraphReadError) || e.kind !== 'notFound') throw e;
      const upn = await rosterUpn();
      if (!upn) throw e;
      return this.diagnose(upn, context);
    }
  }

  /** Throws GraphReadError (kind notFound for an unknown user) when Graph cannot answer. */
  async diagnose(userIdOrUpn: string, context: RegistrationContext): Promise<Diagnosis> {
    // Tenant facts come from the cache; the user's facts are one $batch.
    const [tenant, user] = await Promise.all([this.tenantFacts.get(), readUserFacts(this.client, userIdOrUpn)]);
    return diagnose(tenant, user, context);
  }
}

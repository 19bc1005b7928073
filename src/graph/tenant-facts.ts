// Reads the tenant-wide facts (Conditional Access, strengths, method policy, Authenticator SP)
// and caches them: they change rarely and every diagnosis needs them.
import type { Client } from '@microsoft/microsoft-graph-client';
import type {
  AuthenticationMethodConfiguration,
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  NamedLocation,
  Organization,
  ServicePrincipal,
} from '@microsoft/microsoft-graph-types';
import { AUTHENTICATOR_APP_ID, type TargetedMethodConfiguration, type TenantFacts } from '../diagnosis/facts';
import { GraphReadError } from './errors';
import { graphGet, readAll } from './read';

export const TENANT_PATHS = {
  conditionalAccessPolicies: '/identity/conditionalAccess/policies',
  namedLocations: '/identity/conditionalAccess/namedLocations',
  authenticationStrengths: '/policies/authenticationStrengthPolicies',
  methodsPolicy: '/policies/authenticationMethodsPolicy',
  methodConfigurations: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations',
  authenticatorServicePrincipal: `/servicePrincipals(appId='${AUTHENTICATOR_APP_ID}')?$select=id,appId,displayName,customSecurityAttributes`,
  organization: '/organization?$select=id',
} as const;

export interface ReadTenantFactsOptions {
  /**
   * The tenant id when the caller already knows it (it is in the app's credential config);
   * otherwise it is read from /organization, which needs Organization.Read.All.
   */
  tenantId?: string;
}

/**
 * The tenant-wide objects the engine reads, whole (the export writes them to a snapshot, the bot
 * keeps what the engine needs): Conditional Access policies and named locations, authentication
 * strengths, the methods policy with its configurations, and Authenticator's service principal.
 * The reads are independent, so they go out in parallel; every collection is read to its last page.
 * `readCollection` reads a collection (default readAll; the export counts its requests).
 */
export async function readTenantPolicies<
  P extends ConditionalAccessPolicy = ConditionalAccessPolicy,
  L extends NamedLocation = NamedLocation,
  S extends AuthenticationStrengthPolicy = AuthenticationStrengthPolicy,
  C extends AuthenticationMethodConfiguration = TargetedMethodConfiguration,
  SP extends ServicePrincipal = ServicePrincipal,
>(
  client: Client,
  readCollection: <T>(path: string) => Promise<T[]> = (path) => readAll(client, path),
): Promise<{ conditionalAccessPolicies: P[]; namedLocations: L[]; authenticationStrengths: S[]; methodsPolicy: MethodsPolicy<C>; authenticatorServicePrincipal: SP | null }> {
  const [conditionalAccessPolicies, namedLocations, authenticationStrengths, methodsPolicy, authenticatorServicePrincipal] = await Promise.all([
    readCollection<P>(TENANT_PATHS.conditionalAccessPolicies),
    readCollection<L>(TENANT_PATHS.namedLocations),
    readCollection<S>(TENANT_PATHS.authenticationStrengths),
    readMethodsPolicy<C>(client),
    readAuthenticatorServicePrincipal<SP>(client),
  ]);
  return { conditionalAccessPolicies, namedLocations, authenticationStrengths, methodsPolicy, authenticatorServicePrincipal };
}

/** All reads are independent, so they go out in parallel; every collection is read to its last page. */
export async function readTenantFacts(client: Client, options: ReadTenantFactsOptions = {}): Promise<TenantFacts> {
  const [tenantId, policies] = await Promise.all([options.tenantId ?? readTenantId(client), readTenantPolicies(client)]);
  return {
    tenantId,
    conditionalAccessPolicies: policies.conditionalAccessPolicies,
    namedLocations: policies.namedLocations,
    authenticationStrengths: policies.authenticationStrengths,
    methodConfigurations: policies.methodsPolicy.authenticationMethodConfigurations,
    authenticatorServicePrincipal: policies.authenticatorServicePrincipal,
  };
}

async function readTenantId(client: Client): Promise<string> {
  return (await readOrganizationObject(client, TENANT_PATHS.organization)).id;
}

/** The tenant's organization object (GET /organization, `path` choosing the $select); Graph answering none is an error. */
export async function readOrganizationObject(client: Client, path: string): Promise<Organization & { id: string }> {
  const [organization] = await readAll<Organization>(client, path);
  if (!organization?.id) throw new GraphReadError('Graph GET /organization: no organization returned', { kind: 'other', status: 200, method: 'GET', path: '/organization' });
  return organization as Organization & { id: string };
}

/** The authentication methods policy with its configurations. */
export type MethodsPolicy<C extends AuthenticationMethodConfiguration = TargetedMethodConfiguration> = Omit<AuthenticationMethodsPolicy, 'authenticationMethodConfigurations'> & {
  authenticationMethodConfigurations: C[];
};

/** The methods policy with its configurations: Graph returns them inside it; the collection is read only if it did not. */
export async function readMethodsPolicy<C extends AuthenticationMethodConfiguration = TargetedMethodConfiguration>(client: Client): Promise<MethodsPolicy<C>> {
  const policy = await graphGet<AuthenticationMethodsPolicy>(client, TENANT_PATHS.methodsPolicy);
  const configurations = Array.isArray(policy.authenticationMethodConfigurations)
    ? (policy.authenticationMethodConfigurations as C[])
    : await readAll<C>(client, TENANT_PATHS.methodConfigurations);
  return { ...policy, authenticationMethodConfigurations: configurations };
}

/** A tenant where nobody has used Authenticator may have no service principal for it: null, not an error. */
export async function readAuthenticatorServicePrincipal<SP extends ServicePrincipal = ServicePrincipal>(client: Client): Promise<SP | null> {
  try {
    return await graphGet<SP>(client, TENANT_PATHS.authenticatorServicePrincipal);
  } catch (error) {
    if (error instanceof GraphReadError && error.kind === 'notFound') return null;
    throw error;
  }
}

export interface TenantFactsCacheOptions {
  /** How long loaded facts are served without asking Graph again. */
  ttlMs: number;
  /**
   * After the TTL, if a refresh fails, the old facts are still served for this long (counted from
   * when they were loaded past the TTL). Default: one TTL. 0 disables stale serving.
   */
  staleGraceMs?: number;
  /** After a failed refresh, serve the stale facts without retrying Graph for this long. Default 30 s. */
  retryAfterFailureMs?: number;
  now?: () => number;
  /** Called whenever stale facts are served because a refresh failed (log it). */
  onStale?: (event: { error: unknown; ageMs: number }) => void;
}

interface Entry {
  facts: TenantFacts;
  loadedAt: number;
}

/**
 * A single-entry cache with one in-flight load at a time. Within the TTL it serves the cached
 * facts; after it, the next get() reloads (concurrent callers share that load). If the reload
 * fails and the old facts are within the grace period, they are served (stale === true) instead
 * of failing the user's diagnosis; with nothing to fall back on, the error is rethrown.
 */
export class TenantFactsCache {
  private entry?: Entry;
  private inFlight?: Promise<TenantFacts>;
  private failedAt?: number;
  /** Bumped by invalidate(), so a load started before it cannot store its (older) result. */
  private generation = 0;
  private readonly now: () => number;
  private readonly staleGraceMs: number;
  private readonly retryAfterFailureMs: number;
  /** True while the facts being served come from before a failed refresh. */
  stale = false;

  constructor(
    private readonly load: () => Promise<TenantFacts>,
    private readonly options: TenantFactsCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.staleGraceMs = options.staleGraceMs ?? options.ttlMs;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
  }

  async get(): Promise<TenantFacts> {
    const now = this.now();
    const entry = this.entry;
    if (entry && now - entry.loadedAt < this.options.ttlMs) return entry.facts;
    // Graph just failed: do not make every caller wait for another round of retries.
    if (entry && this.failedAt !== undefined && now - this.failedAt < this.retryAfterFailureMs && this.withinGrace(entry, now)) {
      return entry.facts;
    }
    return (this.inFlight ??= this.refresh());
  }

  /** Drops the cached facts; the next get() loads afresh. */
  invalidate(): void {
    this.generation++;
    this.entry = undefined;
    this.inFlight = undefined;
    this.failedAt = undefined;
    this.stale = false;
  }

  private async refresh(): Promise<TenantFacts> {
    const generation = this.generation;
    try {
      const facts = await this.load();
      if (generation === this.generation) {
        this.entry = { facts, loadedAt: this.now() };
        this.failedAt = undefined;
        this.stale = false;
      }
      return facts;
    } catch (error) {
      const entry = generation === this.generation ? this.entry : undefined;
      const now = this.now();
      if (!entry || !this.withinGrace(entry, now)) throw error;
      this.failedAt = now;
      this.stale = true;
      this.options.onStale?.({ error, ageMs: now - entry.loadedAt });
      return entry.facts;
    } finally {
      if (generation === this.generation) this.inFlight = undefined;
    }
  }

  private withinGrace(entry: Entry, now: number): boolean {
    return now - entry.loadedAt < this.options.ttlMs + this.staleGraceMs;
  }
}

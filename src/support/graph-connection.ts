// One place that decides where Graph is: the real Microsoft Graph with the configured
// credential, or the loopback Graph emulator over a tenant snapshot (offline demo, diagnose CLI).
// Either way the bot talks to it through the same real Graph client.
import type { Client } from '@microsoft/microsoft-graph-client';
import { createCredential, createGraphClient, readTenantFacts, TenantFactsCache, type GraphCredentialConfig } from '../graph';
import { startGraphEmulator, type GraphEmulator } from '../graph-emulator';
import type { TenantSnapshot } from '../snapshot';
import { Diagnoser, type DiagnoserOptions } from './diagnoser';

export interface GraphConnection {
  client: Client;
  tenantFacts: TenantFactsCache;
  diagnoser: Diagnoser;
  /** Present when Graph is the loopback emulator. */
  emulator?: GraphEmulator;
  close(): Promise<void>;
}

export interface GraphConnectionOptions {
  /** Serve this snapshot through the loopback emulator instead of calling Microsoft Graph. */
  snapshot?: TenantSnapshot;
  /** The emulator's clock (TAPs it creates start at its "now"); tests inject one. */
  emulatorNow?: () => Date;
  /** The tenant id (from config or the snapshot); saves Graph a read of /organization. */
  tenantId?: string;
  baseUrl?: string;
  auth?: GraphCredentialConfig;
  timeoutMs?: number;
  tenantFactsTtlMs?: number;
  /** Serve a user's facts again within this many ms (default 0: every diagnosis reads Graph). */
  userFactsTtlMs?: number;
  /** Several instances: changes other instances made to a user (see UserChanges). */
  userChanges?: DiagnoserOptions['userChanges'];
  maxRetries?: number;
  retryDelaySeconds?: number;
  onStale?: (event: { error: unknown; ageMs: number }) => void;
  /** Conditional Access What If: ask it (default), or not; the emulator can be told to refuse it. */
  whatIf?: boolean;
  emulatorWhatIf?: 'answer' | 'forbidden';
  /** The emulator holds every response back this many ms, like a real Graph round trip (benches, demos). */
  latencyMs?: number;
  log?: (event: Record<string, unknown>) => void;
}

export async function connectGraph(options: GraphConnectionOptions): Promise<GraphConnection> {
  const emulator = options.snapshot ? await startGraphEmulator(options.snapshot, { now: options.emulatorNow, whatIf: options.emulatorWhatIf, latencyMs: options.latencyMs }) : undefined;
  const credential = createCredential(emulator ? { kind: 'static', token: 'offline-demo' } : options.auth!);
  const client = createGraphClient({
    credential,
    baseUrl: emulator ? emulator.url : options.baseUrl,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    retryDelaySeconds: options.retryDelaySeconds,
  });
  const tenantFacts = new TenantFactsCache(() => readTenantFacts(client, { tenantId: options.tenantId ?? options.snapshot?.tenant.id }), {
    ttlMs: options.tenantFactsTtlMs ?? 300_000,
    onStale: options.onStale,
  });
  return {
    client,
    tenantFacts,
    diagnoser: new Diagnoser(client, tenantFacts, { whatIf: options.whatIf, userFactsTtlMs: options.userFactsTtlMs, userChanges: options.userChanges, log: options.log }),
    emulator,
    close: async () => {
      await emulator?.close();
    },
  };
}

// GET /readyz's verdict: whether this instance can take traffic. The server (server.ts) caches and
// serves it; this file decides it, without HTTP.
import type { KeyValueStore } from './storage/key-value';

export interface ReadinessReport {
  ready: boolean;
  /** "ok" or "unavailable: why". */
  store: string;
  /** "ok", "degraded: why" (cached tenant facts served) or "unavailable: why". */
  graph: string;
  /** Why not ready. */
  reason?: string;
}

/** What readiness reads of the tenant's facts (GraphConnection.tenantFacts fits). */
export interface TenantFactsSource {
  get(): Promise<unknown>;
  readonly stale: boolean;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);

/**
 * Readiness: the store takes a write, and this instance has read the tenant's facts from Graph
 * at least once. A Graph outage after that does not fail readiness: it hits every instance
 * alike, so taking them all out of rotation would only turn the bot's clear "Microsoft Graph is
 * not answering, try again" answers into connection errors. It is reported in the body instead.
 * Each check is given `limitMs`; a slower one counts as unavailable (it keeps running).
 */
export function readinessCheck(sources: { probeStore: () => Promise<unknown>; tenantFacts: TenantFactsSource }, limitMs: number): () => Promise<ReadinessReport> {
  let graphAnswered = false;
  const within = async (work: () => Promise<unknown>): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`unavailable: no answer within ${limitMs} ms`), limitMs);
      timer.unref();
    });
    try {
      return await Promise.race([work().then(() => 'ok', (e) => `unavailable: ${firstLine(e)}`), limit]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    const [store, facts] = await Promise.all([within(sources.probeStore), within(() => sources.tenantFacts.get())]);
    let graph = facts;
    if (facts === 'ok') {
      graphAnswered = true;
      if (sources.tenantFacts.stale) graph = 'degraded: Microsoft Graph did not answer the last refresh; serving cached tenant facts';
    } else if (graphAnswered) {
      graph = `${facts} (this instance has read the tenant before and stays in rotation; diagnoses ask users to try again until Graph answers)`;
    }
    const reasons = [...(store === 'ok' ? [] : [`store ${store}`]), ...(graphAnswered ? [] : [`Microsoft Graph has not answered this instance yet (${facts})`])];
    return { ready: reasons.length === 0, store, graph, ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}) };
  };
}

/** This bot's readiness: a probe item written to its store, and its tenant facts read from Graph. */
export function botReadiness(o: { storage: KeyValueStore; tenantFacts: TenantFactsSource; now: () => Date; limitMs: number }): () => Promise<ReadinessReport> {
  return readinessCheck({ probeStore: () => o.storage.write({ 'health/probe': { at: o.now().toISOString(), eTag: '*' } }), tenantFacts: o.tenantFacts }, o.limitMs);
}

// Starts OpenTelemetry with the Azure Monitor distro (@azure/monitor-opentelemetry) when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set (config.telemetry), and does nothing at all
// otherwise: the distro is not even loaded.
//
// What is exported to Application Insights:
//  - requests: one per incoming activity (tracedActivityHandler), on either edge;
//  - dependencies: each Microsoft Graph HTTP request (src/graph/client.ts's middleware, one per
//    attempt: retries and 429s are separate dependencies with their resend count and Retry-After),
//    help-desk actions and notice sends (InProc), outgoing HTTP from the SDKs (Bot Connector
//    replies, Entra token requests: the http instrumentation), Azure Storage (the Azure SDK
//    instrumentation), and on the Agents SDK edge the SDK's own spans (agents.*);
//  - customMetrics: the business counters (src/metrics.ts) and the distro's standard metrics.
// Incoming HTTP is not instrumented by the http instrumentation: the turn span is the request, and
// probes (/healthz, /readyz) and the offline demo's loopback Graph would only add noise.
import { metrics as otelMetrics, trace } from '@opentelemetry/api';
import type { AzureMonitorOpenTelemetryOptions, InstrumentationOptions } from '@azure/monitor-opentelemetry';
import { setTelemetryOn, telemetryOn } from './index';

/** What config.ts reads for telemetry (config imports this; telemetry never imports config). */
export interface TelemetrySettings {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING, already checked by connectionStringProblem. */
  connectionString: string;
}

export interface Telemetry {
  /** Exports everything recorded so far (spans and metrics) and waits for the ingestion endpoint to answer. */
  flush(): Promise<void>;
  /** Flushes and stops exporting; the process's OpenTelemetry globals are removed. Never throws (failures are logged). */
  shutdown(): Promise<void>;
}

export interface TelemetryStartOptions {
  /**
   * Keep telemetry that cannot be sent in memory only (no retry-to-disk under the temp folder).
   * Tests set it; in production the exporter's offline storage rides out ingestion outages.
   */
  disableOfflineStorage?: boolean;
  /**
   * TEST ONLY: a CA certificate (PEM) to trust for the ingestion endpoint. The exporter always
   * speaks https, so a loopback ingestion endpoint in a test has a self-signed certificate.
   */
  testOnlyIngestionCa?: string;
  /**
   * Keep every trace (tests: deterministic). Otherwise the distro's default applies: at most 5
   * traces a second (OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG override it).
   */
  sampleEverything?: boolean;
  log?: (event: Record<string, unknown>) => void;
}

/** The exporter rejects with an array of errors; one short line of the first. */
function firstError(e: unknown): string {
  const first = Array.isArray(e) ? e[0] : e;
  return String((first as Error)?.message ?? first).split('\n')[0].slice(0, 300);
}

type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => unknown };

async function forceFlush(provider: unknown): Promise<void> {
  const p = provider as Flushable;
  const target = (typeof p.getDelegate === 'function' ? p.getDelegate() : p) as Flushable;
  if (typeof target.forceFlush === 'function') await target.forceFlush();
}

type Stoppable = { shutdown(): Promise<void> };

/**
 * The distro's own MeterProviders beside the SDK's: standard metrics and performance counters
 * (its MetricHandler makes them, each exporting every minute). shutdownAzureMonitor stops the SDK
 * only (1.18.1), so without this they would go on exporting after a shutdown, their last minute
 * never sent. The handler is reached through the distro's span processor, which holds it; an
 * empty list means a distro version laid out otherwise (the shutdown test then fails).
 */
function distroMeterProviders(sdk: unknown): Stoppable[] {
  type Part = { getMeterProvider?: () => Stoppable } | undefined;
  const processors = (sdk as { _tracerProviderConfig?: { spanProcessors?: unknown[] } } | undefined)?._tracerProviderConfig?.spanProcessors ?? [];
  const handler = processors.map((p) => (p as { _metricHandler?: Record<string, Part> })._metricHandler).find((h) => h !== undefined);
  if (!handler) return [];
  return [handler._standardMetrics, handler._performanceCounters, handler._liveMetrics].flatMap((part) => (typeof part?.getMeterProvider === 'function' ? [part.getMeterProvider()] : []));
}

/** The distro's options: ours, whatever the defaults of its next version. */
export function azureMonitorOptions(settings: TelemetrySettings, options: TelemetryStartOptions = {}): AzureMonitorOpenTelemetryOptions {
  const off = { enabled: false };
  return {
    azureMonitorExporterOptions: {
      connectionString: settings.connectionString,
      disableOfflineStorage: options.disableOfflineStorage === true,
      ...(options.testOnlyIngestionCa ? { tlsOptions: { ca: options.testOnlyIngestionCa } } : {}),
    },
    instrumentationOptions: {
      // Outgoing only (see above): Bot Connector replies, token requests.
      http: { enabled: true, disableIncomingRequestInstrumentation: true } as NonNullable<InstrumentationOptions['http']>,
      azureSdk: { enabled: true },
      mongoDb: off,
      mySql: off,
      postgreSql: off,
      redis: off,
      redis4: off,
      bunyan: off,
      winston: off,
    },
    enableLiveMetrics: false,
    ...(options.sampleEverything ? { samplingRatio: 1, tracesPerSecond: 0 } : {}),
  };
}

/**
 * Starts exporting to Application Insights, or answers undefined (and starts nothing) when the
 * connection string is not set. Call it before the bot starts, so the HTTP and Azure SDK
 * instrumentations are in place before the first request.
 */
export async function startTelemetry(settings: TelemetrySettings | undefined, options: TelemetryStartOptions = {}): Promise<Telemetry | undefined> {
  if (!settings) return undefined;
  if (telemetryOn()) throw new Error('Telemetry is already started in this process');
  // The cloud role name in Application Insights (OTEL_SERVICE_NAME, when set, wins).
  process.env.OTEL_SERVICE_NAME ??= 'passkey-support-bot';
  const { useAzureMonitor, shutdownAzureMonitor, _getSdkInstance } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor(azureMonitorOptions(settings, options));
  const ownMeterProviders = distroMeterProviders(_getSdkInstance());
  // The http instrumentation patches node:http and node:https when they are next required; they
  // were loaded before us (restify, the SDKs), so require them once now. Patching changes their
  // shared exports, which every module already holding them sees.
  await import('node:http');
  await import('node:https');
  setTelemetryOn(true);
  options.log?.({ event: 'telemetry.started', exporter: 'Azure Monitor', offlineStorage: options.disableOfflineStorage !== true });
  const flush = async () => {
    await forceFlush(trace.getTracerProvider());
    await forceFlush(otelMetrics.getMeterProvider());
  };
  return {
    flush,
    // Never throws: an ingestion endpoint that cannot be reached must not turn a clean stop into a crash.
    shutdown: async () => {
      const failed = (step: string) => (e: unknown) => options.log?.({ event: 'telemetry.shutdown.failed', step, error: firstError(e) });
      await flush().catch(failed('flush'));
      setTelemetryOn(false);
      // Each flushes what it still holds, then stops its timer: nothing is exported after this.
      await Promise.all([
        Promise.resolve()
          .then(() => shutdownAzureMonitor())
          .catch(failed('shutdown')),
        ...ownMeterProviders.map((provider) => provider.shutdown().catch(failed('shutdown'))),
      ]);
    },
  };
}

// Stopping the bot while Application Insights cannot be reached: the flush fails, is logged in
// one line, and the stop completes (a clean SIGTERM must not become an unhandled rejection).
// And a shutdown stops everything the distro started: its own standard metrics and performance
// counters (MeterProviders beside the SDK's, which its shutdownAzureMonitor leaves running) send
// their last minute at the stop, and nothing exports after it (a test run that exits at once).
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { inSpan, telemetryOn } from '../../src/telemetry';
import { startTelemetry } from '../../src/telemetry/start';
import { requireTool } from '../helpers/requires';
import { opensslUnavailable, startIngestion, type Envelope } from './ingestion';

process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('shutdown resolves and logs when the ingestion endpoint refuses connections', async () => {
  const port = await refusedPort();
  const settings = loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=0a1b2c3d-0000-4000-8000-00000000beef;IngestionEndpoint=https://127.0.0.1:${port}/` }).telemetry;
  const events: Record<string, unknown>[] = [];
  const telemetry = (await startTelemetry(settings, { disableOfflineStorage: true, sampleEverything: true, log: (e) => events.push(e) }))!;
  expect(telemetryOn()).toBe(true);
  await inSpan('helpdesk.take', {}, async () => undefined);
  await expect(telemetry.shutdown()).resolves.toBeUndefined();
  expect(telemetryOn()).toBe(false);
  expect(events.map((e) => e.event)).toEqual(['telemetry.started', 'telemetry.shutdown.failed']);
  expect(events[1]).toMatchObject({ step: 'flush' });
});

/** The metric names in what the exporter sent. */
const metricNames = (envelopes: Envelope[]) => envelopes.filter((e) => e.data.baseType === 'MetricData').flatMap((e) => (e.data.baseData.metrics as { name: string }[]).map((m) => m.name));

requireTool('openssl (the loopback ingestion endpoint is https)', opensslUnavailable())('shutdown with a reachable ingestion endpoint', () => {
  it("sends the distro's standard metrics and performance counters at the stop, not a minute later", async () => {
    const ingestion = await startIngestion();
    try {
      const settings = loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString }).telemetry;
      const events: Record<string, unknown>[] = [];
      const telemetry = (await startTelemetry(settings, { disableOfflineStorage: true, testOnlyIngestionCa: ingestion.ca, sampleEverything: true, log: (e) => events.push(e) }))!;
      await inSpan('helpdesk.take', {}, async () => undefined);
      await telemetry.flush();
      const from = ingestion.envelopes.length;
      // Their own readers export once a minute: before the stop they have sent nothing.
      expect(metricNames(ingestion.envelopes)).not.toContain('\\Process(??APP_WIN32_PROC??)\\Private Bytes');

      await telemetry.shutdown();
      const atStop = ingestion.envelopes.slice(from);
      // Performance counters (their MeterProvider) and standard metrics (theirs: _MS.MetricId).
      expect(metricNames(atStop)).toEqual(expect.arrayContaining(['\\Process(??APP_WIN32_PROC??)\\Private Bytes', '\\Processor(_Total)\\% Processor Time']));
      expect(atStop.some((e) => e.data.baseType === 'MetricData' && e.data.baseData.properties?.['_MS.MetricId'] !== undefined)).toBe(true);
      expect(events.map((e) => e.event)).toEqual(['telemetry.started']);
    } finally {
      await ingestion.close();
    }
  });
});

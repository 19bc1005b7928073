// Stopping the bot while Application Insights cannot be reached: the flush fails, is logged in
// one line, and the stop completes (a clean SIGTERM must not become an unhandled rejection).
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { inSpan, telemetryOn } from '../../src/telemetry';
import { startTelemetry } from '../../src/telemetry/start';

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

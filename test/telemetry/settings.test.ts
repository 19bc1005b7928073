// APPLICATIONINSIGHTS_CONNECTION_STRING is read and checked at start-up; a malformed one stops
// start-up with a message naming the setting, without repeating its value.
import { ConfigError, loadConfig } from '../../src/config';
import { azureMonitorOptions } from '../../src/telemetry/start';
import { ROOT } from '../http/helpers';

const GOOD = 'InstrumentationKey=0a1b2c3d-0000-4000-8000-00000000beef;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=11111111-2222-3333-4444-555555555555';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ PORT: '0', ...env }, ROOT);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('is optional: without it there is no telemetry', () => {
    expect(loadConfig({ PORT: '0' }, ROOT).telemetry).toBeUndefined();
  });

  it('is taken as the Application Insights resource shows it', () => {
    expect(loadConfig({ PORT: '0', APPLICATIONINSIGHTS_CONNECTION_STRING: GOOD }, ROOT).telemetry).toEqual({ connectionString: GOOD });
  });

  it.each([
    ['not key=value pairs', 'just-a-key', /expected Key=Value pairs/],
    ['no instrumentation key', 'IngestionEndpoint=https://x.in.applicationinsights.azure.com/', /has no InstrumentationKey/],
    ['an instrumentation key that is not a GUID', 'InstrumentationKey=secret-looking-value;IngestionEndpoint=https://x.in.applicationinsights.azure.com/', /InstrumentationKey is not a GUID/],
    ['an ingestion endpoint that is not a URL', 'InstrumentationKey=0a1b2c3d-0000-4000-8000-00000000beef;IngestionEndpoint=westeurope', /IngestionEndpoint is not an http\(s\) URL/],
  ])('stops start-up when it has %s, naming the setting and not echoing the value', (_what, value, why) => {
    const found = problems({ APPLICATIONINSIGHTS_CONNECTION_STRING: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^APPLICATIONINSIGHTS_CONNECTION_STRING: /);
    expect(found[0]).toMatch(why);
    expect(found[0]).not.toContain(value);
  });

  it('configures the distro: the connection string, outgoing HTTP only, no database or logger instrumentations, no live metrics', () => {
    const options = azureMonitorOptions({ connectionString: GOOD }, { disableOfflineStorage: true });
    expect(options.azureMonitorExporterOptions).toMatchObject({ connectionString: GOOD, disableOfflineStorage: true });
    expect(options.instrumentationOptions?.http).toMatchObject({ enabled: true, disableIncomingRequestInstrumentation: true });
    for (const off of ['mongoDb', 'mySql', 'postgreSql', 'redis', 'redis4', 'bunyan', 'winston'] as const) expect(options.instrumentationOptions?.[off]).toEqual({ enabled: false });
    expect(options.enableLiveMetrics).toBe(false);
    // Production keeps retry-to-disk (ingestion outages) and the distro's sampling.
    const production = azureMonitorOptions({ connectionString: GOOD });
    expect(production.azureMonitorExporterOptions?.disableOfflineStorage).toBe(false);
    expect(production.samplingRatio).toBeUndefined();
  });
});
